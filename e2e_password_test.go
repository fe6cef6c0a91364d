package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestJourneyForgotPassword: a firm registers; before its address is
// confirmed it cannot sign in, and the sign-in page sends the link again;
// it confirms its address by the link from the outbox; a second browser
// signs in; the first asks for
// a new password, follows the link from the outbox and sets one; the
// second browser's session is gone, and the new password signs in.
func TestJourneyForgotPassword(t *testing.T) {
	db := filepath.Join(t.TempDir(), "password.db")
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO", "false"))
	bctx := browser(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	const email, old, fresh = "quen@example.vn", "mật khẩu cũ của tôi", "mật khẩu mới hoàn toàn"
	// Two browsers with their own cookies: this one, and "other" below.
	ctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/register"),
		chromedp.WaitVisible(css("#register-submit")),
		chromedp.SendKeys(css("#tax_code"), "3709000100"),
		chromedp.SendKeys(css("#firm_name"), "Công ty TNHH Quên Mật Khẩu"),
		chromedp.SendKeys(css("#name"), "Phan Thị Quyên"),
		chromedp.SendKeys(css("#email"), email),
		chromedp.SendKeys(css("#password"), old),
		chromedp.SendKeys(css("#password_confirm"), old),
		chromedp.Click(css("#register-submit")),
		chromedp.WaitVisible(css("#login-submit")),
	)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	// The sign-in form is filled in with the address just registered.
	if got := value(t, ctx, "#email"); got != email {
		t.Fatalf("the sign-in form after registering holds %q", got)
	}
	// Unconfirmed, the right password is answered as a wrong one; the
	// page says to open the link first and sends it again.
	err = chromedp.Do(ctx,
		chromedp.SendKeys(css("#password"), old),
		chromedp.Click(css("#login-submit")),
		chromedp.WaitVisible(css("#login-problem")),
	)
	if err != nil {
		t.Fatalf("sign in before confirming: %v", err)
	}
	if got := text(t, ctx, "#login-problem"); !strings.Contains(got, "không đúng") {
		t.Fatalf("unconfirmed sign-in answered %q", got)
	}
	screenshot(t, ctx, "p0-unconfirmed-refused")
	err = chromedp.Do(ctx,
		chromedp.Click(css("#resend-link")),
		chromedp.WaitVisible(css("#resend-submit")),
		chromedp.SendKeys(css("#email"), email),
		chromedp.Click(css("#resend-submit")),
		chromedp.WaitVisible(css("#login-submit")),
	)
	if err != nil {
		t.Fatalf("send the link again: %v", err)
	}
	if got := text(t, ctx, ".flash"); !strings.Contains(got, "gửi lại đường dẫn xác nhận") {
		t.Fatalf("after sending the link again: %q", got)
	}
	// The link is read once the step before has queued it.
	// Its page asks for the password chosen at registration, confirms
	// and signs in.
	err = chromedp.Do(ctx, confirmByLink(base, outboxLink(t, db, "account.verify", email, "/verify-email/"), old),
		chromedp.WaitVisible(css("#firm-name")))
	if err != nil {
		t.Fatalf("confirm the address: %v", err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#verify-banner').length`)); err != nil || n != 0 {
		t.Fatalf("a banner on a confirmed account (%d, %v)", n, err)
	}
	screenshot(t, ctx, "p0-account-verified")
	other, cancelOther := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	defer cancelOther()
	other, cancelOther = context.WithTimeout(other, 90*time.Second)
	defer cancelOther()
	if err := signIn(other, base, email, old); err != nil {
		t.Fatalf("the other browser signs in: %v", err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(css("#logout")),
		chromedp.WaitVisible(css("#login-link")),
		chromedp.Click(css("#login-link")),
		chromedp.WaitVisible(css("#forgot-link")),
		chromedp.Click(css("#forgot-link")),
		chromedp.WaitVisible(css("#forgot-submit")),
		chromedp.SendKeys(css("#email"), email),
		chromedp.Click(css("#forgot-submit")),
		chromedp.WaitVisible(css("#login-submit")),
	)
	if err != nil {
		t.Fatalf("forgot password: %v", err)
	}
	screenshot(t, ctx, "p1-forgot-sent")
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+outboxLink(t, db, "account.reset", email, "/password/reset/")),
		chromedp.WaitVisible(css("#reset-submit")),
		chromedp.SendKeys(css("#password"), "matkhau12345"), // on the list of common passwords
		chromedp.SendKeys(css("#password_confirm"), "matkhau12345"),
		chromedp.Click(css("#reset-submit")),
		chromedp.WaitVisible(css(".field-error")),
	)
	if err != nil {
		t.Fatalf("a common password: %v", err)
	}
	if got := text(t, ctx, ".field-error"); !strings.Contains(got, "được dùng nhiều nhất") {
		t.Fatalf("common password refused with %q", got)
	}
	screenshot(t, ctx, "p2-reset-common")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(css("#password"), fresh),
		chromedp.SendKeys(css("#password_confirm"), fresh),
		chromedp.Click(css("#reset-submit")),
		chromedp.WaitVisible(css("#login-submit")),
	)
	if err != nil {
		t.Fatalf("set the new password: %v", err)
	}
	if got := value(t, ctx, "#email"); got != email {
		t.Fatalf("the sign-in form after the reset holds %q", got)
	}
	// The session the other browser opened before is gone.
	err = chromedp.Do(other,
		chromedp.Navigate(base+"/profile"),
		chromedp.WaitVisible(css("#login-submit")),
	)
	if err != nil {
		t.Fatalf("the old session still shows the profile: %v", err)
	}
	if err := signIn(ctx, base, email, fresh); err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}
	screenshot(t, ctx, "p3-signed-in-again")
}

// value is the value of the form field sel.
func value(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("value of %s: %v", sel, err)
	}
	return v
}

// confirmByLink opens the confirmation link at path and enters the
// password chosen at registration, as a new user does: the address is
// confirmed and the browser signed in; the caller waits for where it
// lands.
func confirmByLink(base, path, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+path),
		chromedp.WaitVisible(chromedp.CSS("#verify-submit")),
		chromedp.SendKeys(chromedp.CSS("#current"), password),
		chromedp.Click(chromedp.CSS("#verify-submit")),
	)
}

// signIn signs in on the login page and waits for the firm's profile.
func signIn(ctx context.Context, base, email, password string) error {
	return signInThen(ctx, base, email, password, "#firm-name")
}

// signInThen signs in on the login page and waits for the element then of
// the page the sign-in leads to.
func signInThen(ctx context.Context, base, email, password, then string) error {
	return chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#login-submit")),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS(then)),
	)
}

// outboxLink reads the newest message of kind to email from the database
// and returns the path of its link that starts with prefix (the message's
// host is the configured --addr, here port 0, so the caller adds the
// server's).
func outboxLink(t *testing.T, db, kind, email, prefix string) string {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var body string
	if err := conn.QueryRow("SELECT body FROM outbox WHERE kind = ? AND to_addr = ? ORDER BY id DESC LIMIT 1", kind, email).Scan(&body); err != nil {
		t.Fatalf("no %s message to %s: %v", kind, email, err)
	}
	link := regexp.MustCompile(regexp.QuoteMeta(prefix) + `[A-Za-z0-9_-]+`).FindString(body)
	if link == "" {
		t.Fatalf("no link in %q", body)
	}
	return link
}
