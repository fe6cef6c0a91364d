package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"dxready/auth"
	"dxready/store/storetest"
)

// New recovery codes and turning it off take a recovery code too (typed
// off paper: upper case, a space for the dash), which is then spent; the
// fields are long enough for one; a wrong code is told by the form it was
// typed in, not at the top of the page.
func TestAccountFormsTakeRecoveryCodes(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("lead@test.local")
	_, codes := enrol(t, e, c)
	page := c.get("/account/2fa")
	for _, id := range []string{"recovery-code", "move-code", "disable-code"} {
		if !regexp.MustCompile(`id="` + id + `"[^>]*maxlength="(2\d)"`).MatchString(page.body) {
			t.Errorf("field %s is too short for a recovery code", id)
		}
	}
	typed := strings.ToUpper(strings.Replace(codes[0], "-", " ", 1))
	fresh := shownCodes(t, c, c.post("/account/2fa/recovery", url.Values{"code": {typed}}))
	// The code that proved it is spent, like all the old ones.
	r := c.post("/account/2fa/disable", url.Values{"code": {codes[1]}})
	must(t, r, http.StatusUnprocessableEntity, "Mã không đúng")
	inDisable := regexp.MustCompile(`(?s)<section id="disable">.*id="disable-code-problem".*</section>`)
	if !inDisable.MatchString(r.body) || strings.Contains(r.body, `id="twofactor-problem"`) {
		t.Fatalf("the disable form's problem is not by that form: %.3000s", r.body)
	}
	if strings.Contains(r.body, `id="recovery-code-problem"`) {
		t.Fatal("the problem is shown by the other form too")
	}
	r = c.post("/account/2fa/recovery", url.Values{"code": {"000000"}})
	if !regexp.MustCompile(`(?s)<section id="recovery">.*id="recovery-code-problem".*</section>`).MatchString(r.body) {
		t.Fatal("the recovery form's problem is not by that form")
	}
	if r := c.post("/account/2fa/disable", url.Values{"code": {fresh[2]}}); r.status != http.StatusSeeOther {
		t.Fatalf("disable with a recovery code: %d %.800s", r.status, r.body)
	}
	if u, _ := e.st.FindUserByID(ctx, e.fx.Lead.ID); u.TwoFactor {
		t.Fatal("still on")
	}
}

// Input that cannot be a code (five digits, letters) is not a try on the
// code page nor on the account page: "a code has 6 digits", the tries
// left unchanged. Real codes still count, each before its check.
func TestMalformedCodeIsNoTry(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.passwordStep("admin@test.local")
	for _, bad := range []string{"12345", "12a456", "1234567", "abc", "k7m2q-x9fh"} {
		must(t, c.code(bad), http.StatusUnprocessableEntity, "Mã gồm 6 chữ số", "Còn 5 lần")
	}
	if tt, _ := e.st.FindTOTP(ctx, e.fx.Admin.ID); tt.Failures != 0 {
		t.Fatalf("malformed codes counted %d account tries", tt.Failures)
	}
	must(t, c.code("123 456"), http.StatusUnprocessableEntity, "Mã không đúng", "Còn 4 lần")
	for range auth.MaxCodeTries - 2 {
		must(t, c.code("222222"), http.StatusUnprocessableEntity, "Mã không đúng")
	}
	if r := c.code("333333"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Fatalf("the fifth real try: %d", r.status)
	}
	in := e.client().login("admin@test.local")
	before, _ := e.st.FindTOTP(ctx, e.fx.Admin.ID)
	must(t, in.post("/account/2fa/recovery", url.Values{"code": {"12345"}}), http.StatusUnprocessableEntity, "Mã gồm 6 chữ số")
	if after, _ := e.st.FindTOTP(ctx, e.fx.Admin.ID); after.Failures != before.Failures {
		t.Fatalf("a malformed code on the account page counted: %d → %d", before.Failures, after.Failures)
	}
}

// The recovery codes come on a page of their own after the POST: a reload
// shows them no more (nor re-sends anything), another browser of the same
// user never gets them, and no address carries them.
func TestRecoveryCodesShownOnceAfterRedirect(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("lead@test.local")
	other := e.client().login("lead@test.local")
	must(t, c.post("/account/2fa/setup", nil), http.StatusSeeOther)
	secret := pageSecret(t, c)
	r := c.post("/account/2fa/confirm", url.Values{"code": {storetest.TOTPCode(t, secret, e.fx.Clock.Now())}})
	if loc := r.header.Get("Location"); strings.Contains(loc, "-") || codesRe.MatchString(r.body) {
		t.Fatalf("codes in the redirect: %q", loc)
	}
	if r := other.get("/account/2fa/codes"); r.status != http.StatusSeeOther {
		t.Fatalf("another session of the user got the codes: %d", r.status)
	}
	page := c.get("/account/2fa/codes")
	must(t, page, http.StatusOK, `id="codes-print"`, `id="codes-copy"`, `id="codes-actions" hidden`)
	if page.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("codes page Cache-Control %q", page.header.Get("Cache-Control"))
	}
	if n := len(codesRe.FindAllString(page.body, -1)); n != auth.RecoveryCodeCount {
		t.Fatalf("%d codes", n)
	}
	again := c.get("/account/2fa/codes")
	if again.status != http.StatusSeeOther || again.header.Get("Location") != "/account/2fa" {
		t.Fatalf("reload: %d", again.status)
	}
	must(t, c.get("/account/2fa"), http.StatusOK, "sẽ không hiện lại")
	// Not kept for ever: codes not fetched within a few minutes are gone.
	e.fx.Clock.Add(auth.TOTPPeriod)
	shown := c.post("/account/2fa/recovery", url.Values{"code": {storetest.TOTPCode(t, secret, e.fx.Clock.Now())}})
	must(t, shown, http.StatusSeeOther)
	e.fx.Clock.Add(codesShownFor)
	if r := c.get("/account/2fa/codes"); r.status != http.StatusSeeOther {
		t.Fatalf("stale codes shown: %d", r.status)
	}
}

