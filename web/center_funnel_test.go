package web

import (
	"bytes"
	"encoding/base64"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"dxready/firms"
	"dxready/store/storetest"
)

// funnelEnv is the fixtures plus the seven wood firms with results and a
// firm whose name is a spreadsheet formula, registered by an account.
func funnelEnv(t *testing.T) (*env, []int64, int64) {
	e := newEnv(t)
	ids := storetest.SevenWoodFirms(t, e.st, e.fx, storetest.Instrument(t))
	f := *e.fx.Kho
	f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(372900000), `=HYPERLINK("http://evil.example","click")`
	if err := e.st.CreateFirm(ctx, &f); err != nil {
		t.Fatal(err)
	}
	storetest.FirmUser(t, e.st, "formula@test.local", f.ID)
	return e, ids, f.ID
}

// stageCount reads the count of a stage from the funnel page's table.
func stageCount(t *testing.T, body, stage string) int {
	t.Helper()
	i := strings.Index(body, `data-stage="`+stage+`"`)
	if i < 0 {
		t.Fatalf("no row for stage %s", stage)
	}
	rest := body[i:]
	j := strings.Index(rest, `data-count="`)
	rest = rest[j+len(`data-count="`):]
	n, err := strconv.Atoi(rest[:strings.IndexByte(rest, '"')])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestFunnelPageCounts(t *testing.T) {
	e, _, _ := funnelEnv(t)
	admin := e.client().login("admin@test.local")
	r := admin.get("/center")
	must(t, r, http.StatusOK, `href="/center/funnel"`, "Phễu chương trình")
	r = admin.get("/center/funnel")
	must(t, r, http.StatusOK, "Đã nộp bài tự đánh giá", "Đã tự đánh giá lại", `value="2026-Q4"`, ">Quý 4/2026</option>",
		`<th scope="row">Quý 4/2026</th>`)
	// A quarter is named as the dashboards name it, never shown as its key
	// (a walkthrough's finding).
	if regexp.MustCompile(`>\s*20\d\d-Q\d\s*<`).MatchString(r.body) {
		t.Error("the funnel shows a quarter's key (2026-Q4) as its name")
	}
	must(t, admin.get("/center/funnel?lang=en"), http.StatusOK, ">Q4 2026</option>")
	// The wood firms submitted (so registered, verified, started); GoDuc's
	// and the formula firm's accounts registered them.
	if got := stageCount(t, r.body, "submitted"); got != 7 {
		t.Errorf("submitted: %d, want 7", got)
	}
	if got := stageCount(t, r.body, "registered"); got != 9 {
		t.Errorf("registered: %d, want 9", got)
	}
	if got := stageCount(t, r.body, "booked"); got != 0 {
		t.Errorf("booked: %d, want 0", got)
	}
	r = admin.get("/center/funnel?assoc=" + strconv.FormatInt(e.fx.Wood.ID, 10) + "&quarter=2025-Q4")
	must(t, r, http.StatusOK)
	if got := stageCount(t, r.body, "registered"); got != 1 {
		t.Errorf("wood, 2025-Q4: %d registered, want 1 (the firm whose first result is of December 2025)", got)
	}
	r = admin.get("/center/funnel?assoc=" + strconv.FormatInt(e.fx.Wood.ID, 10) + "&assoc=" + strconv.FormatInt(e.fx.Logistics.ID, 10) + "&ward=25813&ward=25760")
	if got := stageCount(t, r.body, "submitted"); got != 7 {
		t.Errorf("two associations and two wards: %d submitted, want 7, each firm once", got)
	}
}

// Filters that make no sense: the page says why, with no figures, and
// never fails.
func TestFunnelNonsenseFilters(t *testing.T) {
	e, _, _ := funnelEnv(t)
	admin := e.client().login("admin@test.local")
	emptyWard := ""
	for _, w := range e.fx.Ref.Wards {
		if w.Code != "25760" && w.Code != "25813" && w.Code != "25942" {
			emptyWard = w.Code
			break
		}
	}
	for q, want := range map[string]string{
		"assoc=999999":                    "Hiệp hội được yêu cầu không tồn tại",
		"assoc=abc":                       "Hiệp hội được yêu cầu không tồn tại",
		"ward=00000":                      "Phường/xã được yêu cầu không thuộc địa bàn",
		"section=ZZ":                      "không phải là ngành cấp 1 của VSIC",
		"section=3100":                    "không phải là ngành cấp 1 của VSIC",
		"size=huge":                       "Quy mô được yêu cầu không tồn tại",
		"quarter=2099-Q1":                 "Quý đã chọn chưa bắt đầu",
		"quarter=2026-Q5":                 "Quý được viết theo dạng 2026-Q1",
		"quarter=%27%3B+DROP+TABLE+x":     "Quý được viết theo dạng 2026-Q1",
		"ward=" + emptyWard:               "Không có doanh nghiệp nào khớp bộ lọc",
		"quarter=2024-Q1":                 "Không có doanh nghiệp nào khớp bộ lọc",
		"section=A&size=large":            "Không có doanh nghiệp nào khớp bộ lọc",
		strings.Repeat("ward=25760&", 60): "quá nhiều giá trị",
	} {
		r := admin.get("/center/funnel?" + q)
		if !strings.Contains(html.UnescapeString(r.body), want) {
			t.Errorf("%s: the page does not say %q", q, want)
			continue
		}
		if strings.Contains(r.body, `id="funnel-table"`) {
			t.Errorf("%s: figures shown with the empty state", q)
		}
		must(t, admin.get("/center/funnel/submitted?"+q), http.StatusOK, want[:20])
		if r := admin.get("/center/funnel/submitted/export.csv?" + q); r.status != http.StatusUnprocessableEntity && r.status != http.StatusOK {
			t.Errorf("%s: export answered %d", q, r.status)
		}
	}
	must(t, admin.get("/center/funnel/nosuchstage"), http.StatusNotFound)
	must(t, admin.get("/center/funnel/nosuchstage/export.csv"), http.StatusNotFound)
}

// Only Center staff see the funnel, its lists and exports.
func TestFunnelCenterStaffOnly(t *testing.T) {
	e, ids, _ := funnelEnv(t)
	storetest.FirmUser(t, e.st, "woodfirm@test.local", ids[0])
	paths := []string{"/center/funnel", "/center/funnel/submitted", "/center/funnel/submitted?assoc=" + strconv.FormatInt(e.fx.Wood.ID, 10),
		"/center/funnel/submitted/export.csv", "/center/funnel/registered/export.xlsx"}
	for _, who := range []string{"lead@test.local", "advisor@test.local", "firm@test.local", "woodfirm@test.local"} {
		c := e.client().login(who)
		for _, p := range paths {
			if r := c.get(p); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
				t.Errorf("%s gets %s: %d", who, p, r.status)
			}
		}
	}
	anon := e.client()
	for _, p := range paths {
		if r := anon.get(p); r.status < 300 || r.status >= 400 || strings.Contains(r.body, "Gỗ A") {
			t.Errorf("anonymous gets %s: %d", p, r.status)
		}
	}
}

