package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"dxready/auth"
	"dxready/store"
	"dxready/store/storetest"
)

// peopleRoutes are the people pages' routes, from the router itself, with
// {id} filled in with id.
func peopleRoutes(t *testing.T, e *env, id int64) [][2]string {
	t.Helper()
	var out [][2]string
	err := chi.Walk(e.web.routes().(*chi.Mux), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(route, "/admin/users") {
			out = append(out, [2]string{method, strings.ReplaceAll(route, "{id}", itoa(id))})
		}
		return nil
	})
	if err != nil || len(out) < 6 {
		t.Fatalf("people routes: %v %v", out, err)
	}
	return out
}

// The attack: a lead, an advisor and a firm user try every people page
// and every people form, aimed at the lead's account; each is refused
// (403 or 404) and nothing changes: no status, no mail, no audit entry.
func TestPeopleRefusedToAllButAdmins(t *testing.T) {
	e := newEnv(t)
	form := url.Values{"status": {"disabled"}, "role": {"admin"}, "association": {"0"}, "next": {"/"}}
	for _, email := range []string{e.fx.Lead.Email, e.fx.Advisor.Email, e.fx.FirmUser.Email} {
		c := e.client().login(email)
		for _, rt := range peopleRoutes(t, e, e.fx.Lead.ID) {
			var r resp
			if rt[0] == http.MethodPost {
				r = c.post(rt[1], form)
			} else {
				r = c.get(rt[1] + "?q=a")
			}
			if r.status != http.StatusForbidden && r.status != http.StatusNotFound {
				t.Errorf("%s: %s %s = %d", email, rt[0], rt[1], r.status)
			}
		}
	}
	u, _ := e.st.FindUserByID(ctx, e.fx.Lead.ID)
	out, _ := e.st.Outbox(ctx, 10)
	log, _ := e.st.AuditEntries(ctx, "", 50)
	for _, a := range log {
		if strings.HasPrefix(a.Action, "user.") || a.Action == "password.reset_sent" {
			t.Errorf("audit entry %+v", a)
		}
	}
	if u.Status != auth.StatusActive || u.Role != auth.RoleLead || len(out) != 0 {
		t.Fatalf("lead now %s %s; outbox %d", u.Role, u.Status, len(out))
	}
}

// The attack: an admin disables or demotes themselves. Refused with the
// reason, and their own page draws neither button; another admin may do
// it to them, audited with before and after.
func TestAdminCannotDisableOrDemoteThemselves(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login(e.fx.Admin.Email)
	self := "/admin/users/" + itoa(e.fx.Admin.ID)
	page := admin.get(self)
	must(t, page, http.StatusOK, `id="status-refused"`, `id="access-refused"`)
	if strings.Contains(page.body, `id="disable-user"`) || strings.Contains(page.body, `id="change-access"`) {
		t.Fatal("the admin's own page offers to disable or demote them")
	}
	must(t, admin.post(self+"/status", url.Values{"status": {"disabled"}}), http.StatusUnprocessableEntity, "Bạn không thể tự đổi vai trò")
	must(t, admin.post(self+"/access", url.Values{"role": {"advisor"}, "association": {"0"}}), http.StatusUnprocessableEntity, `id="person-problem"`)
	if u, _ := e.st.FindUserByID(ctx, e.fx.Admin.ID); u.Status != auth.StatusActive || u.Role != auth.RoleAdmin {
		t.Fatalf("admin now %s %s", u.Role, u.Status)
	}
	// A second admin, made from the advisor (who must first turn on
	// two-step sign-in, as every admin), may disable the first.
	advisor := e.client().login(e.fx.Advisor.Email)
	must(t, admin.post("/admin/users/"+itoa(e.fx.Advisor.ID)+"/access", url.Values{"role": {"admin"}}), http.StatusSeeOther)
	if r := advisor.get("/admin/users"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/account/2fa" {
		t.Fatalf("a new admin without two-step sign-in: %d %s", r.status, r.header.Get("Location"))
	}
	storetest.EnrolTOTP(t, e.st, e.fx.Advisor, storetest.AdminTOTPSecret, storetest.AdminRecoveryCodes)
	second := e.client().login(e.fx.Advisor.Email)
	must(t, second.post(self+"/status", url.Values{"status": {"disabled"}}), http.StatusSeeOther)
	// Now the advisor is the last active admin: their own page refuses.
	must(t, second.get("/admin/users/"+itoa(e.fx.Advisor.ID)), http.StatusOK, `id="status-refused"`)
	log, err := e.st.AuditEntries(ctx, "", 5)
	if err != nil || len(log) < 2 || log[0].Action != "user.status" || log[0].UserID != e.fx.Advisor.ID ||
		log[0].Detail != "admin@test.local: status active→disabled" || log[1].Detail != "advisor@test.local: role advisor→admin" {
		t.Fatalf("audit: %v %+v", err, log)
	}
}

