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
