package web

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// breakAuditLog makes every audit write fail from now on, as a full disk
// or a damaged table would.
func (e *env) breakAuditLog(t *testing.T) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.st.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END"); err != nil {
		t.Fatal(err)
	}
}

func auditActions(t *testing.T, e *env) []string {
	t.Helper()
	es, err := e.st.AuditEntries(ctx, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range es {
		out = append(out, fmt.Sprintf("%s %s %s", a.UserEmail, a.Action, a.Subject))
	}
	return out
}

// Each read of personal data leaves an audit entry: the firm's export of
// its contact person, the Center opening a firm's record with the contact
// person, a lead's member export (written before the file, and a second
// entry with its row count after).
func TestPersonalDataReadsAreAudited(t *testing.T) {
	e := newEnv(t)
	firm := e.client().login("firm@test.local")
	must(t, firm.post("/profile/contact", url.Values{"full_name": {"Trần Thị Lan"}, "email": {"lan@example.vn"}, "consent": {"yes"}}), http.StatusSeeOther)
	firmSubject := fmt.Sprintf("firm:%d", e.fx.GoDuc.ID)
	must(t, firm.get("/profile/contact/export"), http.StatusOK, "lan@example.vn")
	must(t, e.client().login("admin@test.local").get(fmt.Sprintf("/firms/%d", e.fx.GoDuc.ID)), http.StatusOK, "lan@example.vn")
	must(t, e.client().login("lead@test.local").get(fmt.Sprintf("/firms/%d", e.fx.GoDuc.ID)), http.StatusOK) // no contact shown: nothing read
	must(t, e.client().login("lead@test.local").get(assocPath(e.fx.Wood.ID, "/members.csv")), http.StatusOK, "Gỗ Đức Thành")
	got := auditActions(t, e)
	want := []string{
		"lead@test.local export.end " + fmt.Sprintf("association:%d/members.csv", e.fx.Wood.ID),
		"lead@test.local export " + fmt.Sprintf("association:%d/members.csv", e.fx.Wood.ID),
		"admin@test.local contact.view " + firmSubject,
		"firm@test.local contact.export " + firmSubject,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if es, _ := e.st.AuditEntries(ctx, "export.end", 1); !strings.HasPrefix(es[0].Detail, "rows=2 ") {
		t.Fatalf("export entry: %q", es[0].Detail)
	}
}

// When the audit log cannot be written, the action is rolled back and a
// read of personal data is not served: a 500, and nothing changed or sent.
func TestNoAuditNoAction(t *testing.T) {
	e := newEnv(t)
	firm := e.client().login("firm@test.local")
	must(t, firm.post("/profile/contact", url.Values{"full_name": {"Trần Thị Lan"}, "email": {"lan@example.vn"}, "consent": {"yes"}}), http.StatusSeeOther)
	admin := e.client().login("admin@test.local")
	lead := e.client().login("lead@test.local")
	e.breakAuditLog(t)
	must(t, admin.post(fmt.Sprintf("/admin/advisors/%d/active", e.fx.Advisor.ID), url.Values{"active": {"0"}}), http.StatusInternalServerError)
	if a, _ := e.st.FindAdvisor(ctx, e.fx.Advisor.ID); !a.Active {
		t.Fatal("the advisor was disabled without an audit entry")
	}
	must(t, admin.post("/admin/advisors", url.Values{"email": {"moi@test.local"}, "name": {"Mới"}}), http.StatusInternalServerError)
	if _, err := e.st.FindUserByEmail(ctx, "moi@test.local"); err == nil {
		t.Fatal("an advisor was created without an audit entry")
	}
	must(t, admin.post(fmt.Sprintf("/admin/associations/%d/leads", e.fx.Wood.ID), url.Values{"email": {"lead2@test.local"}, "name": {"Hai"}}),
		http.StatusInternalServerError)
	if _, err := e.st.FindUserByEmail(ctx, "lead2@test.local"); err == nil {
		t.Fatal("a lead was created without an audit entry")
	}
	for _, r := range []resp{firm.get("/profile/contact/export"), admin.get(fmt.Sprintf("/firms/%d", e.fx.GoDuc.ID)),
		lead.get(assocPath(e.fx.Wood.ID, "/members.csv"))} {
		must(t, r, http.StatusInternalServerError)
		if strings.Contains(r.body, "lan@example.vn") || strings.Contains(r.body, "Gỗ Đức Thành") {
			t.Fatal("personal data served without an audit entry")
		}
	}
	if es, _ := e.st.AuditEntries(ctx, "", 10); len(es) != 0 {
		t.Fatalf("entries: %+v", es)
	}
}
