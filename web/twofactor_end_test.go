package web

import (
	"net/http"
	"testing"

	"dxready/store/storetest"
)

// A sign-in whose password step came before a password reset or change
// cannot finish after it, whatever code it has.
func TestPendingSignInEndsWithThePassword(t *testing.T) {
	for name, change := range map[string]func(e *env){
		"reset by mail": func(e *env) {
			owner := e.client()
			must(t, owner.post("/password/forgot", values("email", "admin@test.local")), http.StatusSeeOther)
			link := linkIn(t, e, "account.reset", "admin@test.local", "/password/reset/")
			must(t, owner.post(link, values("password", "a brand new passphrase", "password_confirm", "a brand new passphrase")), http.StatusSeeOther)
		},
		"changed on the account page": func(e *env) {
			owner := e.client().login("admin@test.local")
			must(t, owner.post("/account/password", values("current", storetest.Password, "password", "a brand new passphrase",
				"password_confirm", "a brand new passphrase")), http.StatusSeeOther)
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			attacker := e.client()
			attacker.passwordStep("admin@test.local") // the old password
			change(e)
			r := attacker.code(e.nextCode("admin@test.local"))
			if sessionSetCookie(r) != "" || r.header.Get("Location") != "/login" {
				t.Fatalf("a sign-in begun with the old password finished after the change: %d to %q", r.status, r.header.Get("Location"))
			}
		})
	}
}
