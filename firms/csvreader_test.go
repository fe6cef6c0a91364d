package firms

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

// readRows reads every row of a registry file, failing the test on any
// problem.
func readRows(t *testing.T, data string) []ImportRow {
	t.Helper()
	ref, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	rd, ferr := NewImportReader(strings.NewReader(data), ref, time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC), map[string]bool{"wood": true})
	if ferr != nil {
		t.Fatalf("file refused: %+v", ferr)
	}
	var out []ImportRow
	for {
		row, probs, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil || len(probs) > 0 {
			t.Fatalf("row refused: %v %+v", err, probs)
		}
		out = append(out, *row)
	}
}

// Excel saves "CSV" with the computer's list separator, a semicolon on
// many Vietnamese Windows set-ups (a walkthrough's finding: such a file
// was read as one column, and the import said the tax code column was
// missing). A file whose header has semicolons and no commas is read with
// semicolons, to the same rows; a file whose header has commas keeps
// commas, semicolons inside its fields and all.
func TestASemicolonFileReadsAsItsCommaTwin(t *testing.T) {
	comma := "\xEF\xBB\xBFtax_code,name,vsic,ward,employees,revenue_vnd,capital_vnd,year,associations\r\n" +
		"3709000012,\"Công ty Gỗ; Nội thất\",3100,25760,12,1000,1000,2025,wood\r\n" +
		"3709000100,Công ty TNHH Nhựa Tân Hiệp,2220,25920,35,12500000000,8000000000,2025,\r\n"
	semi := "\xEF\xBB\xBFtax_code;name;vsic;ward;employees;revenue_vnd;capital_vnd;year;associations\r\n" +
		"3709000012;Công ty Gỗ; Nội thất;3100;25760;12;1000;1000;2025;wood\r\n" +
		"3709000100;Công ty TNHH Nhựa Tân Hiệp;2220;25920;35;12500000000;8000000000;2025;\r\n"
	semi = strings.Replace(semi, "Công ty Gỗ; Nội thất", "\"Công ty Gỗ; Nội thất\"", 1)
	a, b := readRows(t, comma), readRows(t, semi)
	if len(a) != 2 || !reflect.DeepEqual(a, b) {
		t.Fatalf("comma file: %+v\nsemicolon file: %+v", a, b)
	}
	if a[0].Firm.Name != "Công ty Gỗ; Nội thất" {
		t.Fatalf("a semicolon inside a comma file's field: %q", a[0].Firm.Name)
	}
	lines, errs := ParseMemberList(strings.NewReader("ten;mst\nCông ty Gỗ;3709000012\n"))
	if len(errs) != 0 || len(lines) != 1 || lines[0].TaxCode != "3709000012" {
		t.Fatalf("a semicolon membership list: %+v %+v", lines, errs)
	}
	// A comma in the header or in a name does not make a semicolon file a
	// comma file (a review's finding), and Excel's "sep=;" line is no header.
	withComma := strings.Replace(semi, "associations\r\n", "associations;Địa chỉ (số nhà, đường)\r\n", 1)
	if c := readRows(t, withComma); !reflect.DeepEqual(c, a) {
		t.Fatalf("a semicolon file with a comma in its header: %+v", c)
	}
	// After the sep= line, the lines are the file's: the first firm is on line 3.
	c := readRows(t, "sep=;\r\n"+strings.TrimPrefix(semi, "\xEF\xBB\xBF"))
	if len(c) != 2 || c[0].Line != 3 {
		t.Fatalf("a semicolon file after Excel's sep=; line: %+v", c)
	}
	for i := range c {
		c[i].Line--
	}
	if !reflect.DeepEqual(c, a) {
		t.Fatalf("a semicolon file after Excel's sep=; line: %+v", c)
	}
	ref, _ := LoadReference()
	if _, ferr := NewImportReader(strings.NewReader("sep=;\nmst;ten\n"), ref, time.Now(), nil); ferr == nil || ferr.Line != 2 {
		t.Fatalf("a header problem after a sep= line is on line 2: %+v", ferr)
	}
	if lines, errs := ParseMemberList(strings.NewReader("sep=;\nmst;ten\n3709000012;Gỗ\nabc;x\n")); len(lines) != 1 || len(errs) != 1 || errs[0].Line != 4 {
		t.Fatalf("a membership list after a sep= line: %+v %+v", lines, errs)
	}
	lines, errs = ParseMemberList(strings.NewReader("3709000012;Công ty Gỗ, Nội thất\n3709000100;Công ty Nhựa\n"))
	if len(errs) != 0 || len(lines) != 2 {
		t.Fatalf("a semicolon membership list without a header, a comma in a name: %+v %+v", lines, errs)
	}
	// A comma file whose quoted fields hold semicolons stays a comma file.
	assocs := "tax_code,name,vsic,ward,employees,revenue_vnd,capital_vnd,year,associations\n" +
		"3709000012,Công ty Gỗ,3100,25760,12,1000,1000,2025,\"wood;bifa;hawa;vcci;fdi;logistics;women;youth\"\n"
	rd, ferr := NewImportReader(strings.NewReader(assocs), ref, time.Now(), nil)
	if ferr != nil {
		t.Fatalf("a comma file with semicolons in a quoted field: %+v", ferr)
	}
	if _, _, err := rd.Next(); err != nil {
		t.Fatal(err)
	}
}

// A workbook uploaded where a CSV is read was reported as "line 1: not
// UTF-8 text", which does not say what to do: it is now named as a
// workbook, for the registry import and for a membership list.
func TestAWorkbookIsNamedAsOne(t *testing.T) {
	ref, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	for name, start := range map[string]string{"xlsx": "PK\x03\x04\x14\x00\x06\x00", "xls": "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00"} {
		data := start + strings.Repeat("\x00\xff", 200)
		if _, ferr := NewImportReader(strings.NewReader(data), ref, time.Now(), nil); ferr == nil || ferr.Problem != ErrImportSpreadsheet || ferr.Line != 1 {
			t.Errorf("%s as a registry file: %+v", name, ferr)
		}
		if _, errs := ParseMemberList(strings.NewReader(data)); len(errs) != 1 || errs[0].Problem != ErrImportSpreadsheet {
			t.Errorf("%s as a membership list: %+v", name, errs)
		}
	}
}
