package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"dxready/auth"
)

// TestJourneyTwoFactor: the demo admin signs in for the first time, is
// held at enrolment, reads the key off the page (as someone who cannot
// scan would), confirms a code, keeps the recovery codes, signs out and
// signs in again with the password and a TOTP code. Then a lead turns it
// on from the link in the header, by choice.
func TestJourneyTwoFactor(t *testing.T) {
	db := filepath.Join(t.TempDir(), "totp.db")
	const password = "mật khẩu hành trình hai bước"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "300")
	bctx := browser(t)
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	signIn := func(email string, then string) {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(css("#email")),
			chromedp.SendKeys(css("#email"), email),
			chromedp.SendKeys(css("#password"), password),
			chromedp.Submit(css("#password")),
			chromedp.WaitVisible(css(then)),
		)
		if err != nil {
			t.Fatalf("sign in %s: %v", email, err)
		}
	}
	// The admin's first sign-in leads to enrolment, and nowhere else.
	signIn("admin@demo.local", "#twofactor-start")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/admin/firms"), chromedp.WaitVisible(css("#twofactor-start"))); err != nil {
		t.Fatalf("an unenrolled admin reached the firm list: %v", err)
	}
	secret := enrolTwoFactor(t, ctx, "admin")
	if err := chromedp.Do(ctx, chromedp.Click(css("#codes-done")), chromedp.WaitVisible(css("#logout"))); err != nil {
		t.Fatalf("after the codes: %v", err)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.HasSuffix(loc, "/center") {
		t.Fatalf("after enrolment the admin is at %q: %v", loc, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(css("#logout")), chromedp.WaitVisible(css("#login-link"))); err != nil {
		t.Fatalf("logout: %v", err)
	}

	// Signing in again asks the code; this step's code was spent on
	// enrolment, so the app's next one is typed (one step ahead is allowed).
	signIn("admin@demo.local", "#code-submit")
	code, _ := auth.TOTPCode(secret, time.Now().Add(auth.TOTPPeriod))
	if err := chromedp.Do(ctx, chromedp.SendKeys(css("#code"), code), chromedp.Submit(css("#code")), chromedp.WaitVisible(css("#logout"))); err != nil {
		t.Fatalf("code step: %v", err)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.HasSuffix(loc, "/center") {
		t.Fatalf("the admin signed in with a code lands at %q: %v", loc, err)
	}
	screenshot(t, ctx, "totp-admin-signed-in")
	if err := chromedp.Do(ctx, chromedp.Click(css("#logout")), chromedp.WaitVisible(css("#login-link"))); err != nil {
		t.Fatalf("logout: %v", err)
	}

	// A lead turns it on by choice, from My account (the address in the
	// header).
	signIn("lead1@demo.local", "#account-link")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/account"), chromedp.WaitVisible(css("#account-twofactor")),
		chromedp.Click(css("#twofactor-link")), chromedp.WaitVisible(css("#twofactor-off"))); err != nil {
		t.Fatalf("lead's two-factor page: %v", err)
	}
	enrolTwoFactor(t, ctx, "lead")

	// The codes page's print and copy buttons run under the CSP (the
	// script unhides them); printed, the page is the codes and nothing
	// else; a reload shows them no more.
	printed := `(() => { const shown = el => el && el.getClientRects().length > 0;
		return !document.querySelector('#codes-actions').hidden && shown(document.querySelector('#recovery-codes')) &&
			!shown(document.querySelector('header')) && !shown(document.querySelector('#codes-done')) && !shown(document.querySelector('footer')) })()`
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](printed))
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""}); err != nil {
		t.Fatal(err)
	}
	if err != nil || !ok {
		t.Fatalf("codes page: buttons hidden, or the print rule shows more than the codes: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(css("#codes-left"))); err != nil {
		t.Fatalf("reloading the codes page: %v", err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#recovery-codes li').length`)); err != nil || n != 0 {
		t.Fatalf("a reload showed %d codes again: %v", n, err)
	}
}

// enrolTwoFactor turns on two-step sign-in from the page that offers it
// (#twofactor-start): it reads the key off the page (as someone who cannot
// scan would), enters its current code, checks the recovery codes are
// shown and returns the key.
func enrolTwoFactor(t *testing.T, ctx context.Context, who string) string {
	t.Helper()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	if err := chromedp.Do(ctx, chromedp.Click(css("#twofactor-start")), chromedp.WaitVisible(css("#twofactor-secret"))); err != nil {
		t.Fatalf("%s: setup page: %v", who, err)
	}
	// The page shows before its image has loaded (the server draws it): wait for the image, not for the page.
	if ok, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#twofactor-qr').complete && document.querySelector('#twofactor-qr').naturalWidth > 100`, chromedp.WithPollingTimeout(15*time.Second))); err != nil || !ok {
		t.Fatalf("%s: the QR code was not drawn: %v", who, err)
	}
	screenshot(t, ctx, "totp-setup-"+who)
	secret := strings.ReplaceAll(text(t, ctx, "#twofactor-secret"), " ", "")
	code, err := auth.TOTPCode(secret, time.Now())
	if err != nil {
		t.Fatalf("%s: key %q: %v", who, secret, err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(css("#code"), code), chromedp.Submit(css("#code")), chromedp.WaitVisible(css("#recovery-codes"))); err != nil {
		t.Fatalf("%s: confirm: %v", who, err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#recovery-codes li').length`)); err != nil || n != auth.RecoveryCodeCount {
		t.Fatalf("%s: %d recovery codes shown: %v", who, n, err)
	}
	return secret
}
