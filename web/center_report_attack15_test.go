package web

import (
	"bytes"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

// selectionMean reads the province page's mean of its selection.
func selectionMean(t *testing.T, c *client, path string) string {
	t.Helper()
	r := c.get(path)
	m := regexp.MustCompile(`id="selection-mean">([^<]*)<`).FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		t.Fatalf("%s: %d, no mean shown", path, r.status)
	}
	return m[1]
}

// ATTACK15 (differencing): the same set of firms asked for in different
// ways (a former district on the page, the same district's row of the
// quarterly report's XLSX) gives one figure, so asking again brings no
// fresh noise; and a firm toggling consent within a quarter moves no
// figure of its association (the split follows the quarter's start), so
// toggling brings no fresh noise either.
func TestAttack15SameFirmsSameFigureAcrossViews(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	ids := storetest.SevenWoodFirms(t, e.st, e.fx, in)
	var subs []store.PastSubmission
	for i, id := range ids {
		res := scoring.Result{Instrument: in.Key(), Overall: float64(20 + 9*i), Level: i % 6,
			Pillars: []scoring.PillarScore{{PillarID: "customer", Score: float64(20 + 9*i), Scored: true}}}
		subs = append(subs, store.PastSubmission{FirmID: id, Result: res, SubmittedAt: time.Date(2026, 8, 10+i, 3, 0, 0, 0, time.UTC)})
	}
	if err := e.st.LoadSubmissions(ctx, in, subs); err != nil {
		t.Fatal(err)
	}
	admin := e.client().login("admin@test.local")
	w, _ := e.web.ref.Ward("25813")
	page := selectionMean(t, admin, "/center/province?lang=en&quarter=2026-Q3&district="+w.FormerDistrictCode)
	x := admin.get("/center/report.xlsx?lang=en&quarter=2026-Q3")
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetList()[0])
	found := false
	for _, r := range rows {
		if len(r) > 4 && r[0] == w.FormerDistrictName {
			found = true
			v, _ := strconv.ParseFloat(r[4], 64)
			if got := strconv.FormatFloat(v, 'f', 1, 64); got != page {
				t.Errorf("ATTACK15: the district's mean is %s on the page and %s in the report's XLSX", page, got)
			}
		}
	}
	if !found {
		t.Fatalf("no row %q in the report's XLSX", w.FormerDistrictName)
	}
	assoc := "/center/province?lang=en&association=" + strconv.FormatInt(e.fx.Wood.ID, 10)
	before := selectionMean(t, admin, assoc)
	for i := range 6 {
		if err := e.st.SetSharing(ctx, ids[0], e.fx.Wood.ID, i%2 == 0, 0); err != nil {
			t.Fatal(err)
		}
		if got := selectionMean(t, admin, assoc); got != before {
			t.Fatalf("ATTACK15: toggling consent moved the association's mean from %s to %s: a fresh noise per toggle", before, got)
		}
	}
}

// ATTACK15 (injection): an association named like a formula, with markup
// and a control character, set by an admin, reaches the report's XLSX as
// text (never a formula), keeps the file readable, and the page escaped.
func TestAttack15AssociationNameInjection(t *testing.T) {
	e := newEnv(t)
	ids := storetest.SevenWoodFirms(t, e.st, e.fx, storetest.Instrument(t))
	name := "=HYPERLINK(\"http://evil.example\",\"x\")<b>\x0b"
	a := firms.Association{Code: "evil", NameVI: name, NameEN: name}
	if err := e.st.CreateAssociation(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddMemberships(ctx, a.ID, ids); err != nil {
		t.Fatal(err)
	}
	admin := e.client().login("admin@test.local")
	id := strconv.FormatInt(a.ID, 10)
	for _, path := range []string{"/center/report?lang=en&quarter=2026-Q3", "/center/province?lang=en&by=association", "/center/report?quarter=2026-Q3&association=" + id} {
		if r := admin.get(path); r.status != http.StatusOK || strings.Contains(r.body, "<b>") {
			t.Errorf("ATTACK15: %s: %d, or the name's markup came back unescaped", path, r.status)
		}
	}
	for _, path := range []string{"/center/report.xlsx?lang=en&quarter=2026-Q3", "/center/report.xlsx?quarter=2026-Q3&association=" + id} {
		x := admin.get(path)
		if cd := x.header.Get("Content-Disposition"); strings.ContainsAny(cd, "\"<=\x0b\r\n") && strings.Count(cd, `"`) > 2 {
			t.Errorf("ATTACK15: %s: the name reached the header: %q", path, cd)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatalf("ATTACK15: %s: the XLSX does not open: %v", path, err)
		}
		sheet := f.GetSheetList()[0]
		rows, _ := f.GetRows(sheet)
		seen := false
		for i, r := range rows {
			for j, v := range r {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if fm, _ := f.GetCellFormula(sheet, cell); fm != "" {
					t.Errorf("ATTACK15: %s: cell %s holds a formula %q", path, cell, fm)
				}
				seen = seen || strings.HasPrefix(v, "=HYPERLINK")
			}
		}
		if !seen {
			t.Errorf("%s: the association's name is not in the XLSX as text", path)
		}
	}
}
