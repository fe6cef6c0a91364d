package web

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestCSVTextNeutralisesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://evil","x")`: `'=HYPERLINK("http://evil","x")`,
		"+84 274 3822 123":              "'+84 274 3822 123",
		"-2+3":                          "'-2+3",
		"@SUM(A1:A9)":                   "'@SUM(A1:A9)",
		"\t=1+1":                        "'\t=1+1",
		"\r=1+1":                        "'\r=1+1",
		"  =1+1":                        "'  =1+1",
		"＝1+1":                          "'＝1+1",
		"Công ty Gỗ = Tốt":              "Công ty Gỗ = Tốt",
		"3709000012":                    "3709000012",
		"":                              "",
		"a\xffb":                        "a\uFFFDb",
	} {
		if got := csvText(in); got != want {
			t.Errorf("csvText(%q) = %q, want %q", in, got, want)
		}
	}
}

// Numbers stay numbers: a negative change is not turned into text.
func TestCSVSheetKeepsNumbers(t *testing.T) {
	var out bytes.Buffer
	sh, err := newCSVSheet(&out)
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.Row([]any{"-3.5", -3.5, -2, nil, "=1"}); err != nil {
		t.Fatal(err)
	}
	if err := sh.Close(); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimPrefix(out.String(), "\xEF\xBB\xBF"); got != "'-3.5,-3.5,-2,,'=1\n" {
		t.Fatalf("row = %q", got)
	}
}

// The attack from the issue: a firm names itself with a formula; its lead
// downloads the member list. The CSV cell is text, not a formula; the XLSX
// cell is an inline string with no formula, as it always was.
func TestFormulaFirmNameInMemberExports(t *testing.T) {
	e := newEnv(t)
	const evil = `=HYPERLINK("http://evil","x")`
	f := *e.fx.NoiThat
	f.Name = evil
	if err := e.st.UpdateFirm(ctx, &f); err != nil {
		t.Fatal(err)
	}
	lead := e.client().login("lead@test.local")
	r := lead.get(assocPath(e.fx.Wood.ID, "/members.csv"))
	must(t, r, http.StatusOK)
	found := false
	for _, rec := range readCSV(t, r.body) {
		for _, cell := range rec {
			if strings.Contains(cell, "HYPERLINK") {
				found = true
				if cell != "'"+evil {
					t.Errorf("CSV cell %q is not neutralised", cell)
				}
			}
		}
	}
	if !found {
		t.Fatal("the firm is not in the CSV")
	}
	x := lead.get(assocPath(e.fx.Wood.ID, "/members.xlsx"))
	wb, err := excelize.OpenReader(strings.NewReader(x.body))
	if err != nil || x.status != http.StatusOK {
		t.Fatalf("xlsx: %d %v", x.status, err)
	}
	sheet := wb.GetSheetList()[0]
	rows, _ := wb.GetRows(sheet)
	found = false
	for i, row := range rows {
		for j, cell := range row {
			if !strings.Contains(cell, "HYPERLINK") {
				continue
			}
			found = true
			ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
			formula, _ := wb.GetCellFormula(sheet, ref)
			typ, _ := wb.GetCellType(sheet, ref)
			if cell != evil || formula != "" || typ != excelize.CellTypeInlineString {
				t.Errorf("XLSX %s = %q, formula %q, type %v: want the literal text as an inline string", ref, cell, formula, typ)
			}
		}
	}
	if !found {
		t.Fatal("the firm is not in the XLSX")
	}
}
