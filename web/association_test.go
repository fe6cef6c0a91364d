package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"dxready/store"
	"dxready/store/storetest"
)

func assocPath(id int64, rest string) string { return fmt.Sprintf("/associations/%d%s", id, rest) }

// Two members without results: every figure is suppressed, in the tables
// and as gaps in the charts, never as zeros.
func TestDashboardSuppressesSmallGroups(t *testing.T) {
	e := newEnv(t)
	lead := e.client().login("lead@test.local")
	r := lead.get(assocPath(e.fx.Wood.ID, ""))
	must(t, r, http.StatusOK, "Hiệp hội Gỗ thử", `id="group-suppressed"`, `id="shared-suppressed"`, "0 trong 2 doanh nghiệp hội viên đã có kết quả", "dưới 5 doanh nghiệp",
		"Hiện có dưới 5 hội viên chia sẻ kết quả với hiệp hội",
		// Charts with nothing to show say so, in place of empty axes.
		`id="chart-levels-empty"`, `id="chart-pillars-empty"`, `id="chart-trend-empty"`, `id="chart-heat-empty"`,
		"Quá ít doanh nghiệp để hiển thị: dưới 5 doanh nghiệp có số liệu ở đây nên không vẽ biểu đồ.")
	if strings.Contains(r.body, `id="level-table"`) || strings.Contains(r.body, `id="group-mean"`) {
		t.Fatal("a suppressed group shows figures")
	}
	if strings.Contains(r.body, "data-option") || strings.Contains(r.body, `class="echart`) {
		t.Fatal("a chart is drawn for a suppressed group")
	}
	must(t, lead.get(assocPath(e.fx.Wood.ID, "?lang=en")), http.StatusOK, `id="chart-heat-empty"`,
		"Too few firms to show: fewer than 5 firms have figures here, so no chart is drawn.")
}

// Five of the seven wood firms share their results (ward 25813); two in
// ward 25760 do not. The whole association's figures are the protected
// ones the store computes, the same whatever the filters; the shared
// selection is exact and follows the filters.
func TestDashboardFiguresAndFilters(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	ids := storetest.SevenWoodFirms(t, e.st, e.fx, in)
	if err := e.st.AddSharing(ctx, e.fx.Wood.ID, ids[:5]); err != nil {
		t.Fatal(err)
	}
	whole := wholeMean(t, e, e.fx.Wood.ID)
	lead := e.client().login("lead@test.local")
	must(t, lead.get("/associations"), http.StatusSeeOther)
	r := lead.get(assocPath(e.fx.Wood.ID, ""))
	must(t, r, http.StatusOK, "7 trong 9 doanh nghiệp hội viên đã có kết quả tự đánh giá (78%); 5 doanh nghiệp trong số đó chia sẻ",
		`<strong id="group-mean">`+whole+`</strong>`, `id="group-margin"`, `id="margin-large"`, `id="level-table"`, `id="privacy-method"`, "Trải nghiệm số cho khách hàng",
		"Tính cả 5 kết quả được chia sẻ", `<strong id="shared-mean">30,0</strong>`, "<td>5</td><td>30,0</td><td>20,0</td><td>30,0</td><td>40,0</td>",
		"Hội viên tiến bộ nhiều nhất",
		// The charts write numbers as the tables do (charts.js reads this).
		`id="chart-levels" class="echart bars"`, `&#34;dxready&#34;:{&#34;decimal&#34;:&#34;,&#34;,&#34;group&#34;:&#34;.&#34;,&#34;gap&#34;:&#34;dưới 5 doanh nghiệp&#34;}`)
	// A ward of two non-sharing members: the shared selection is empty, the
	// whole association does not move. The end of Q3 had two results.
	// The breakdown has nothing to draw; the whole association's charts do.
	r = lead.get(assocPath(e.fx.Wood.ID, "?ward=25760"))
	must(t, r, http.StatusOK, `id="shared-suppressed"`, `<option value="25760" selected>`, "Hãy mở rộng bộ lọc",
		`<strong id="group-mean">`+whole+`</strong>`, "0 kết quả được chia sẻ phù hợp bộ lọc", `id="chart-heat-empty"`, `id="chart-pillars" class="echart bars"`)
	if strings.Contains(r.body, `id="chart-heat"`) {
		t.Fatal("an empty breakdown is drawn")
	}
	must(t, lead.get(assocPath(e.fx.Wood.ID, "?quarter=2026-Q3")), http.StatusOK, `id="group-suppressed"`, `id="shared-suppressed"`, "Cuối Quý 3/2026",
		`<option value="2026-Q3" selected>`, `href="/associations/1/aggregates.csv?quarter=2026-Q3"`, `<input type="hidden" name="quarter" value="2026-Q3">`)
	must(t, lead.get(assocPath(e.fx.Wood.ID, "?section=H")), http.StatusOK, "0 kết quả được chia sẻ phù hợp bộ lọc")
	// Unknown filter values are ignored, not errors.
	must(t, lead.get(assocPath(e.fx.Wood.ID, "?section=ZZ&ward=x&size=giant&quarter=1999-Q1&by=nope")), http.StatusOK, `<strong id="shared-mean">30,0</strong>`)
	must(t, lead.get(assocPath(e.fx.Wood.ID, "?ward=25813&by=ward&lang=en")), http.StatusOK, "Average overall score", `<strong id="shared-mean">30.0</strong>`,
		`&#34;dxready&#34;:{&#34;decimal&#34;:&#34;.&#34;,&#34;group&#34;:&#34;,&#34;,&#34;gap&#34;:&#34;fewer than 5 firms&#34;}`)
}

// wholeMean is the whole association's protected mean as the store
// computes it, formatted as the Vietnamese page shows it.
func wholeMean(t *testing.T, e *env, assocID int64) string {
	t.Helper()
	snap, err := e.st.Snapshot(ctx, storetest.Instrument(t))
	if err != nil {
		t.Fatal(err)
	}
	agg, err := snap.Aggregate(ctx, store.AggFilter{AssociationID: assocID})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Replace(fmt.Sprintf("%.1f", agg.Whole.Overall.Mean), ".", ",", 1)
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

// An association whose own figures are all suppressed, in a province that
// has figures: its pillar chart is the province's bars alone, and says so
// (a walkthrough's finding: the chart looked half empty, unexplained).
func TestPillarChartSaysWhenItShowsTheProvinceAlone(t *testing.T) {
	e := newEnv(t)
	storetest.SevenWoodFirms(t, e.st, e.fx, storetest.Instrument(t)) // the province: seven results
	storetest.Lead(t, e.st, "lead-logistics@test.local", e.fx.Logistics.ID)
	lead := e.client().login("lead-logistics@test.local")
	r := lead.get(assocPath(e.fx.Logistics.ID, ""))
	must(t, r, http.StatusOK, `id="group-suppressed"`, `id="chart-pillars" class="echart bars"`, `id="chart-pillars-group-hidden"`,
		"Biểu đồ chỉ có cột của toàn tỉnh")
	must(t, lead.get(assocPath(e.fx.Logistics.ID, "?lang=en")), http.StatusOK, "The chart shows the province alone")
	// The wood association has its own figures: no such word.
	if body := e.client().login("lead@test.local").get(assocPath(e.fx.Wood.ID, "")).body; strings.Contains(body, "chart-pillars-group-hidden") {
		t.Fatal("a chart with the association's own bars says it shows the province alone")
	}
}