// The attack: a disabled user goes on using the session they had open.
// Their next request is refused (sent to sign in); a second browser of
// theirs that waits until the account is enabled again finds its session
// ended too (disabling ended every session, not only hid them).
func TestDisabledUsersSessionEndsAtOnce(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login(e.fx.Admin.Email)
	lead, waiting := e.client().login(e.fx.Lead.Email), e.client().login(e.fx.Lead.Email)
	members := fmt.Sprintf("/associations/%d/members", e.fx.Wood.ID)
	must(t, lead.get(members), http.StatusOK)
	must(t, waiting.get(members), http.StatusOK)
	path := "/admin/users/" + itoa(e.fx.Lead.ID)
	must(t, admin.post(path+"/status", url.Values{"status": {"disabled"}}), http.StatusSeeOther)
	must(t, admin.get(path), http.StatusOK, "Tài khoản đã bị khoá", `id="enable-user"`)
	if r := lead.get(members); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Fatalf("disabled lead's session: %d %s", r.status, r.header.Get("Location"))
	}
	if r := e.client().signIn(e.fx.Lead.Email, ""); r.status == http.StatusSeeOther && r.header.Get("Location") != "/login" {
		t.Fatalf("a disabled account signed in: %s", r.header.Get("Location"))
	}
	must(t, admin.post(path+"/status", url.Values{"status": {"active"}}), http.StatusSeeOther)
	if r := waiting.get(members); r.status != http.StatusSeeOther {
		t.Fatalf("a session opened before the account was disabled works again: %d", r.status)
	}
	must(t, e.client().login(e.fx.Lead.Email).get(members), http.StatusOK)
	if log, _ := e.st.AuditEntries(ctx, "user.status", 5); len(log) != 2 || log[0].Detail != "lead@test.local: status disabled→active" {
		t.Fatalf("audit: %+v", log)
	}
}

// The attack: a lead moved to another association keeps reading the old
// one's members in the session they had open. The next request sees the
// move.
func TestMovedLeadLosesOldAssociation(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login(e.fx.Admin.Email)
	lead := e.client().login(e.fx.Lead.Email)
	wood, logistics := fmt.Sprintf("/associations/%d/members", e.fx.Wood.ID), fmt.Sprintf("/associations/%d/members", e.fx.Logistics.ID)
	must(t, lead.get(wood), http.StatusOK)
	must(t, admin.post("/admin/users/"+itoa(e.fx.Lead.ID)+"/access", url.Values{"role": {"lead"}, "association": {itoa(e.fx.Logistics.ID)}}), http.StatusSeeOther)
	if r := lead.get(wood); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
		t.Fatalf("moved lead still reads the old members: %d", r.status)
	}
	must(t, lead.get(logistics), http.StatusOK)
	// Refusals that make no sense, each with its message.
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"role": {"lead"}, "association": {"0"}}, "Người phụ trách hiệp hội phải gắn với một hiệp hội"},
		{url.Values{"role": {"advisor"}, "association": {itoa(e.fx.Wood.ID)}}, "Chỉ người phụ trách hiệp hội"},
		{url.Values{"role": {"firm"}, "association": {"0"}}, "Tài khoản doanh nghiệp luôn là"},
		{url.Values{"role": {"lead"}, "association": {"999"}}, "Hiệp hội này không (còn) tồn tại"},
		{url.Values{"role": {"lead"}, "association": {"x"}}, "Hiệp hội này không (còn) tồn tại"},
		{url.Values{"role": {"root"}, "association": {"0"}}, "Hãy chọn một vai trò"},
	} {
		must(t, admin.post("/admin/users/"+itoa(e.fx.Lead.ID)+"/access", tc.form), http.StatusUnprocessableEntity, tc.want)
	}
	must(t, admin.post("/admin/users/"+itoa(e.fx.FirmUser.ID)+"/access", url.Values{"role": {"admin"}}), http.StatusUnprocessableEntity, "Tài khoản doanh nghiệp luôn là")
}

