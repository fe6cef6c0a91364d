package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dxready/auth"
	"dxready/store/storetest"
)

// A move to a new phone belongs to the session that began it: another
// session of the same user (a stolen cookie: no code, no recovery-code
// sign-in) is not shown the new secret and cannot confirm it; the owner
// confirms and sees the new recovery codes. (The attack review found the
// thief could read the secret, confirm first and take the only copy of
// the codes.)
func TestAMoveToANewPhoneBelongsToItsSession(t *testing.T) {
	e := newEnv(t)
	owner := e.client().login("admin@test.local")
	thief := e.client().login("admin@test.local") // stands for a stolen session cookie
	// The owner begins the move with a current code.
	r := owner.post("/account/2fa/replace", url.Values{"code": {e.nextCode("admin@test.local")}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account/2fa/setup" {
		t.Fatalf("owner begins the move: %d %q %.600s", r.status, r.header.Get("Location"), r.body)
	}
	ownerSecret := pageSecret(t, owner)

	// The thief's session, which proved nothing, looks at the setup page.
	ts := thief.get("/account/2fa/setup")
	if m := secretRe.FindStringSubmatch(ts.body); ts.status == http.StatusOK && m != nil {
		got := strings.ReplaceAll(m[1], " ", "")
		t.Errorf("a session that did not begin the move is shown its new secret (same as the owner's: %v)", got == ownerSecret)
		// ... and confirms it before the owner does.
		e.fx.Clock.Add(auth.TOTPPeriod)
		cr := thief.post("/account/2fa/confirm", url.Values{"code": {storetest.TOTPCode(t, got, e.fx.Clock.Now())}})
		if cr.status == http.StatusSeeOther && cr.header.Get("Location") == "/account/2fa/codes" {
			page := thief.get("/account/2fa/codes")
			n := len(codesRe.FindAllStringSubmatch(page.body, -1))
			t.Errorf("the thief's session confirmed the owner's move and was shown %d new recovery codes", n)
		}
		// The owner's confirmation is now a quiet redirect: no codes for the owner.
		e.fx.Clock.Add(auth.TOTPPeriod)
		or := owner.post("/account/2fa/confirm", url.Values{"code": {storetest.TOTPCode(t, ownerSecret, e.fx.Clock.Now())}})
		if or.header.Get("Location") != "/account/2fa/codes" {
			t.Errorf("owner's confirmation: %d to %q (owner never sees the new recovery codes)", or.status, or.header.Get("Location"))
		}
		return
	}
	if cr := thief.post("/account/2fa/confirm", url.Values{"code": {"123456"}}); cr.header.Get("Location") == "/account/2fa/codes" {
		t.Fatal("the other session confirmed the move")
	}
	// The owner's session confirms and is shown the codes; the move signs
	// every other session out.
	e.fx.Clock.Add(auth.TOTPPeriod)
	shownCodes(t, owner, owner.post("/account/2fa/confirm", url.Values{"code": {storetest.TOTPCode(t, ownerSecret, e.fx.Clock.Now())}}))
	if r := thief.get("/admin/firms"); r.status == http.StatusOK {
		t.Fatal("the other session outlived the move")
	}
}

// The lost phone usually holds a signed-in browser of the portal: moving
// two-step sign-in to a new phone after signing in with a recovery code
// ends every other session, so the lost (or stolen) phone is signed out.
func TestTheLostPhoneIsSignedOutByTheMove(t *testing.T) {
	e := newEnv(t)
	phone := e.client().login("admin@test.local")
	must(t, phone.get("/admin/firms"), http.StatusOK)

	c := e.client()
	c.passwordStep("admin@test.local")
	r := c.code(strings.ToUpper(storetest.AdminRecoveryCodes[0]))
	if r.status != http.StatusSeeOther {
		t.Fatalf("recovery sign-in: %d", r.status)
	}
	must(t, c.post("/account/2fa/replace", url.Values{}), http.StatusSeeOther)
	secret := pageSecret(t, c)
	e.fx.Clock.Add(auth.TOTPPeriod)
	shownCodes(t, c, c.post("/account/2fa/confirm", url.Values{"code": {storetest.TOTPCode(t, secret, e.fx.Clock.Now())}}))

	if r := phone.get("/admin/firms"); r.status == http.StatusOK {
		t.Errorf("the lost phone's session still works after the move to a new phone")
	}
}
