package web

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestColumnNames(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := columnName(i); got != want {
			t.Errorf("columnName(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestSheetTitle(t *testing.T) {
	for in, want := range map[string]string{
		"Hội viên":               "Hội viên",
		"a/b[c]:d*?":             "a-b-c--d--",
		"  ":                     "Sheet1",
		strings.Repeat("Dữ", 20): strings.Repeat("Dữ", 15) + "D",
	} {
		if got := sheetTitle(in); got != want {
			t.Errorf("sheetTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

// The workbook opens in a real spreadsheet reader with every cell where it
// was written: text escaped, numbers numeric, empty cells empty, and
// columns past Z.
func TestXLSXSheetReadsBack(t *testing.T) {
	var out bytes.Buffer
	sh, err := newXLSXSheet(&out, "Số liệu <1>")
	if err != nil {
		t.Fatal(err)
	}
	header := make([]any, 30)
	for i := range header {
		header[i] = "Cột " + columnName(i)
	}
	rows := [][]any{
		header,
		{"Công ty <Gỗ> & \"Bạn\"", 42, 71.25, nil, "  lề  ", "a\x01b"},
		{nil, nil, 0.0, 3},
	}
	rows[2] = append(rows[2], make([]any, 25)...)
	rows[2] = append(rows[2], "cuối")
	for _, r := range rows {
		if err := sh.Row(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := sh.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "Số liệu <1>" {
		t.Fatalf("sheets: %q", got)
	}
	got, err := f.GetRows("Số liệu <1>")
	if err != nil || len(got) != 3 {
		t.Fatalf("rows: %v %v", got, err)
	}
	if got[0][29] != "Cột AD" {
		t.Errorf("header AD: %q", got[0][29])
	}
	want := []string{"Công ty <Gỗ> & \"Bạn\"", "42", "71.3", "", "  lề  ", "a\uFFFDb"}
	for i, w := range want {
		if got[1][i] != w {
			t.Errorf("row 2 col %d = %q, want %q", i, got[1][i], w)
		}
	}
	if v, _ := f.GetCellValue("Số liệu <1>", "C2", excelize.Options{RawCellValue: true}); v != "71.3" {
		t.Errorf("C2 raw = %q, want the rounded number", v)
	}
	if typ, _ := f.GetCellType("Số liệu <1>", "B2"); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("B2 is stored as text, not a number")
	}
	if got[2][0] != "" || got[2][2] != "0.0" || got[2][3] != "3" || got[2][29] != "cuối" {
		t.Errorf("row 3: %q", got[2])
	}
}
