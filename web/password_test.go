package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"dxready/auth"
	"dxready/store"
	"dxready/store/storetest"
)

// linkIn returns the newest link to path (e.g. "/password/reset/") in a
// message of kind to address to, as a local path, or fails.
func linkIn(t *testing.T, e *env, kind, to, path string) string {
	t.Helper()
	out, err := e.st.Outbox(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(regexp.QuoteMeta(path) + `[A-Za-z0-9_-]+`)
	for _, m := range out {
		if m.Kind == kind && m.To == to {
			if l := re.FindString(m.Body); l != "" {
				return l
			}
		}
	}
	t.Fatalf("no %s message with a %s link to %s in %d messages", kind, path, to, len(out))
	return ""
}

// messagesTo counts the messages of kind to address to.
func messagesTo(t *testing.T, e *env, kind, to string) int {
	t.Helper()
	out, err := e.st.Outbox(ctx, 200)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range out {
		if m.Kind == kind && m.To == to {
			n++
		}
	}
	return n
}

// sameAnswer fails unless a and b are the same answer: status, body and
// every header but Date.
func sameAnswer(t *testing.T, what string, a, b resp) {
	t.Helper()
	if a.status != b.status || a.body != b.body {
		t.Fatalf("%s: %d %q vs %d %q", what, a.status, a.body, b.status, b.body)
	}
	for k := range a.header {
		if k != "Date" && strings.Join(a.header.Values(k), "|") != strings.Join(b.header.Values(k), "|") {
			t.Fatalf("%s: header %s: %q vs %q", what, k, a.header.Values(k), b.header.Values(k))
		}
	}
}

// typedAway is r with the address its user typed (in each of its forms)
// replaced by EMAIL in its body, and its Content-Length, checked to be the
// body's, made the new body's: what the user typed is no sign of anything.
func typedAway(t *testing.T, r resp, forms ...string) resp {
	t.Helper()
	if cl := r.header.Get("Content-Length"); cl != strconv.Itoa(len(r.body)) {
		t.Fatalf("Content-Length %q of a %d-byte page", cl, len(r.body))
	}
	for _, f := range forms {
		r.body = strings.ReplaceAll(r.body, f, "EMAIL")
	}
	r.header.Set("Content-Length", strconv.Itoa(len(r.body)))
	return r
}

// Registration answers a taken address exactly as a new one, and the
// address's owner is told (once a day at most) in their language; an
// unverified owner gets their verification link again instead.
func TestRegisterDoesNotTellWhetherAnAddressHasAnAccount(t *testing.T) {
	e := newEnv(t)
	form := func(email string) url.Values {
		return url.Values{"tax_code": {"3709000100"}, "firm_name": {"Công ty Thử"}, "name": {"Người thử"}, "email": {email},
			"password": {"một câu mật khẩu dài"}, "password_confirm": {"một câu mật khẩu dài"}}
	}
	if err := e.st.SetUserLang(ctx, e.fx.FirmUser.ID, "en"); err != nil {
		t.Fatal(err)
	}
	fresh, taken := e.client(), e.client()
	a, b := fresh.post("/register", form("moi@example.vn")), taken.post("/register", form("firm@test.local"))
	// Each answer names the address typed (the sign-in form is filled in
	// with it), and nothing else differs.
	if a.header.Get("Location") != loginWith("moi@example.vn") || b.header.Get("Location") != loginWith("firm@test.local") {
		t.Fatalf("register: Location %q, %q", a.header.Get("Location"), b.header.Get("Location"))
	}
	a.header.Set("Location", "/login?email=EMAIL")
	b.header.Set("Location", "/login?email=EMAIL")
	sameAnswer(t, "register", a, b)
	if a.status != http.StatusSeeOther {
		t.Fatalf("register: %d", a.status)
	}
	after := func(c *client, email string) resp {
		return typedAway(t, c.get(loginWith(email)), email, url.QueryEscape(email))
	}
	sameAnswer(t, "the page after", after(fresh, "moi@example.vn"), after(taken, "firm@test.local"))
	if n := messagesTo(t, e, store.KindVerifyEmail, "moi@example.vn"); n != 1 {
		t.Fatalf("%d verification messages to the new address", n)
	}
	if n := messagesTo(t, e, "account.register_taken", "firm@test.local"); n != 1 {
		t.Fatalf("%d notices to the owner", n)
	}
	if out, _ := e.st.Outbox(ctx, 1); out[0].Lang != "en" || !strings.Contains(out[0].Body, "/password/forgot") {
		t.Fatalf("the owner's notice is not in their language: %+v", out[0])
	}
	// Again and again: the owner's mailbox is not flooded.
	for range 3 {
		e.client().post("/register", form("firm@test.local"))
	}
	if n := messagesTo(t, e, "account.register_taken", "firm@test.local"); n != 1 {
		t.Fatalf("%d notices after four attempts", n)
	}
	// A taken, unverified address: its link again, nothing else.
	fresh.post("/register", form("moi@example.vn"))
	if n := messagesTo(t, e, "account.register_taken", "moi@example.vn"); n != 0 {
		t.Fatal("an unverified address got a notice")
	}
	e.fx.Clock.Add(auth.LinkGap)
	taken.post("/register", form("moi@example.vn"))
	if n := messagesTo(t, e, store.KindVerifyEmail, "moi@example.vn"); n != 2 {
		t.Fatalf("%d verification messages to the unverified address", n)
	}
}

// The forgot form answers the same for an account, an unverified account,
// a disabled one and no account; only the first gets a reset link, the
// unverified one its verification link instead.
func TestForgotPasswordDoesNotTellWhetherAnAddressHasAnAccount(t *testing.T) {
	e := newEnv(t)
	unverifiedUser(t, e, "chua@example.vn", e.fx.Kho.ID)
	off := storetest.FirmUser(t, e.st, "nghi@example.vn", e.fx.Kho.ID)
	if err := e.st.SetUserStatus(ctx, off.ID, 0, auth.StatusDisabled); err != nil {
		t.Fatal(err)
	}
	first := e.client().post("/password/forgot", url.Values{"email": {"lead@test.local"}})
	for _, addr := range []string{"nobody@example.vn", "chua@example.vn", "nghi@example.vn", "LEAD@test.local"} {
		sameAnswer(t, addr, first, e.client().post("/password/forgot", url.Values{"email": {addr}}))
	}
	if first.status != http.StatusSeeOther || first.header.Get("Location") != "/login" {
		t.Fatalf("forgot: %d %s", first.status, first.header.Get("Location"))
	}
	if n := messagesTo(t, e, "account.reset", "lead@test.local"); n != 1 {
		t.Fatalf("%d reset links to the lead (two asks within %v)", n, auth.LinkGap)
	}
	if messagesTo(t, e, "account.reset", "chua@example.vn") != 0 || messagesTo(t, e, store.KindVerifyEmail, "chua@example.vn") != 1 {
		t.Fatal("the unverified account did not get exactly its verification link")
	}
	for _, addr := range []string{"nobody@example.vn", "nghi@example.vn"} {
		if messagesTo(t, e, "account.reset", addr) != 0 {
			t.Fatalf("a reset link went to %s", addr)
		}
	}
	// One client cannot flood: after the limit, a clear 429 in its language.
	c := e.client()
	var r resp
	for range 12 {
		r = c.post("/password/forgot?lang=en", url.Values{"email": {"nobody@example.vn"}})
	}
	must(t, r, http.StatusTooManyRequests, "Too many requests")
}

// unverifiedUser adds an active user of firm firmID whose address is not
// verified, as a new account's is, with the fixtures' password.
func unverifiedUser(t *testing.T, e *env, email string, firmID int64) *auth.User {
	t.Helper()
	u := &auth.User{Email: email, Name: "Chưa xác nhận", Role: auth.RoleFirm, FirmID: firmID, Status: auth.StatusActive, Lang: "vi",
		PasswordHash: e.fx.FirmUser.PasswordHash}
	if err := e.st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	return u
}

// Forgot password → the link → a new password: the browser signed in
// before is signed out, the old password is dead, and the link works
// once. Forged, truncated and expired links change nothing.
func TestResetPasswordJourneyAndAttacks(t *testing.T) {
	e := newEnv(t)
	before := e.client().login("advisor@test.local")
	must(t, e.client().post("/password/forgot", url.Values{"email": {"advisor@test.local"}}), http.StatusSeeOther)
	link := linkIn(t, e, "account.reset", "advisor@test.local", "/password/reset/")
	c := e.client()
	must(t, c.get(link), http.StatusOK, "advisor@test.local")
	must(t, c.post(link, url.Values{"password": {"anhyeuem123"}, "password_confirm": {"anhyeuem123"}}), http.StatusUnprocessableEntity,
		"danh sách mật khẩu được dùng nhiều nhất")
	mismatch := c.post(link, url.Values{"password": {"mới hoàn toàn dài"}, "password_confirm": {"khác"}})
	must(t, mismatch, http.StatusUnprocessableEntity, "Hai mật khẩu không giống nhau")
	if i, j := strings.Index(mismatch.body, `id="password_confirm"`), strings.Index(mismatch.body, "Hai mật khẩu không giống nhau"); i < 0 || j < i {
		t.Fatal("the mismatch is not told under the repeated password")
	}
	tok := strings.TrimPrefix(link, "/password/reset/")
	for _, forged := range []string{tok[:len(tok)-1], tok[:20], tok + "A", "x"} {
		must(t, c.post("/password/reset/"+forged, url.Values{"password": {"kẻ gian đặt mật khẩu"}, "password_confirm": {"kẻ gian đặt mật khẩu"}}),
			http.StatusGone, "không hợp lệ")
	}
	r := c.post(link, url.Values{"password": {"mật khẩu mới hoàn toàn"}, "password_confirm": {"mật khẩu mới hoàn toàn"}})
	must(t, r, http.StatusSeeOther)
	if r.header.Get("Location") != "/login?email=advisor%40test.local" {
		t.Fatalf("after reset: %s", r.header.Get("Location"))
	}
	must(t, c.get(r.header.Get("Location")), http.StatusOK, `value="advisor@test.local"`)
	if r := before.get("/schedule"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Fatalf("the session signed in before the reset still works: %d", r.status)
	}
	must(t, e.client().post("/login", url.Values{"email": {"advisor@test.local"}, "password": {storetest.Password}}), http.StatusUnauthorized)
	must(t, e.client().post("/login", url.Values{"email": {"advisor@test.local"}, "password": {"mật khẩu mới hoàn toàn"}}), http.StatusSeeOther)
	must(t, c.get(link+"?lang=en"), http.StatusGone, "already used")
	must(t, c.post(link, url.Values{"password": {"lần thứ hai dài"}, "password_confirm": {"lần thứ hai dài"}}), http.StatusGone)
	if n := messagesTo(t, e, "account.password_changed", "advisor@test.local"); n != 1 {
		t.Fatalf("%d notices of the change", n)
	}
	// An hour later a fresh link is dead, and using it changes nothing.
	e.fx.Clock.Add(auth.LinkGap)
	e.client().post("/password/forgot", url.Values{"email": {"lead@test.local"}})
	late := linkIn(t, e, "account.reset", "lead@test.local", "/password/reset/")
	e.fx.Clock.Add(auth.ResetLinkTTL)
	must(t, c.post(late, url.Values{"password": {"quá muộn rồi đấy"}, "password_confirm": {"quá muộn rồi đấy"}}), http.StatusGone, "expired") // c chose English above
	e.client().login("lead@test.local")
}

// Changing one's password needs the current one, refuses common ones,
// ends every other session of the user (not this one), is audited, and
// tells the user by mail.
func TestChangePassword(t *testing.T) {
	e := newEnv(t)
	here, there := e.client().login("lead@test.local"), e.client().login("lead@test.local")
	must(t, here.get("/account"), http.StatusOK, "lead@test.local", "Đã xác nhận", `href="/account/password"`)
	must(t, here.post("/account/password", url.Values{"current": {"đoán bừa mật khẩu"}, "password": {"mật khẩu mới dài"},
		"password_confirm": {"mật khẩu mới dài"}}), http.StatusUnprocessableEntity, "Mật khẩu hiện tại không đúng")
	must(t, here.post("/account/password?lang=en", url.Values{"current": {storetest.Password}, "password": {"Password123"},
		"password_confirm": {"Password123"}}), http.StatusUnprocessableEntity, "passwords people use most")
	r := here.post("/account/password", url.Values{"current": {storetest.Password}, "password": {"mật khẩu mới dài"},
		"password_confirm": {"mật khẩu mới dài"}})
	must(t, r, http.StatusSeeOther)
	must(t, here.get("/account"), http.StatusOK, "Your password is changed") // English since the ?lang=en above
	if r := there.get("/account"); r.status != http.StatusSeeOther {
		t.Fatalf("the other session still works: %d", r.status)
	}
	if es, _ := e.st.AuditEntries(ctx, "password.change", 5); len(es) != 1 || es[0].UserID != e.fx.Lead.ID {
		t.Fatalf("audit: %+v", es)
	}
	if n := messagesTo(t, e, "account.password_changed", "lead@test.local"); n != 1 {
		t.Fatalf("%d notices", n)
	}
	// Guessing the current password from a session is limited.
	var r2 resp
	for range 6 {
		r2 = here.post("/account/password", url.Values{"current": {"đoán tiếp mật khẩu"}, "password": {"mật khẩu khác dài"},
			"password_confirm": {"mật khẩu khác dài"}})
	}
	must(t, r2, http.StatusTooManyRequests, "Too many")
}

// A new account confirms its address by the link queued with it; until
// then it cannot sign in, and the link can be sent again from the sign-in
// page, not too often. Its page takes the registration's password,
// confirms and signs in; the account then signs in anywhere.
func TestVerifyEmailAfterRegistration(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.post("/register", url.Values{"tax_code": {"3709000100"}, "firm_name": {"Công ty Mới"}, "name": {"Mai"}, "email": {"mai@example.vn"},
		"password": {"một câu mật khẩu dài"}, "password_confirm": {"một câu mật khẩu dài"}})
	signIn := url.Values{"email": {"mai@example.vn"}, "password": {"một câu mật khẩu dài"}}
	must(t, c.post("/login", signIn), http.StatusUnauthorized, "không đúng")
	r := c.post("/verify-email", values("email", "mai@example.vn"))
	must(t, c.get(r.header.Get("Location")), http.StatusOK, "đã gửi lại đường dẫn xác nhận")
	e.fx.Clock.Add(auth.LinkGap)
	c.post("/verify-email", values("email", "mai@example.vn"))
	if n := messagesTo(t, e, store.KindVerifyEmail, "mai@example.vn"); n != 2 {
		t.Fatalf("%d verification messages", n)
	}
	first := linkIn(t, e, store.KindVerifyEmail, "mai@example.vn", "/verify-email/")
	must(t, c.get(first), http.StatusOK, "mật khẩu bạn đã chọn khi đăng ký")
	r = c.post(first, values("current", "một câu mật khẩu dài"))
	must(t, r, http.StatusSeeOther)
	if r.header.Get("Location") != "/profile" {
		t.Fatalf("after the link: %q", r.header.Get("Location"))
	}
	must(t, e.client().post("/login", signIn), http.StatusSeeOther)
	page := c.get("/account")
	must(t, page, http.StatusOK, "Đã xác nhận")
	if strings.Contains(page.body, `id="verify-banner"`) {
		t.Fatal("the banner stayed")
	}
	must(t, c.get(first), http.StatusGone, "đã được dùng")
	must(t, e.client().get("/verify-email/"+strings.Repeat("A", 43)+"?lang=en"), http.StatusGone, "not valid")
}

// An unverified firm user gets no booking messages, while the verified
// colleague and the advisor do: the outbox refuses them one by one, and
// the rest go.
func TestUnverifiedUserGetsNoBookingMessages(t *testing.T) {
	e := newEnv(t)
	quiet := unverifiedUser(t, e, "chuaxacnhan@example.vn", e.fx.GoDuc.ID)
	_, nine := bookNine(t, e)
	e.setNow(nine.Add(-23 * time.Hour).UTC())
	if n, _, err := e.web.QueueFollowUps(ctx, "https://dxready.example.vn"); err != nil || n != 2 {
		t.Fatalf("reminders: %d %v", n, err)
	}
	for _, kind := range []string{"booking.confirmed", "booking.reminder"} {
		if messagesTo(t, e, kind, quiet.Email) != 0 {
			t.Fatalf("%s went to the unverified address", kind)
		}
		if messagesTo(t, e, kind, "firm@test.local") != 1 || messagesTo(t, e, kind, "advisor@test.local") != 1 {
			t.Fatalf("%s did not reach the verified colleague and the advisor", kind)
		}
	}
}

// The admin sends a reset link to a staff member, in their language,
// audited; a new advisor's account first gets its verification link, and
// while unverified a "reset" sends that link again. A firm user who asks
// the Center gets one too (as the forgot form would send); a disabled
// account gets none, and no one else may press the button.
func TestAdminSendsResetToStaff(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login("admin@test.local")
	assoc := "/admin/associations/" + itoa(e.fx.Wood.ID)
	must(t, admin.get(assoc), http.StatusOK, "/admin/users/"+itoa(e.fx.Lead.ID)+"/password-reset")
	if err := e.st.SetUserLang(ctx, e.fx.Lead.ID, "en"); err != nil {
		t.Fatal(err)
	}
	r := admin.post("/admin/users/"+itoa(e.fx.Lead.ID)+"/password-reset", url.Values{"next": {assoc}})
	must(t, r, http.StatusSeeOther)
	if r.header.Get("Location") != assoc {
		t.Fatalf("back to %s", r.header.Get("Location"))
	}
	out, _ := e.st.Outbox(ctx, 5)
	if len(out) != 1 || out[0].Kind != "account.reset" || out[0].To != "lead@test.local" || out[0].Lang != "en" ||
		!strings.Contains(out[0].Body, "/password/reset/") {
		t.Fatalf("outbox: %+v", out)
	}
	if es, _ := e.st.AuditEntries(ctx, "password.reset_sent", 5); len(es) != 1 || es[0].UserID != e.fx.Admin.ID {
		t.Fatalf("audit: %+v", es)
	}
	must(t, admin.post("/admin/users/"+itoa(e.fx.FirmUser.ID)+"/password-reset", nil), http.StatusSeeOther)
	if messagesTo(t, e, "account.reset", e.fx.FirmUser.Email) != 1 {
		t.Fatal("the firm user got no reset link")
	}
	if err := e.st.SetUserStatus(ctx, e.fx.FirmUser.ID, 0, auth.StatusDisabled); err != nil {
		t.Fatal(err)
	}
	must(t, admin.post("/admin/users/"+itoa(e.fx.FirmUser.ID)+"/password-reset", nil), http.StatusNotFound)
	must(t, e.client().login("lead@test.local").post("/admin/users/"+itoa(e.fx.Advisor.ID)+"/password-reset", nil), http.StatusForbidden)
	// A new advisor: created unverified, with the link queued.
	must(t, admin.post("/admin/advisors", url.Values{"email": {"moi.tuvan@example.vn"}, "name": {"Tư vấn Mới"}}), http.StatusOK)
	adv, err := e.st.FindUserByEmail(ctx, "moi.tuvan@example.vn")
	if err != nil || adv.EmailVerified || messagesTo(t, e, store.KindVerifyEmail, adv.Email) != 1 {
		t.Fatalf("new advisor: %+v %v", adv, err)
	}
	e.fx.Clock.Add(auth.LinkGap)
	must(t, admin.post("/admin/users/"+itoa(adv.ID)+"/password-reset", url.Values{"next": {"/admin/advisors"}}), http.StatusSeeOther)
	if messagesTo(t, e, "account.reset", adv.Email) != 0 || messagesTo(t, e, store.KindVerifyEmail, adv.Email) != 2 {
		t.Fatal("an unverified advisor got a reset link, or no verification link")
	}
}

// A Vietnamese passphrase set from one keyboard (NFC, Unikey "Unicode
// dựng sẵn") signs in when typed on another that sends decomposed letters
// (NFD, Unikey "Unicode tổ hợp", macOS): NIST SP 800-63B §5.1.1.2.
func TestDecomposedPassphraseSignsIn(t *testing.T) {
	e := newEnv(t)
	registerAs(t, e, "3709000037", "", "nfc@example.vn", "vi") // claimPassword, NFC: "mật khẩu đủ dài"
	nfd := "ma\u0323\u0302t kha\u0302\u0309u \u0111u\u0309 da\u0300i"
	c := e.client()
	if r := c.post("/login", values("email", "nfc@example.vn", "password", nfd)); r.status != http.StatusSeeOther {
		t.Fatalf("the same passphrase typed decomposed (NFD) is refused: %d", r.status)
	}
}

// confirm follows the confirmation link mailed to email in c's browser and
// enters password, the one chosen at registration (or shown to the admin
// who made the account), as a new user does before signing in
// (verify_confirm.go): the address is confirmed and c is signed in.
func (c *client) confirm(email, password string) *client {
	c.e.t.Helper()
	link := linkIn(c.e.t, c.e, store.KindVerifyEmail, email, "/verify-email/")
	must(c.e.t, c.get(link), http.StatusOK, `id="verify-submit"`)
	must(c.e.t, c.post(link, values("current", password)), http.StatusSeeOther)
	return c
}
