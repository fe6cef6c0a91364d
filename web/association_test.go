package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"dxready/store/storetest"
)

func assocPath(id int64, rest string) string { return fmt.Sprintf("/associations/%d%s", id, rest) }

// Two members without results: every figure is suppressed, in the tables
// and as gaps in the charts, never as zeros.
func TestDashboardSuppressesSmallGroups(t *testing.T) {
	e := newEnv(t)
	lead := e.client().login("lead@test.local")
	r := lead.get(assocPath(e.fx.Wood.ID, ""))
	must(t, r, http.StatusOK, "Hiệp hội Gỗ thử", `id="group-suppressed"`, "Có 2 doanh nghiệp hội viên phù hợp; 0 doanh nghiệp", "dưới 5 doanh nghiệp",
		`id="chart-levels"`, `id="chart-pillars"`, `id="chart-trend"`, `id="chart-heat"`)
	if strings.Contains(r.body, `id="level-table"`) || strings.Contains(r.body, `id="group-mean"`) {
		t.Fatal("a suppressed group shows figures")
	}
	if !strings.Contains(r.body, `&#34;value&#34;:&#34;-&#34;`) {
		t.Fatal("suppressed chart values are not gaps")
	}
}

func TestDashboardFiguresAndFilters(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	storetest.SevenWoodFirms(t, e.st, e.fx, in)
	lead := e.client().login("lead@test.local")
	must(t, lead.get("/associations"), http.StatusSeeOther)
	r := lead.get(assocPath(e.fx.Wood.ID, ""))
	must(t, r, http.StatusOK, "Có 9 doanh nghiệp hội viên phù hợp; 7 doanh nghiệp đã tự đánh giá trong 12 tháng qua (78%)",
		`<strong id="group-mean">40,0</strong>`, `id="level-table"`, "Trải nghiệm số cho khách hàng", "<td>7</td><td>40,0</td><td>25,0</td><td>40,0</td><td>55,0</td>",
		"Hội viên tiến bộ nhiều nhất", `id="no-improved"`)
	// Filters live in the URL: a ward with two results is suppressed; the
	// other shows its five; the end of Q3 had only two results.
	must(t, lead.get(assocPath(e.fx.Wood.ID, "?ward=25760")), http.StatusOK, `id="group-suppressed"`, `<option value="25760" selected>`)
	must(t, lead.get(assocPath(e.fx.Wood.ID, "?quarter=2026-Q3")), http.StatusOK, `id="group-suppressed"`, "Cuối Quý 3/2026",
		`<option value="2026-Q3" selected>`, `href="/associations/1/aggregates.csv?quarter=2026-Q3"`)
	must(t, lead.get(assocPath(e.fx.Wood.ID, "?section=H")), http.StatusOK, "Có 0 doanh nghiệp hội viên")
	// Unknown filter values are ignored, not errors.
	must(t, lead.get(assocPath(e.fx.Wood.ID, "?section=ZZ&ward=x&size=giant&quarter=1999-Q1&by=nope")), http.StatusOK, `<strong id="group-mean">40,0</strong>`)
	must(t, lead.get(assocPath(e.fx.Wood.ID, "?ward=25813&by=ward&lang=en")), http.StatusOK, "Average overall score", `<strong id="group-mean">30.0</strong>`)
}

// The most improved list names only members that share their results now.
func TestDashboardImprovedListsOnlySharingMembers(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	ids := storetest.SevenWoodFirms(t, e.st, e.fx, in)
	lead := e.client().login("lead@test.local")
	if err := e.st.SetSharing(ctx, ids[0], e.fx.Wood.ID, true, 0); err != nil {
		t.Fatal(err)
	}
	r := lead.get(assocPath(e.fx.Wood.ID, ""))
	must(t, r, http.StatusOK, "Công ty Gỗ A", "5,0 → 10,0", "+5,0")
	if strings.Contains(r.body, "Công ty Gỗ B") {
		t.Fatal("a member that does not share is listed")
	}
	e.st.SetSharing(ctx, ids[0], e.fx.Wood.ID, false, 0)
	must(t, lead.get(assocPath(e.fx.Wood.ID, "")), http.StatusOK, `id="no-improved"`)
}

func TestAssociationsIndexForTheCenter(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login("admin@test.local")
	must(t, admin.get("/associations"), http.StatusOK, "Hiệp hội Gỗ thử", "Hiệp hội Logistics thử", assocPath(e.fx.Logistics.ID, ""))
	must(t, admin.get(assocPath(e.fx.Logistics.ID, "")), http.StatusOK, "Hiệp hội Logistics thử")
	must(t, e.client().login("firm@test.local").get("/associations"), http.StatusForbidden)
	must(t, e.client().login("lead@test.local").get(assocPath(e.fx.Logistics.ID, "")), http.StatusNotFound)
}
