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
// separator: the header and tens of lines after it.
const headerPeek = 8 << 10

// csvReader reads r as people's spreadsheets save CSV: a UTF-8 byte order
// mark is skipped, and the separator is the semicolon when the file's
// start has more semicolons than commas outside quotes (or its first line
// is Excel's "sep=;"). Excel saves "CSV" with the list separator of the
// computer's regional settings, which is the semicolon on many Vietnamese
// and European Windows set-ups; read with commas, such a file was one
// column, and the import said the tax code column was missing without
// naming the cause. Counting over the start, not the header alone, keeps
// a semicolon file whose header or first names have a comma ("Địa chỉ (số
// nhà, đường)") a semicolon file. A spreadsheet workbook is
// ErrImportSpreadsheet for line 1.
func csvReader(r io.Reader) (*csv.Reader, *RowError) {
	br := bufio.NewReaderSize(r, headerPeek)
	if b, err := br.Peek(3); err == nil && string(b) == "\xEF\xBB\xBF" {
		br.Discard(3)
	}
	start, _ := br.Peek(headerPeek) // a shorter file gives what it has
	if isWorkbook(start) {
		return nil, &RowError{Line: 1, Problem: ErrImportSpreadsheet}
	}
	comma, hint := separatorOf(start)
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	if hint {
		// Excel's "sep=;" line is no header. It is read and dropped here,
		// so that the reader's line numbers stay the file's.
		if _, err := cr.Read(); err != nil {
			return nil, &RowError{Line: 1, Problem: ErrImportSyntax}
		}
	}
	return cr, nil
}

// separatorOf is the separator of a CSV file that starts with b, and
// whether its first line is Excel's "sep=X" saying so.
func separatorOf(b []byte) (sep rune, hint bool) {
	first, _, _ := bytes.Cut(b, []byte("\n"))
	if line := bytes.TrimSpace(first); len(line) == 5 && bytes.HasPrefix(line, []byte("sep=")) && (line[4] == ';' || line[4] == ',') {
		return rune(line[4]), true
	}
	var semis, commas int
	quoted := false
	for _, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ';':
			semis++
		case c == ',':
			commas++
		}
	}
	if semis > commas {
		return ';', false
	}
	return ',', false
}

// isWorkbook says whether b starts as an Excel workbook does: .xlsx is a
// ZIP archive, .xls an OLE2 compound file.
func isWorkbook(b []byte) bool {
	return bytes.HasPrefix(b, []byte("PK\x03\x04")) || bytes.HasPrefix(b, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
}
