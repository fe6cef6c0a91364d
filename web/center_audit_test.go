package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"dxready/store"
)

// auditEntries writes n entries, one a minute from now on: by the lead on
// association subjects (every third one), else by the admin on firms.
func auditEntries(t *testing.T, e *env, n int) {
	t.Helper()
	for i := range n {
		e.fx.Clock.Add(time.Minute)
		en := store.AuditEntry{UserID: e.fx.Admin.ID, Action: "contact.view", Subject: fmt.Sprintf("firm:%d", i)}
		if i%3 == 0 {
			en = store.AuditEntry{UserID: e.fx.Lead.ID, Action: "association.invite", Subject: fmt.Sprintf("association:%d/firm:%d", e.fx.Wood.ID, i)}
		}
		if _, err := e.st.RecordAudit(ctx, en); err != nil {
			t.Fatal(err)
		}
	}
}

var auditRowID = regexp.MustCompile(`<tr id="audit-(\d+)">`)

// The admin pages through the whole log by its links: every entry once,
// newest first, each time in Ho Chi Minh City with the zone; each filter
// narrows it to what it says.
func TestAuditViewerPagesAndFilters(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login("admin@test.local")
	auditEntries(t, e, 120)
	all, _ := e.st.AuditEntries(ctx, "", 1000)
	seen, path, pages := map[string]bool{}, "/admin/audit", 0
	var order []string
	for path != "" {
		r := admin.get(path)
		must(t, r, http.StatusOK)
		for _, m := range auditRowID.FindAllStringSubmatch(r.body, -1) {
			if seen[m[1]] {
				t.Fatalf("entry %s listed twice", m[1])
			}
			seen[m[1]] = true
			order = append(order, m[1])
		}
		path = ""
		if m := regexp.MustCompile(`<a href="([^"]+)" rel="next"`).FindStringSubmatch(r.body); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
		}
		pages++
	}
	if len(seen) != len(all) || pages != (len(all)+auditPerPage-1)/auditPerPage || order[0] != fmt.Sprint(all[0].ID) {
		t.Fatalf("%d entries over %d pages, first %s; the log has %d, newest %d", len(seen), pages, order[0], len(all), all[0].ID)
	}
	// The newest entry: 22/11/2026 10:00 + 120 minutes, in ICT.
	must(t, admin.get("/admin/audit"), http.StatusOK, "22/11/2026 12:00:00 (GMT+7)", "lead@test.local", "association.invite")
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"actor=lead@test.local", 40},
		{"actor=%23" + fmt.Sprint(e.fx.Lead.ID), 40},
		{"action=contact.view", 80},
		{"target=firm:7", 1},
		{fmt.Sprintf("target=association:%d", e.fx.Wood.ID), 40},
		{"action=association.invite&actor=admin@test.local", 0},
		{"from=22/11/2026&to=2026-11-22", len(all)},
		{"to=21/11/2026", 0},
	} {
		r := admin.get("/admin/audit?" + tc.query)
		must(t, r, http.StatusOK)
		total := regexp.MustCompile(`id="audit-count" role="status">(?:Tìm thấy )?([\d.]+) mục`).FindStringSubmatch(r.body)
		if total == nil || total[1] != fmt.Sprint(tc.want) {
			t.Errorf("%s: count %v, want %d", tc.query, total, tc.want)
		}
		if tc.want == 0 && !strings.Contains(r.body, `id="audit-empty"`) {
			t.Errorf("%s: no empty state", tc.query)
		}
	}
}

