package web

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// sheet receives an export's rows; csvSheet and xlsxSheet write them.
// Cells are string, int or float64; nil is an empty cell (a suppressed or
// unshared figure is empty, never zero).
type sheet interface {
	Row(cells []any) error
	Close() error
}

// csvSheet writes UTF-8 CSV with a byte-order mark, so Excel reads
// Vietnamese correctly. Numbers use a full stop: CSV is for machines;
// people who want numbers in their locale take the XLSX.
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
			rec[i] = v
		case int:
			rec[i] = strconv.Itoa(v)
		case float64:
			rec[i] = strconv.FormatFloat(v, 'f', 1, 64)
		default:
			rec[i] = fmt.Sprint(v)
		}
	}
	return c.w.Write(rec)
}

func (c *csvSheet) Close() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return err
	}
	return c.buf.Flush()
}
