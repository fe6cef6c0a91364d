package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dxready/auth"
	"dxready/store/storetest"
)

// pageSecret reads the key shown on the setup page.
func pageSecret(t *testing.T, c *client) string {
	t.Helper()
	r := c.get("/account/2fa/setup")
	m := secretRe.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		t.Fatalf("setup page: %d %.1500s", r.status, r.body)
	}
	return strings.ReplaceAll(m[1], " ", "")
}

// shownCodes follows a 303 to the codes page and returns the codes.
func shownCodes(t *testing.T, c *client, r resp) []string {
	t.Helper()
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account/2fa/codes" {
		t.Fatalf("want a redirect to the codes page, got %d to %q: %.800s", r.status, r.header.Get("Location"), r.body)
	}
	page := c.get("/account/2fa/codes")
	must(t, page, http.StatusOK, "recovery-codes")
	var codes []string
	for _, m := range codesRe.FindAllStringSubmatch(page.body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != auth.RecoveryCodeCount {
		t.Fatalf("%d codes shown", len(codes))
	}
	return codes
}

// The lost phone: the admin signs in with a recovery code and moves
// two-step sign-in to a new phone without another code and without the
// command line. It stays on throughout; afterwards only the new app and
// the new codes work.
func TestMoveToNewPhoneAfterLostPhone(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.passwordStep("admin@test.local")
	r := c.code(strings.ToUpper(storetest.AdminRecoveryCodes[0]))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account/2fa" {
		t.Fatalf("recovery sign-in: %d to %q", r.status, r.header.Get("Location"))
	}
	must(t, c.get("/account/2fa"), http.StatusOK, `id="move-granted"`, "Cài trên điện thoại mới")
	r = c.post("/account/2fa/replace", url.Values{})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account/2fa/setup" {
		t.Fatalf("begin the move: %d %.800s", r.status, r.body)
	}
	must(t, c.get("/account/2fa/setup"), http.StatusOK, `id="twofactor-moving"`, "Kiểm tra và chuyển sang điện thoại này")
	secret := pageSecret(t, c)
	if secret == storetest.AdminTOTPSecret {
		t.Fatal("the move kept the old secret")
	}
	if r := c.get("/account/2fa/qr.png"); r.status != http.StatusOK || r.header.Get("Content-Type") != "image/png" {
		t.Fatalf("QR of the new secret: %d", r.status)
	}
	// Until the new app is checked, the admin is not held and the old app
	// still signs in.
	must(t, c.get("/admin/firms"), http.StatusOK)
	other := e.client()
	other.passwordStep("admin@test.local")
	must(t, other.code(adminCode(e, e.fx.Clock.Now())), http.StatusSeeOther)
	// A code of the old app does not confirm the new one.
	e.fx.Clock.Add(auth.TOTPPeriod)
	must(t, c.post("/account/2fa/confirm", url.Values{"code": {adminCode(e, e.fx.Clock.Now())}}), http.StatusUnprocessableEntity, "Mã không đúng")
	codes := shownCodes(t, c, c.post("/account/2fa/confirm", url.Values{"code": {storetest.TOTPCode(t, secret, e.fx.Clock.Now())}}))
	// The recovery-code sign-in's leave is spent on the move.
	must(t, c.post("/account/2fa/replace", url.Values{}), http.StatusUnprocessableEntity, "Vui lòng nhập mã")
	if u, _ := e.st.FindUserByID(ctx, e.fx.Admin.ID); !u.TwoFactor {
		t.Fatal("two-step sign-in went off during the move")
	}
	// Old app and old codes are dead; the new ones work.
	e.fx.Clock.Add(auth.TOTPPeriod)
	c2 := e.client()
	c2.passwordStep("admin@test.local")
	must(t, c2.code(adminCode(e, e.fx.Clock.Now())), http.StatusUnprocessableEntity, "Mã không đúng")
	must(t, c2.code(storetest.AdminRecoveryCodes[1]), http.StatusUnprocessableEntity, "Mã không đúng")
	if r := c2.code(storetest.TOTPCode(t, secret, e.fx.Clock.Now())); r.status != http.StatusSeeOther || sessionSetCookie(r) == "" {
		t.Fatalf("the new app's code: %d", r.status)
	}
	c3 := e.client()
	c3.passwordStep("admin@test.local")
	must(t, c3.code(codes[0]), http.StatusSeeOther)
	for _, a := range []string{"twofactor.reenrol_begin", "twofactor.reenrol"} {
		if es, _ := e.st.AuditEntries(ctx, a, 10); len(es) != 1 || es[0].UserID != e.fx.Admin.ID {
			t.Errorf("audit %s: %+v", a, es)
		}
	}
}

