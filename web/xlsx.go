package web

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dxready/scoring"
)

// xlsxSheet writes a one-sheet Office Open XML workbook straight into the
// response while rows arrive: the fixed parts first, then the worksheet
// row by row through a deflating zip entry. Memory stays at the zip
// buffers however many rows there are.
//
// Why not excelize's StreamWriter: it keeps up to 16 MB of sheet XML in
// memory, spills the rest to a temporary file, and can only write the
// workbook when all rows are in. A 68,000-row member list grew the
// server by 59 MB and sent nothing until the end. excelize still reads
// our files back in the tests, so they stay honest.
//
// Strings are inline (t="inlineStr"), so there is no shared-string table
// to hold; numbers carry style 1 ("0.0"), which Excel shows with the
// reader's own decimal separator; days are date cells of style 3
// (yyyy-mm-dd). Row 1 is bold and frozen.
type xlsxSheet struct {
	zw  *zip.Writer
	buf *bufio.Writer
	row int
}

// maxSheetName is Excel's limit on a worksheet's name.
const maxSheetName = 31

func newXLSXSheet(w io.Writer, name string) (*xlsxSheet, error) {
	zw := zip.NewWriter(w)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", xlsxContentTypes},
		{"_rels/.rels", xlsxRootRels},
		{"xl/workbook.xml", strings.Replace(xlsxWorkbook, "{{name}}", xmlAttr(sheetTitle(name)), 1)},
		{"xl/_rels/workbook.xml.rels", xlsxWorkbookRels},
		{"xl/styles.xml", xlsxStyles},
	}
	for _, p := range parts {
		f, err := zw.Create(p.name)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(f, xmlHeader+p.body); err != nil {
			return nil, err
		}
	}
	f, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return nil, err
	}
	buf := bufio.NewWriterSize(f, 32<<10)
	if _, err := buf.WriteString(xmlHeader + xlsxSheetStart); err != nil {
		return nil, err
	}
	return &xlsxSheet{zw: zw, buf: buf}, nil
}

// Row writes one row; the first row is the header.
func (x *xlsxSheet) Row(cells []any) error {
	x.row++
	r := strconv.Itoa(x.row)
	b := x.buf
	b.WriteString(`<row r="` + r + `">`)
	for i, v := range cells {
		ref := columnName(i) + r
		switch v := v.(type) {
		case nil:
		case int:
			b.WriteString(`<c r="` + ref + `"><v>` + strconv.Itoa(v) + `</v></c>`)
		case float64:
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			b.WriteString(`<c r="` + ref + `" s="1"><v>` + strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) + `</v></c>`)
		case time.Time:
			if !v.IsZero() {
				b.WriteString(`<c r="` + ref + `" s="3"><v>` + strconv.Itoa(excelDay(v)) + `</v></c>`)
			}
		default:
			s, ok := v.(string)
			if !ok {
				s = fmt.Sprint(v)
			}
			style := ""
			if x.row == 1 {
				style = ` s="2"`
			}
			b.WriteString(`<c r="` + ref + `" t="inlineStr"` + style + `><is><t xml:space="preserve">`)
			xmlText(b, s)
			b.WriteString(`</t></is></c>`)
		}
	}
	_, err := b.WriteString(`</row>`)
	return err
}

// Close ends the worksheet and the zip archive.
func (x *xlsxSheet) Close() error {
	if _, err := x.buf.WriteString(xlsxSheetEnd); err != nil {
		return err
	}
	if err := x.buf.Flush(); err != nil {
		return err
	}
	return x.zw.Close()
}

// excelDay is the spreadsheet serial number of t's day in
// Asia/Ho_Chi_Minh: days since 30 December 1899, shown by style 3 as
// yyyy-mm-dd.
func excelDay(t time.Time) int {
	y, m, d := t.In(scoring.Zone).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

// columnName is the spreadsheet name of the zero-based column i: A…Z, AA….
func columnName(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

// sheetTitle makes name a valid worksheet name: no []:*?/\, at most 31
// characters, never empty.
func sheetTitle(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(name))
	if utf8.RuneCountInString(name) > maxSheetName {
		name = string([]rune(name)[:maxSheetName])
	}
	if name == "" {
		name = "Sheet1"
	}
	return name
}

// xmlText writes s escaped as XML character data. Characters XML cannot
// hold (most control characters) become U+FFFD, as encoding/xml does.
func xmlText(w io.Writer, s string) {
	_ = xml.EscapeText(w, []byte(s))
}

func xmlAttr(s string) string {
	var b strings.Builder
	xmlText(&b, s)
	return b.String()
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const xlsxContentTypes = `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
	`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
	`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
	`</Types>`

const xlsxRootRels = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
	`</Relationships>`

const xlsxWorkbook = `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
	`<sheets><sheet name="{{name}}" sheetId="1" r:id="rId1"/></sheets></workbook>`

const xlsxWorkbookRels = `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`</Relationships>`

// Styles: 0 default, 1 one decimal ("0.0"), 2 bold (the header).
const xlsxStyles = `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<numFmts count="2"><numFmt numFmtId="164" formatCode="0.0"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>` +
	`<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>` +
	`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
	`<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`

const xlsxSheetStart = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>` +
	`<sheetData>`

const xlsxSheetEnd = `</sheetData></worksheet>`
