package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"dxready/auth"
	"dxready/store/storetest"
)

// passwordStep signs c in with the password only and checks that it was
// sent to the code page without a session.
func (c *client) passwordStep(email string) {
	c.e.t.Helper()
	r := c.post("/login", url.Values{"email": {email}, "password": {storetest.Password}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login/code" {
		c.e.t.Fatalf("password step: %d to %q", r.status, r.header.Get("Location"))
	}
	if set := sessionSetCookie(r); set != "" {
		c.e.t.Fatalf("the password step set a session: %s", set)
	}
}

func (c *client) code(code string) resp {
	return c.post("/login/code", url.Values{"code": {code}})
}

func adminCode(e *env, at time.Time) string {
	return storetest.TOTPCode(e.t, storetest.AdminTOTPSecret, at)
}

// After the password alone, every page answers as it does to an anonymous
// visitor (the access matrix's own rows): only the code page is new.
func TestPasswordAloneOpensNothing(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.passwordStep("admin@test.local")
	for key, cases := range accessMatrix(t, e) {
		if !strings.HasPrefix(key, "GET ") || key == "GET /login/code" {
			continue
		}
		for _, rc := range cases {
			if got, want := c.get(rc.path).status, rc.want["anonymous"]; got != want {
				t.Errorf("GET %s after the password only = %d, anonymous gets %d", rc.path, got, want)
			}
		}
	}
	must(t, c.get("/login/code"), http.StatusOK, "Nhập mã đăng nhập")
	r := c.code(adminCode(e, e.fx.Clock.Now()))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != homeFor(e.fx.Admin) || sessionSetCookie(r) == "" {
		t.Fatalf("right code: %d to %q", r.status, r.header.Get("Location"))
	}
	must(t, c.get("/admin/firms"), http.StatusOK)
	// The pending sign-in is spent: its cookie opens nothing again.
	if r := c.get("/login/code"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Fatalf("spent pending sign-in: %d", r.status)
	}
}

// A code works once; a code of another secret, or from two steps away,
// never; one step of drift is allowed. Wrong codes change nothing.
func TestTOTPCodeAttacks(t *testing.T) {
	e := newEnv(t)
	now := e.fx.Clock.Now()
	c := e.client()
	c.passwordStep("admin@test.local")
	for name, code := range map[string]string{
		"another secret":  storetest.TOTPCode(t, auth.NewTOTPSecret(), now),
		"two steps ago":   adminCode(e, now.Add(-2*auth.TOTPPeriod)),
		"two steps ahead": adminCode(e, now.Add(2*auth.TOTPPeriod)),
	} {
		if code == adminCode(e, now) {
			continue // a random secret may, once in a million, give the same code
		}
		t.Run(name, func(t *testing.T) { must(t, c.code(code), http.StatusUnprocessableEntity, "Mã không đúng", "Còn") })
	}
	// One step of drift passes.
	late := adminCode(e, now.Add(-auth.TOTPPeriod))
	if r := c.code(late); r.status != http.StatusSeeOther {
		t.Fatalf("code one step late: %d %s", r.status, r.body)
	}
	// Replay: the same code, and the earlier step's, are refused on the
	// next sign-in, told as wrong ones (TestReplayedCodeIsAnsweredAsWrong);
	// the current one still works.
	c2 := e.client()
	c2.passwordStep("admin@test.local")
	must(t, c2.code(late), http.StatusUnprocessableEntity, "Mã không đúng")
	must(t, c2.code(adminCode(e, now.Add(-2*auth.TOTPPeriod))), http.StatusUnprocessableEntity)
	if r := c2.code(adminCode(e, now)); r.status != http.StatusSeeOther {
		t.Fatalf("current code after a late one: %d", r.status)
	}
	c3 := e.client()
	c3.passwordStep("admin@test.local")
	must(t, c3.code(adminCode(e, now)), http.StatusUnprocessableEntity, "Mã không đúng")
	if r := c3.get("/admin/firms"); r.status != http.StatusSeeOther {
		t.Fatalf("a replayed code signed in: %d", r.status)
	}
}

// Five wrong codes end the pending sign-in; twenty a day lock the codes of
// the account (not the password: it still leads to the code page).
func TestCodeGuessingIsLimited(t *testing.T) {
	e := newEnv(t)
	now := e.fx.Clock.Now()
	wrong := "000000"
	if wrong == adminCode(e, now) || wrong == adminCode(e, now.Add(auth.TOTPPeriod)) || wrong == adminCode(e, now.Add(-auth.TOTPPeriod)) {
		wrong = "111111"
	}
	c := e.client()
	for round := range auth.MaxCodeFailures / auth.MaxCodeTries {
		c.passwordStep("admin@test.local")
		for i := 1; i < auth.MaxCodeTries; i++ {
			must(t, c.code(wrong), http.StatusUnprocessableEntity)
		}
		r := c.code(wrong)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
			t.Fatalf("round %d: try %d: %d to %q", round, auth.MaxCodeTries, r.status, r.header.Get("Location"))
		}
		// The dropped sign-in takes no more codes, not even the right one.
		if r := c.code(adminCode(e, now)); r.header.Get("Location") != "/login" {
			t.Fatalf("a dropped sign-in took a code: %d", r.status)
		}
	}
	c.passwordStep("admin@test.local")
	must(t, c.code(adminCode(e, now)), http.StatusTooManyRequests, "quá nhiều lần")
	if r := c.get("/admin/firms"); r.status != http.StatusSeeOther {
		t.Fatal("signed in past the limit")
	}
	// A recovery code is refused too, and is not spent.
	must(t, c.code(storetest.AdminRecoveryCodes[0]), http.StatusTooManyRequests)
	if n, _ := e.st.RecoveryCodesLeft(ctx, e.fx.Admin.ID); n != auth.RecoveryCodeCount {
		t.Fatalf("%d recovery codes left", n)
	}
	// Other accounts are untouched, and the window ends.
	e.client().login("lead@test.local")
	e.fx.Clock.Add(auth.CodeFailureWindow)
	e.client().login("admin@test.local")
}