// The move without a recovery-code sign-in: a code is needed (a stolen
// session alone cannot move the second factor to the thief's phone), a
// recovery code or a current code proves it, the recovery-code sign-in's
// leave is this session's only and lapses, and a move left halfway lapses
// without harm.
func TestMoveToNewPhoneAttacks(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("admin@test.local") // with the app's code
	must(t, c.get("/account/2fa"), http.StatusOK, `id="move-code"`)
	r := c.post("/account/2fa/replace", url.Values{})
	must(t, r, http.StatusUnprocessableEntity, "Vui lòng nhập mã")
	if !strings.Contains(r.body, `id="move-code-problem"`) {
		t.Fatal("the problem is not by the move form")
	}
	must(t, c.post("/account/2fa/replace", url.Values{"code": {"222222"}}), http.StatusUnprocessableEntity, "Mã không đúng")
	if _, err := e.st.FindTOTP(ctx, e.fx.Admin.ID); err != nil {
		t.Fatal(err)
	}
	if tt, _ := e.st.FindTOTP(ctx, e.fx.Admin.ID); tt.Next != "" {
		t.Fatal("a wrong code began a move")
	}
	// A recovery-code sign-in in another browser grants nothing here.
	r2 := e.client()
	r2.passwordStep("admin@test.local")
	must(t, r2.code(storetest.AdminRecoveryCodes[3]), http.StatusSeeOther)
	must(t, c.post("/account/2fa/replace", url.Values{}), http.StatusUnprocessableEntity)
	// ... and lapses in its own.
	e.fx.Clock.Add(auth.ReenrolmentTTL)
	must(t, r2.post("/account/2fa/replace", url.Values{}), http.StatusUnprocessableEntity, "Vui lòng nhập mã")
	// A recovery code proves the move (spent), typed as off paper.
	typed := strings.ToUpper(strings.ReplaceAll(storetest.AdminRecoveryCodes[4], "-", " "))
	must(t, c.post("/account/2fa/replace", url.Values{"code": {typed}}), http.StatusSeeOther)
	must(t, c.post("/account/2fa/replace", url.Values{"code": {typed}}), http.StatusUnprocessableEntity, "Mã không đúng")
	secret := pageSecret(t, c)
	// Left halfway: it lapses, the old app goes on working, nothing changes.
	e.fx.Clock.Add(auth.ReenrolmentTTL)
	if r := c.get("/account/2fa/setup"); r.status != http.StatusSeeOther {
		t.Fatalf("a lapsed move still shows its key: %d", r.status)
	}
	r = c.post("/account/2fa/confirm", url.Values{"code": {storetest.TOTPCode(t, secret, e.fx.Clock.Now())}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account/2fa" {
		t.Fatalf("a lapsed move confirmed: %d to %q", r.status, r.header.Get("Location"))
	}
	if tt, _ := e.st.FindTOTP(ctx, e.fx.Admin.ID); tt.Secret != storetest.AdminTOTPSecret {
		t.Fatal("a lapsed move replaced the secret")
	}
	// A current code proves it too.
	must(t, c.post("/account/2fa/replace", url.Values{"code": {e.nextCode("admin@test.local")}}), http.StatusSeeOther)
	if r := e.client().get("/account/2fa/setup"); r.status == http.StatusOK {
		t.Fatal("the setup page opens without a session")
	}
}

// One recovery code sent at once to new codes, a new phone and turning off
// proves one of them: it is spent in the change's own transaction.
func TestOneRecoveryCodeProvesOneChange(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("lead@test.local")
	_, codes := enrol(t, e, c)
	rs := tryAtOnce(e, []codeTry{{c, "/account/2fa/recovery", codes[5]}, {c, "/account/2fa/replace", codes[5]},
		{c, "/account/2fa/disable", codes[5]}, {c, "/account/2fa/recovery", codes[5]}})
	changes := 0
	for _, a := range []string{"twofactor.recovery_regenerate", "twofactor.reenrol_begin", "twofactor.disable"} {
		es, _ := e.st.AuditEntries(ctx, a, 10)
		changes += len(es)
	}
	if changes != 1 || countStatus(rs, http.StatusSeeOther)+countStatus(rs, http.StatusUnprocessableEntity) != len(rs) {
		t.Fatalf("one recovery code made %d changes: %d %d %d %d", changes, rs[0].status, rs[1].status, rs[2].status, rs[3].status)
	}
}