// The attack: another site's page posts the people forms with the
// admin's cookies. Go's cross-origin protection refuses every one.
func TestPeopleFormsRefuseCrossOrigin(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login(e.fx.Admin.Email)
	form := url.Values{"status": {"disabled"}, "role": {"admin"}, "association": {"0"}}
	for _, rt := range peopleRoutes(t, e, e.fx.Lead.ID) {
		if rt[0] != http.MethodPost {
			continue
		}
		for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
			if r := admin.post(rt[1], form, h...); r.status != http.StatusForbidden {
				t.Errorf("%s with %s: %d", rt[1], h[0], r.status)
			}
		}
	}
	u, _ := e.st.FindUserByID(ctx, e.fx.Lead.ID)
	if out, _ := e.st.Outbox(ctx, 5); u.Status != auth.StatusActive || u.Role != auth.RoleLead || len(out) != 0 {
		t.Fatalf("a cross-origin post changed something: %s %s, %d mails", u.Role, u.Status, len(out))
	}
}

// The attack: a search of 100 KB, or of SQL and LIKE metacharacters. The
// page answers, says the query was cut, and matches nothing; a real part
// of a name finds its account, in both languages.
func TestPeopleSearchHostileQueries(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login(e.fx.Admin.Email)
	search := func(q string) resp { return admin.get("/admin/users?" + url.Values{"q": {q}}.Encode()) }
	must(t, search(strings.Repeat("%", 100_000)), http.StatusOK, `id="query-cut"`, "Tìm thấy 0 tài khoản")
	for _, q := range []string{"%", "_", "'", `"`, "' OR '1'='1", `%_'"\`} {
		must(t, search(q), http.StatusOK, "Tìm thấy 0 tài khoản")
	}
	must(t, search("Nguyễn"), http.StatusOK, "Tìm thấy 1 tài khoản", "firm@test.local")
	must(t, admin.get("/admin/users?role=lead&lang=en"), http.StatusOK, "1 account found.", "lead@test.local", "association lead")
	must(t, admin.get("/admin/users/"+itoa(e.fx.Lead.ID)), http.StatusOK, "Disable the account", "Send password reset")
	r := admin.get("/admin/users?" + url.Values{"association": {itoa(e.fx.Wood.ID)}}.Encode())
	must(t, r, http.StatusOK, "lead@test.local", "firm@test.local")
	if strings.Contains(r.body, "advisor@test.local") {
		t.Fatal("the association filter lets an advisor through")
	}
}

// The attack: an admin (or a stolen admin session) floods an account
// with reset and confirmation links. One of each goes; the rest are
// answered "a link went only recently", and each that went is audited.
func TestPeopleLinkFloodThrottled(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login(e.fx.Admin.Email)
	unverified := &auth.User{Email: "moi@hiephoi.vn", Name: "Người Mới", Role: auth.RoleLead, AssociationID: e.fx.Wood.ID,
		Status: auth.StatusActive, Lang: "vi", PasswordHash: "x"}
	if err := e.st.CreateUser(ctx, unverified); err != nil {
		t.Fatal(err)
	}
	lead := "/admin/users/" + itoa(e.fx.Lead.ID)
	fresh := "/admin/users/" + itoa(unverified.ID)
	must(t, admin.get(fresh), http.StatusOK, `id="resend-verify"`)
	for range 20 {
		must(t, admin.post(lead+"/password-reset", url.Values{"next": {lead}}), http.StatusSeeOther)
		must(t, admin.post(fresh+"/verify", nil), http.StatusSeeOther)
	}
	must(t, admin.get(fresh), http.StatusOK, "Một đường dẫn vừa được gửi đến tài khoản này")
	if n, m := messagesTo(t, e, "account.reset", e.fx.Lead.Email), messagesTo(t, e, store.KindVerifyEmail, unverified.Email); n != 1 || m != 1 {
		t.Fatalf("a flood of 20 sent %d resets and %d confirmations", n, m)
	}
	if log, _ := e.st.AuditEntries(ctx, "user.verify_sent", 50); len(log) != 1 {
		t.Fatalf("verify audit: %d entries", len(log))
	}
	// A confirmed address is sent nothing.
	must(t, admin.post(lead+"/verify", nil), http.StatusSeeOther)
	if messagesTo(t, e, store.KindVerifyEmail, e.fx.Lead.Email) != 0 {
		t.Fatal("a confirmed address was sent a confirmation link")
	}
}
