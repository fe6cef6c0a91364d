package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"dxready/store/storetest"
)

// The quarterly report of the fixtures at the end of 2026-Q3, by hand:
// two of the seven wood firms had a result by then (SevenWoodFirms dates
// the others in Q4), so two of the ten firms took part; the wood
// association has nine members; its own report has no breakdowns. The
// XLSX holds the same numbers as the page, as numbers.
func TestQuarterlyReportAndItsXLSX(t *testing.T) {
	e := newEnv(t)
	storetest.SevenWoodFirms(t, e.st, e.fx, storetest.Instrument(t))
	admin := e.client().login("admin@test.local")
	page := admin.get("/center/report?lang=en&quarter=2026-Q3")
	must(t, page, http.StatusOK, "2 of the 10 firms in the registry have a self-assessment result (20%)",
		`id="report-period">Q3 2026`, "By association", "By industry (section)", "By former district", `id="report-xlsx"`)
	wood := strconv.FormatInt(e.fx.Wood.ID, 10)
	assoc := admin.get("/center/report?lang=en&quarter=2026-Q3&association=" + wood)
	must(t, assoc, http.StatusOK, "Test Wood Association", "2 of the 9 firms in the registry", `id="no-breakdowns"`)
	if strings.Contains(assoc.body, "By industry (section)") {
		t.Error("an association's report cut its members by industry")
	}
	x := admin.get("/center/report.xlsx?lang=en&quarter=2026-Q3")
	if x.status != http.StatusOK || !strings.Contains(x.header.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("download: %d %v", x.status, x.header)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	find := func(first string) []string {
		for _, r := range rows {
			if len(r) > 0 && r[0] == first {
				return r
			}
		}
		t.Fatalf("no row %q in %v", first, rows)
		return nil
	}
	if r := find("In the registry"); len(r) < 4 || r[1] != "10" || r[3] != "2" {
		t.Errorf("registry row %v, want 10 and 2 as on the page", r)
	}
	if r := find("Test Wood Association"); len(r) < 3 || r[1] != "9" || r[2] != "2" {
		t.Errorf("the association's row %v, want 9 members, 2 assessed", r)
	}
	// A quarter not ended, and nonsense, fall back to the last ended one.
	must(t, admin.get("/center/report?lang=en&quarter=2031-Q2"), http.StatusOK, `id="report-period">Q3 2026`)
	for _, who := range []string{"lead@test.local", "advisor@test.local", "firm@test.local"} {
		if r := e.client().login(who).get("/center/report.xlsx?quarter=2026-Q3"); r.status == http.StatusOK {
			t.Errorf("%s downloaded the Center's report", who)
		}
	}
}