// The advisor's start page is their own schedule: no back link to the
// bookings list on it; the Center's view of an advisor keeps it.
func TestOwnScheduleHasNoBackLink(t *testing.T) {
	e := newEnv(t)
	r := e.client().login("advisor@test.local").get("/schedule")
	must(t, r, http.StatusOK, `id="schedule"`)
	if strings.Contains(r.body, `href="/bookings">←`) || strings.Contains(r.body, `id="back-bookings"`) {
		t.Fatal("the advisor's own schedule starts with a back link")
	}
	must(t, e.client().login("admin@test.local").get("/schedule?advisor="+itoa(e.fx.Advisor.ID)), http.StatusOK, `id="back-bookings"`)
}

// Every change to two-step sign-in is told to the user by mail, in their
// language, one message per event; an address not confirmed yet gets
// nothing and the change is made all the same.
func TestTwoFactorNotices(t *testing.T) {
	e := newEnv(t)
	lead := e.fx.Lead.Email
	c := e.client().login(lead)
	secret, _ := enrol(t, e, c)
	e.fx.Clock.Add(auth.TOTPPeriod)
	shownCodes(t, c, c.post("/account/2fa/recovery", url.Values{"code": {storetest.TOTPCode(t, secret, e.fx.Clock.Now())}}))
	if err := e.st.SetUserLang(ctx, e.fx.Lead.ID, "en"); err != nil {
		t.Fatal(err)
	}
	c2 := e.client()
	c2.passwordStep(lead)
	fresh := shownCodes(t, c, c.post("/account/2fa/recovery", url.Values{"code": {e.nextCode(lead)}}))
	must(t, c2.code(fresh[0]), http.StatusSeeOther)
	must(t, c2.post("/account/2fa/replace", url.Values{}), http.StatusSeeOther)
	newSecret := pageSecret(t, c2)
	shownCodes(t, c2, c2.post("/account/2fa/confirm", url.Values{"code": {storetest.TOTPCode(t, newSecret, e.fx.Clock.Now())}}))
	e.fx.Clock.Add(auth.TOTPPeriod)
	must(t, c2.post("/account/2fa/disable", url.Values{"code": {storetest.TOTPCode(t, newSecret, e.fx.Clock.Now())}}), http.StatusSeeOther)
	out, err := e.st.Outbox(ctx, 200)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, m := range out {
		if strings.HasPrefix(m.Kind, "account.twofactor_") && m.To == lead {
			got[m.Kind] = append(got[m.Kind], m.Lang+": "+m.Subject)
			if !strings.Contains(m.Body, "/password/forgot") {
				t.Errorf("%s lacks the way out: %s", m.Kind, m.Body)
			}
		}
	}
	want := map[string][]string{
		"account.twofactor_on":            {"vi: Đăng nhập hai bước đã được bật"},
		"account.twofactor_new_codes":     {"vi: Mã khôi phục mới đã được tạo", "en: New recovery codes were made"},
		"account.twofactor_recovery_used": {"en: A recovery code was used to sign in"},
		"account.twofactor_moved":         {"en: Two-step sign-in moved to a new phone"},
		"account.twofactor_off":           {"en: Two-step sign-in was turned off"},
	}
	for kind, subjects := range want {
		if strings.Join(got[kind], "|") != strings.Join(subjects, "|") && strings.Join(reverse(got[kind]), "|") != strings.Join(subjects, "|") {
			t.Errorf("%s: %q, want %q", kind, got[kind], subjects)
		}
	}
	// An address not confirmed yet gets nothing (the outbox refuses it; such
	// an account cannot sign in either, but the command line can reset it).
	u := &auth.User{Email: "moi@example.vn", Name: "Mới", Role: auth.RoleLead, AssociationID: e.fx.Lead.AssociationID, Status: auth.StatusActive,
		Lang: "vi", PasswordHash: e.fx.Lead.PasswordHash}
	if err := e.st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	e.web.queueTwoFactorNotice(ctx, u, TwoFactorOn)
	if n := messagesTo(t, e, "account.twofactor_on", u.Email); n != 0 {
		t.Fatalf("%d notices to an unconfirmed address", n)
	}
}

func reverse(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}