// ATTACK: filters that make no sense (a day that does not exist, a range
// upside down or in the future, an action the log never had, an unknown
// account) list nothing and say why, in the user's language; never a 500,
// and the export refuses them the same way.
func TestAuditViewerExplainsBadFilters(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login("admin@test.local")
	auditEntries(t, e, 3)
	for _, tc := range []struct{ query, vi, en string }{
		{"from=31/02/2026", "không phải là một ngày", "is not a day"},
		{"to=h%C3%B4m+qua", "không phải là một ngày", "is not a day"},
		{"from=2026-11-20&to=2026-11-01", "bắt đầu sau khi kết thúc", "starts after it ends"},
		{"from=2027-01-01", "bắt đầu sau hôm nay", "starts after today"},
		{"action=users.delete_everything", "Không mục nào trong nhật ký có thao tác", "has the action"},
		{"actor=nobody@test.local", "Không có tài khoản nào", "No account has"},
		{"actor=%3Cscript%3E", "Không có tài khoản nào", "No account has"},
		{"actor=%230", "Không có tài khoản nào", "No account has"},
	} {
		for lang, want := range map[string]string{"vi": tc.vi, "en": tc.en} {
			r := admin.get("/admin/audit?" + tc.query + "&lang=" + lang)
			must(t, r, http.StatusUnprocessableEntity, want, `id="audit-problems"`)
			if strings.Contains(r.body, `id="audit-table"`) || strings.Contains(r.body, `id="audit-csv"`) {
				t.Errorf("%s: entries listed despite the problem", tc.query)
			}
			if strings.Contains(r.body, "<script>") {
				t.Errorf("%s: the typed value was not escaped", tc.query)
			}
		}
		must(t, admin.get("/admin/audit.csv?"+tc.query), http.StatusUnprocessableEntity, `id="audit-problems"`)
	}
	// A forged page link starts again at the first page, saying so.
	must(t, admin.get("/admin/audit?cursor=bm90LWEtY3Vyc29y"), http.StatusOK, `id="audit-count"`)
}

// ATTACK: a subject or detail that a spreadsheet would run as a formula is
// written as text; the CSV holds every entry the filters select, with its
// time in Ho Chi Minh City and its full hash, and the export is recorded.
func TestAuditCSVIsNotInjectable(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login("admin@test.local")
	evil := []string{"=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", " =1+1"}
	for _, s := range evil {
		e.fx.Clock.Add(time.Second)
		if _, err := e.st.RecordAudit(ctx, store.AuditEntry{UserID: e.fx.Admin.ID, Action: "claims.report", Subject: s, Detail: s}); err != nil {
			t.Fatal(err)
		}
	}
	r := admin.get("/admin/audit.csv?action=claims.report")
	must(t, r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(r.header.Get("Content-Disposition"), "audit-2026-11-22.csv") {
		t.Fatalf("headers: %v", r.header)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\xEF\xBB\xBF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(evil)+1 || recs[0][1] != "Thời điểm" {
		t.Fatalf("%d rows: %v", len(recs), recs)
	}
	for i, rec := range recs[1:] {
		want := "'" + evil[len(evil)-1-i] // newest first
		if rec[5] != want || rec[6] != want {
			t.Errorf("row %d: subject %q detail %q, want %q", i, rec[5], rec[6], want)
		}
		if !strings.HasSuffix(rec[1], "+07:00") || rec[2] != "admin@test.local" || len(rec[7]) != 64 {
			t.Errorf("row %d: %v", i, rec)
		}
	}
	if es, _ := e.st.AuditEntries(ctx, "export.end", 1); len(es) != 1 || es[0].Subject != "audit.csv" || !strings.HasPrefix(es[0].Detail, "rows=5 ") {
		t.Fatalf("the export was not recorded: %+v", es)
	}
	// The page's own link carries the filters to the export.
	must(t, admin.get("/admin/audit?action=claims.report"), http.StatusOK, `href="/admin/audit.csv?action=claims.report"`)
}

// ATTACK: no lead, advisor or firm user reads the log or its export, with
// or without filters; the Center's start page links to it for the admin.
func TestAuditViewerIsTheCenters(t *testing.T) {
	e := newEnv(t)
	auditEntries(t, e, 2)
	for _, who := range []string{"lead@test.local", "advisor@test.local", "firm@test.local"} {
		c := e.client().login(who)
		for _, p := range []string{"/admin/audit", "/admin/audit?action=contact.view", "/admin/audit.csv", "/admin/audit.csv?" + url.Values{"actor": {who}}.Encode()} {
			r := c.get(p)
			if r.status != http.StatusForbidden && r.status != http.StatusNotFound {
				t.Errorf("%s %s: %d", who, p, r.status)
			}
			if strings.Contains(r.body, `id="audit-table"`) || strings.Contains(r.body, "firm:0") {
				t.Errorf("%s %s: entries shown", who, p)
			}
		}
	}
	must(t, e.client().login("admin@test.local").get("/center"), http.StatusOK, `href="/admin/audit"`)
}