// A stage's list pages by cursor; a forged or foreign cursor restarts it.
func TestFunnelStageListCursor(t *testing.T) {
	e, _, _ := funnelEnv(t)
	admin := e.client().login("admin@test.local")
	r := admin.get("/center/funnel/submitted")
	must(t, r, http.StatusOK, "7 doanh nghiệp ở bước này", "Công ty Gỗ A", "Công ty Gỗ G", "Mọi doanh nghiệp, mọi quý.")
	if strings.Contains(r.body, "Kho vận") || strings.Contains(r.body, "30,0") {
		t.Error("the submitted list shows a firm that did not submit, or a score")
	}
	// Another stage's cursor, a forged one, and one of the right shape
	// with an injection as its value: each restarts the list.
	foreign := base64.RawURLEncoding.EncodeToString([]byte(`["funnel:registered",false,[1,1]]`))
	forged := base64.RawURLEncoding.EncodeToString([]byte(`["funnel:submitted",false,["1; DROP TABLE firms",1]]`))
	for _, c := range []string{foreign, forged, "!!!", strings.Repeat("A", 5000)} {
		must(t, admin.get("/center/funnel/submitted?cursor="+url.QueryEscape(c)), http.StatusOK, "Công ty Gỗ A")
	}
	// A cursor of its own shape moves on: after the newest firm, the rest.
	good := base64.RawURLEncoding.EncodeToString([]byte(`["funnel:submitted",false,[9999999999,999999]]`))
	must(t, admin.get("/center/funnel/submitted?cursor="+good), http.StatusOK, "Công ty Gỗ A")
}

// The export holds the stage's firms, as many as the page counts, with no
// result; a name written as a formula stays text.
func TestFunnelExport(t *testing.T) {
	e, _, formulaID := funnelEnv(t)
	admin := e.client().login("admin@test.local")
	r := admin.get("/center/funnel/registered/export.csv")
	must(t, r, http.StatusOK)
	recs := readCSV(t, r.body)
	if len(recs) != 1+9 {
		t.Fatalf("%d rows, want a header and 9 firms", len(recs))
	}
	if len(recs[0]) != 7 {
		t.Errorf("columns %v: want tax code, name, section, size, ward and two dates, no result", recs[0])
	}
	found := false
	for _, rec := range recs[1:] {
		if strings.Contains(rec[1], "HYPERLINK") {
			found = true
			if !strings.HasPrefix(rec[1], "'=") {
				t.Errorf("formula name exported as %q", rec[1])
			}
		}
	}
	if !found {
		t.Errorf("the firm %d is not in the export", formulaID)
	}
	x := admin.get("/center/funnel/submitted/export.xlsx?size=" + string(firms.Micro))
	must(t, x, http.StatusOK)
	book, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := book.GetRows(book.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	list := admin.get("/center/funnel/submitted?size=micro")
	want := strconv.Itoa(len(rows)-1) + " doanh nghiệp ở bước này"
	must(t, list, http.StatusOK, want, "Chỉ các doanh nghiệp thuộc: Siêu nhỏ.")
	log, err := e.st.AuditEntries(ctx, "export", 10)
	if err != nil || len(log) != 2 || log[0].Subject != "funnel/submitted.xlsx" || log[1].Subject != "funnel/registered.csv" {
		t.Errorf("exports not in the audit log: %v %v", log, err)
	}
	// The row count is a second entry (the log is append-only).
	if ends, err := e.st.AuditEntries(ctx, "export.end", 10); err != nil || len(ends) != 2 || !strings.HasPrefix(ends[1].Detail, "rows=9 ") {
		t.Errorf("the exports' row counts are not in the audit log: %v %v", ends, err)
	}
}
