package web

import (
	"net/http"
	"strings"
	"testing"

	"dxready/auth"
)

// A browser whose session ended elsewhere (here: the account was disabled
// and enabled again, which ends its sessions) is sent to sign in with a
// word why, once; a browser that never signed in is not told anything.
func TestAnEndedSessionIsExplained(t *testing.T) {
	e := newEnv(t)
	c := e.client().login(e.fx.FirmUser.Email)
	must(t, c.get("/profile"), http.StatusOK)
	for _, st := range []auth.Status{auth.StatusDisabled, auth.StatusActive} {
		if err := e.st.SetUserStatus(ctx, e.fx.FirmUser.ID, 0, st); err != nil {
			t.Fatal(err)
		}
	}
	r := c.get("/profile")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login?next=") {
		t.Fatalf("after the session ended /profile = %d %s", r.status, r.header.Get("Location"))
	}
	must(t, c.get("/login"), http.StatusOK, "Phiên đăng nhập đã kết thúc")
	if r := c.get("/login"); strings.Contains(r.body, "Phiên đăng nhập đã kết thúc") {
		t.Fatal("the notice is shown twice")
	}
	if r := e.client().get("/login"); strings.Contains(r.body, "Phiên đăng nhập đã kết thúc") {
		t.Fatal("a browser that never signed in is told its session ended")
	}
}

// "Sign out everywhere else" ends every other session of the user (the
// other browser is told on its next page) and keeps this one; another
// user's sessions are untouched; it is audited.
func TestSignOutEverywhereElse(t *testing.T) {
	e := newEnv(t)
	here := e.client().login(e.fx.FirmUser.Email)
	there := e.client().login(e.fx.FirmUser.Email)
	lead := e.client().login(e.fx.Lead.Email)
	must(t, here.get("/account"), http.StatusOK, `id="end-sessions"`)
	must(t, here.post("/account/sessions/end", nil), http.StatusSeeOther)
	must(t, here.get("/account"), http.StatusOK, "Mọi phiên đăng nhập khác của tài khoản đã kết thúc")
	if r := there.get("/profile"); r.status != http.StatusSeeOther {
		t.Fatalf("the other browser is still signed in: %d", r.status)
	}
	must(t, there.get("/login"), http.StatusOK, "Phiên đăng nhập đã kết thúc")
	must(t, lead.get("/account"), http.StatusOK)
	if log, err := e.st.AuditEntries(ctx, "account.sessions_end", 5); err != nil || len(log) != 1 {
		t.Fatalf("audit: %d entries, %v", len(log), err)
	}
}
