package firms

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
)

// ErrImportSpreadsheet is a spreadsheet workbook (.xlsx, .xls) uploaded
// where a CSV file is read: its bytes would otherwise be reported as "not
// UTF-8 text", which does not say what to do.
const ErrImportSpreadsheet Problem = "error.import.spreadsheet"

// headerPeek is how much of a file's start is looked at to tell its
// separator: a header line is far shorter.
const headerPeek = 8 << 10

// csvReader reads r as people's spreadsheets save CSV: a UTF-8 byte order
// mark is skipped, and the separator is the semicolon when the first line
// has semicolons and no commas. Excel saves "CSV" with the list separator
// of the computer's regional settings, which is the semicolon on many
// Vietnamese and European Windows set-ups; read with commas, such a file
// was one column, and the import said the tax code column was missing
// without naming the cause. A spreadsheet workbook is ErrImportSpreadsheet
// for line 1.
func csvReader(r io.Reader) (*csv.Reader, *RowError) {
	br := bufio.NewReaderSize(r, headerPeek)
	if b, err := br.Peek(3); err == nil && string(b) == "\xEF\xBB\xBF" {
		br.Discard(3)
	}
	start, _ := br.Peek(headerPeek) // a shorter file gives what it has
	if isWorkbook(start) {
		return nil, &RowError{Line: 1, Problem: ErrImportSpreadsheet}
	}
	cr := csv.NewReader(br)
	if first, _, _ := bytes.Cut(start, []byte("\n")); bytes.IndexByte(first, ';') >= 0 && bytes.IndexByte(first, ',') < 0 {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return cr, nil
}

// isWorkbook says whether b starts as an Excel workbook does: .xlsx is a
// ZIP archive, .xls an OLE2 compound file.
func isWorkbook(b []byte) bool {
	return bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
}
