package web

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dxready/scoring"
)

// sheet receives an export's rows; csvSheet and xlsxSheet write them.
// Cells are string, int, float64 or time.Time; nil is an empty cell (a
// suppressed or unshared figure is empty, never zero). A time.Time is a day
// in Asia/Ho_Chi_Minh, written ISO (2026-11-30) so a spreadsheet sorts and
// filters it: never the long form the pages show; a zero one is empty.
type sheet interface {
	Row(cells []any) error
	Close() error
}

// csvSheet writes UTF-8 CSV with a byte-order mark, so Excel reads
// Vietnamese correctly. Numbers use a full stop: CSV is for machines;
// people who want numbers in their locale take the XLSX. Text cells are
// neutralised (csvText); numbers are written as numbers, so a negative
// change stays a number a spreadsheet can add up.
type csvSheet struct {
	buf *bufio.Writer
	w   *csv.Writer
}

func newCSVSheet(w io.Writer) (*csvSheet, error) {
	buf := bufio.NewWriterSize(w, 64<<10)
	if _, err := buf.WriteString("\xEF\xBB\xBF"); err != nil {
		return nil, err
	}
	return &csvSheet{buf: buf, w: csv.NewWriter(buf)}, nil
}

func (c *csvSheet) Row(cells []any) error {
	rec := make([]string, len(cells))
	for i, v := range cells {
		switch v := v.(type) {
		case nil:
		case string:
			rec[i] = csvText(v)
		case int:
			rec[i] = strconv.Itoa(v)
		case float64:
			rec[i] = strconv.FormatFloat(v, 'f', 1, 64)
		case time.Time:
			if !v.IsZero() {
				rec[i] = v.In(scoring.Zone).Format(time.DateOnly)
			}
		default:
			rec[i] = fmt.Sprint(v)
		}
	}
	return c.w.Write(rec)
}

// formulaStarts are the first characters that make a spreadsheet read a
// cell as a formula (OWASP's CSV-injection list: = + - @ tab CR), with
// their full-width forms, which some spreadsheet locales read the same way.
const formulaStarts = "=+-@\t\r\uFF1D\uFF0B\uFF0D\uFF20"

// csvText makes a text cell safe to open in a spreadsheet: one that starts
// (after any spaces) with a formula character gets a leading single quote,
// so it is shown as the text it is, never run; bytes that are not UTF-8
// (stored before input was checked) become U+FFFD, so the file is UTF-8.
func csvText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if r, _ := utf8.DecodeRuneInString(strings.TrimLeft(s, " ")); strings.ContainsRune(formulaStarts, r) {
		return "'" + s
	}
	return s
}

func (c *csvSheet) Close() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return err
	}
	return c.buf.Flush()
}