// Recovery codes work once each and are audited.
func TestRecoveryCodeSignIn(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.passwordStep("admin@test.local")
	code := strings.ToUpper(strings.ReplaceAll(storetest.AdminRecoveryCodes[2], "-", " ")) // as typed off paper
	if r := c.code(code); r.status != http.StatusSeeOther {
		t.Fatalf("recovery code: %d %s", r.status, r.body)
	}
	must(t, c.get("/account/2fa"), http.StatusOK, "Bạn còn 9 mã khôi phục")
	c2 := e.client()
	c2.passwordStep("admin@test.local")
	must(t, c2.code(storetest.AdminRecoveryCodes[2]), http.StatusUnprocessableEntity, "Mã không đúng")
	es, err := e.st.AuditEntries(ctx, "twofactor.recovery_used", 10)
	if err != nil || len(es) != 1 || es[0].UserID != e.fx.Admin.ID {
		t.Fatalf("audit: %+v %v", es, err)
	}
}

var secretRe = regexp.MustCompile(`id="twofactor-secret">([A-Z2-7 ]+)<`)
var codesRe = regexp.MustCompile(`<li>([2-9a-z]{5}-[2-9a-z]{5})</li>`)

// enrol runs enrolment for the signed-in c and returns the secret and the
// recovery codes shown.
func enrol(t *testing.T, e *env, c *client) (string, []string) {
	t.Helper()
	must(t, c.post("/account/2fa/setup", nil), http.StatusSeeOther)
	r := c.get("/account/2fa/setup")
	must(t, r, http.StatusOK, "twofactor-qr")
	m := secretRe.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no secret on the page: %.2000s", r.body)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	must(t, c.post("/account/2fa/confirm", url.Values{"code": {"123"}}), http.StatusUnprocessableEntity, "Mã không đúng")
	r = c.post("/account/2fa/confirm", url.Values{"code": {storetest.TOTPCode(t, secret, e.fx.Clock.Now())}})
	must(t, r, http.StatusSeeOther)
	r = c.get(r.header.Get("Location"))
	must(t, r, http.StatusOK, "mã khôi phục")
	var codes []string
	for _, m := range codesRe.FindAllStringSubmatch(r.body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != auth.RecoveryCodeCount {
		t.Fatalf("%d recovery codes shown", len(codes))
	}
	return secret, codes
}

// An admin without a second factor is held at enrolment on every route
// until enrolled; the QR goes only to the user enrolling, never cached.
func TestAdminMustEnrolFirst(t *testing.T) {
	e := newEnv(t)
	hash, _ := auth.NewHasher(storetest.Cheap, 1).Hash(ctx, storetest.Password)
	boss := &auth.User{Email: "boss@test.local", Name: "Boss", Role: auth.RoleAdmin, Status: auth.StatusActive, Lang: "vi", PasswordHash: hash,
		EmailVerified: true}
	if err := e.st.CreateUser(ctx, boss); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	r := c.post("/login", url.Values{"email": {boss.Email}, "password": {storetest.Password}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account/2fa" {
		t.Fatalf("unenrolled admin after the password: %d to %q", r.status, r.header.Get("Location"))
	}
	for key, cases := range accessMatrix(t, e) {
		method, pattern, _ := strings.Cut(key, " ")
		// Machine endpoints read no session: the IOC feed (/api/) answers by its key alone.
		if enrolmentPaths[pattern] || pattern == "/healthz" || pattern == "/metrics" || pattern == "/static/*" || strings.HasPrefix(pattern, "/api/") {
			continue
		}
		for _, rc := range cases {
			var r resp
			if method == http.MethodGet {
				r = c.get(rc.path)
			} else {
				r = c.post(rc.path, nil)
			}
			if r.status != http.StatusSeeOther || r.header.Get("Location") != "/account/2fa" {
				t.Errorf("%s %s before enrolment = %d to %q", method, rc.path, r.status, r.header.Get("Location"))
			}
		}
	}
	must(t, c.get("/account/2fa"), http.StatusOK, "bắt buộc")
	must(t, c.post("/account/2fa/setup", nil), http.StatusSeeOther)
	qr := c.get("/account/2fa/qr.png")
	if qr.status != 200 || qr.header.Get("Content-Type") != "image/png" || qr.header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(qr.body, "\x89PNG") {
		t.Fatalf("QR: %d %q %q", qr.status, qr.header.Get("Content-Type"), qr.header.Get("Cache-Control"))
	}
	// Nobody else gets this QR: another admin, signed in, has none to draw.
	if r := e.client().login("admin@test.local").get("/account/2fa/qr.png"); r.status == 200 || strings.HasPrefix(r.body, "\x89PNG") {
		t.Fatalf("another user got a QR: %d", r.status)
	}
	if r := e.client().get("/account/2fa/qr.png"); r.status != http.StatusSeeOther {
		t.Fatalf("anonymous QR: %d", r.status)
	}
	_, codes := enrol(t, e, c)
	must(t, c.get("/admin/firms"), http.StatusOK)
	if r := c.get("/account/2fa/qr.png"); r.status == 200 {
		t.Fatal("the QR is still served after enrolment")
	}
	if es, _ := e.st.AuditEntries(ctx, "twofactor.enrol", 10); len(es) != 1 || es[0].UserID != boss.ID {
		t.Fatalf("enrol audit: %+v", es)
	}
	// Admins cannot switch it off, even with a right code.
	e.fx.Clock.Add(auth.TOTPPeriod)
	u, _ := e.st.FindTOTP(ctx, boss.ID)
	must(t, c.post("/account/2fa/disable", url.Values{"code": {storetest.TOTPCode(t, u.Secret, e.fx.Clock.Now())}}), http.StatusForbidden)
	// Signing in now asks the code; a recovery code shown at enrolment works.
	c2 := e.client()
	c2.passwordStep(boss.Email)
	if r := c2.code(codes[0]); r.status != http.StatusSeeOther {
		t.Fatalf("recovery code from enrolment: %d", r.status)
	}
}

// A lead may turn it on, make new recovery codes and turn it off, each
// with a current code; firms are not offered it.
func TestLeadOptionalTwoFactor(t *testing.T) {
	e := newEnv(t)
	must(t, e.client().login("firm@test.local").get("/account/2fa"), http.StatusForbidden)
	c := e.client().login("lead@test.local")
	must(t, c.get("/account/2fa"), http.StatusOK, "đang tắt")
	secret, old := enrol(t, e, c)
	code := func() url.Values {
		e.fx.Clock.Add(auth.TOTPPeriod)
		return url.Values{"code": {storetest.TOTPCode(t, secret, e.fx.Clock.Now())}}
	}
	must(t, c.post("/account/2fa/recovery", url.Values{"code": {"000000"}}), http.StatusUnprocessableEntity)
	r := c.post("/account/2fa/recovery", code())
	must(t, r, http.StatusSeeOther)
	r = c.get(r.header.Get("Location"))
	must(t, r, http.StatusOK)
	if strings.Contains(r.body, old[0]) {
		t.Fatal("regenerated codes repeat an old one")
	}
	if n, _ := e.st.RecoveryCodesLeft(ctx, e.fx.Lead.ID); n != auth.RecoveryCodeCount {
		t.Fatalf("%d codes after regeneration", n)
	}
	// Sign-in now needs the code.
	c2 := e.client()
	c2.passwordStep("lead@test.local")
	if r := c2.code(old[1]); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("an old recovery code after regeneration: %d", r.status)
	}
	r = c.post("/account/2fa/disable", code())
	if r.status != http.StatusSeeOther {
		t.Fatalf("disable: %d %s", r.status, r.body)
	}
	if u, _ := e.st.FindUserByID(ctx, e.fx.Lead.ID); u.TwoFactor {
		t.Fatal("still on after disable")
	}
	for _, a := range []string{"twofactor.enrol", "twofactor.recovery_regenerate", "twofactor.disable"} {
		if es, _ := e.st.AuditEntries(ctx, a, 10); len(es) != 1 {
			t.Errorf("audit %s: %d entries", a, len(es))
		}
	}
	e.client().login("lead@test.local") // the password alone again
	// The pending sign-in that was open when 2FA went off opens nothing.
	if r := c2.code(storetest.TOTPCode(t, secret, e.fx.Clock.Now())); r.header.Get("Location") != "/login" {
		t.Fatalf("stale pending sign-in: %d", r.status)
	}
}

// The pending sign-in lasts five minutes.
func TestPendingSignInExpires(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.passwordStep("admin@test.local")
	e.fx.Clock.Add(pendingTTL)
	r := c.code(adminCode(e, e.fx.Clock.Now()))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Fatalf("expired pending sign-in: %d to %q", r.status, r.header.Get("Location"))
	}
}
