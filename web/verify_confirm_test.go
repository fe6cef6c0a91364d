package web

import (
	"crypto/sha256"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"dxready/auth"
	"dxready/store"
)

const squatterPassword = "mật khẩu của kẻ chiếm chỗ"

// squat registers email for a new firm with the squatter's password, from
// the squatter's own browser, which is returned.
func squat(t *testing.T, e *env, email string) *client {
	t.Helper()
	c := e.client()
	must(t, c.post("/register", url.Values{"tax_code": {"3709000100"}, "firm_name": {"Công ty Chiếm Chỗ"}, "name": {"Kẻ lạ"},
		"email": {email}, "password": {squatterPassword}, "password_confirm": {squatterPassword}}), http.StatusSeeOther)
	return c
}

// plantSession gives c a session of user id, as an account made before
// the sign-in rule for unconfirmed accounts may still hold one.
func plantSession(t *testing.T, e *env, c *client, id int64) {
	t.Helper()
	token := "phien-cu-cua-ke-chiem-cho"
	h := sha256.Sum256([]byte(token))
	now := e.fx.Clock.Now()
	if err := e.st.CreateSession(ctx, &store.Session{TokenHash: h[:], UserID: id, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(e.srv.URL)
	c.c.Jar.SetCookies(u, []*http.Cookie{{Name: e.web.sessionCookieName(), Value: token, Path: "/"}})
}

// The attack: a squatter registers the victim's address with a password of
// their own (and, here, even holds a session of the account). The victim
// gets a confirmation mail they never asked for and follows it; the link
// does not confirm by itself, and the victim chooses a new password on
// its page. The account is then the victim's: the squatter's password no
// longer signs in, the squatter's session is gone, the change is audited.
func TestPreAccountHijackEndsWhenTheOwnerChoosesAPassword(t *testing.T) {
	e := newEnv(t)
	const victim = "nannhan@example.vn"
	squatter := squat(t, e, victim)
	u, err := e.st.FindUserByEmail(ctx, victim)
	if err != nil {
		t.Fatal(err)
	}
	plantSession(t, e, squatter, u.ID)
	must(t, squatter.get("/profile"), http.StatusOK, "Công ty Chiếm Chỗ")

	owner := e.client()
	link := linkIn(t, e, store.KindVerifyEmail, victim, "/verify-email/")
	must(t, owner.get(link), http.StatusOK, "mật khẩu bạn đã chọn khi đăng ký", "Tôi không đăng ký", `id="verify-new-submit"`)
	if u, _ := e.st.FindUserByEmail(ctx, victim); u.EmailVerified {
		t.Fatal("opening the link confirmed the squatter's account")
	}
	must(t, owner.post(link, values("current", "tôi không biết mật khẩu")), http.StatusUnauthorized, "Đây không phải mật khẩu đã chọn khi đăng ký")
	r := owner.post(link+"/password", values("password", "mật khẩu của chủ thật", "password_confirm", "mật khẩu của chủ thật"))
	must(t, r, http.StatusSeeOther)
	if r.header.Get("Location") != "/login?email=nannhan%40example.vn" {
		t.Fatalf("after the new password: %q", r.header.Get("Location"))
	}
	must(t, owner.get(r.header.Get("Location")), http.StatusOK, "mật khẩu mới đã được lưu", `value="nannhan@example.vn"`)

	if r := squatter.get("/profile"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Fatalf("the squatter's session survived: %d %s", r.status, r.header.Get("Location"))
	}
	must(t, e.client().signInWith(victim, squatterPassword), http.StatusUnauthorized)
	must(t, owner.signInWith(victim, "mật khẩu của chủ thật"), http.StatusSeeOther)
	if log, _ := e.st.AuditEntries(ctx, "password.set_at_confirmation", 5); len(log) != 1 || log[0].UserID != u.ID {
		t.Fatalf("audit: %+v", log)
	}
	// The link is spent: the squatter cannot use it either way afterwards.
	must(t, squatter.post(link+"/password", values("password", "kẻ lạ đặt lại lần nữa", "password_confirm", "kẻ lạ đặt lại lần nữa")),
		http.StatusGone, "đã được dùng")
	must(t, squatter.post(link, values("current", squatterPassword)), http.StatusGone)
}

// The page of the link confirms only with the registration's password (and
// signs in to the start page) or with a new password that passes the
// rules; a GET, a forged, used or expired link confirm nothing.
func TestConfirmationLinkAsksForThePassword(t *testing.T) {
	e := newEnv(t)
	const email = "moi@example.vn"
	c := squat(t, e, email) // here the registrant is the owner
	link := linkIn(t, e, store.KindVerifyEmail, email, "/verify-email/")
	must(t, e.client().get(link+"?lang=en"), http.StatusOK, "enter the password you chose when you registered")
	must(t, c.get(link), http.StatusOK) // twice: a GET spends nothing
	common := c.post(link+"/password", values("password", "matkhau123", "password_confirm", "matkhau123"))
	must(t, common, http.StatusUnprocessableEntity, "được dùng nhiều nhất")
	mismatch := c.post(link+"/password", values("password", "mật khẩu mới khá dài", "password_confirm", "khác hẳn"))
	must(t, mismatch, http.StatusUnprocessableEntity, "Hai mật khẩu không giống nhau")
	tok := strings.TrimPrefix(link, "/verify-email/")
	for _, forged := range []string{tok[:len(tok)-1], tok + "A", "x"} {
		must(t, c.post("/verify-email/"+forged, values("current", squatterPassword)), http.StatusGone, "không hợp lệ")
		must(t, c.post("/verify-email/"+forged+"/password", values("password", "kẻ gian đặt mật khẩu", "password_confirm", "kẻ gian đặt mật khẩu")),
			http.StatusGone, "không hợp lệ")
	}
	if u, _ := e.st.FindUserByEmail(ctx, email); u.EmailVerified {
		t.Fatal("confirmed before the password was given")
	}
	must(t, c.signInWith(email, squatterPassword), http.StatusUnauthorized)
	r := c.post(link, values("current", squatterPassword))
	must(t, r, http.StatusSeeOther)
	if r.header.Get("Location") != "/profile" {
		t.Fatalf("after confirming: %q", r.header.Get("Location"))
	}
	must(t, c.get("/profile"), http.StatusOK, "Công ty Chiếm Chỗ")
	if u, _ := e.st.FindUserByEmail(ctx, email); !u.EmailVerified {
		t.Fatal("not confirmed")
	}
	must(t, c.get(link), http.StatusGone, "đã được dùng")
	must(t, c.post(link, values("current", squatterPassword)), http.StatusGone)

	// An expired link confirms nothing, whatever the password.
	late := squat(t, e, "muon@example.vn")
	lateLink := linkIn(t, e, store.KindVerifyEmail, "muon@example.vn", "/verify-email/")
	e.fx.Clock.Add(auth.VerifyLinkTTL)
	must(t, late.get(lateLink), http.StatusGone, "hết hạn")
	must(t, late.post(lateLink, values("current", squatterPassword)), http.StatusGone, "hết hạn")
	must(t, late.post(lateLink+"/password", values("password", "mật khẩu quá muộn", "password_confirm", "mật khẩu quá muộn")), http.StatusGone)
	if u, _ := e.st.FindUserByEmail(ctx, "muon@example.vn"); u.EmailVerified {
		t.Fatal("an expired link confirmed")
	}
}

// Guessing the registration's password on the link's page is guessing a
// sign-in: the failures are counted by the sign-in throttle (against the
// account: opening the link gives no device cookie), the guesser is slowed
// as on the sign-in page, and while waiting even the right password is
// refused before it is checked.
func TestWrongPasswordsOnTheConfirmPageAreThrottled(t *testing.T) {
	e := newEnv(t)
	const email = "doan@example.vn"
	c := squat(t, e, email)
	link := linkIn(t, e, store.KindVerifyEmail, email, "/verify-email/")
	must(t, c.get(link), http.StatusOK)
	refusedAt := 0
	for i := 1; i <= freeFailures+3 && refusedAt == 0; i++ {
		if r := c.post(link, values("current", "đoán mò lần thứ n")); r.status == http.StatusTooManyRequests {
			refusedAt = i
		} else if r.status != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i, r.status)
		}
	}
	if refusedAt != freeFailures+2 {
		t.Fatalf("guesses refused from the %d-th (want %d)", refusedAt, freeFailures+2)
	}
	must(t, c.post(link, values("current", squatterPassword)), http.StatusTooManyRequests, "giây")
	if u, _ := e.st.FindUserByEmail(ctx, email); u.EmailVerified {
		t.Fatal("confirmed while throttled")
	}
	e.fx.Clock.Add(maxDelay)
	must(t, c.post(link, values("current", squatterPassword)), http.StatusSeeOther)
	if _, err := e.st.CheckLink(ctx, auth.LinkVerify, linkHash(strings.TrimPrefix(link, "/verify-email/"))); !errors.Is(err, store.ErrLinkUsed) {
		t.Fatalf("link after confirming: %v", err)
	}
}
