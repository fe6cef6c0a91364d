package main

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestJourneyTakeBackASquattedAddress: someone registers a victim's
// address with their own password; the victim, in a real browser, opens
// the confirmation mail they never asked for, cannot guess the squatter's
// password, chooses their own on the same page, lands on the sign-in
// form filled in with their address and signs in. The squatter's password
// no longer signs in.
func TestJourneyTakeBackASquattedAddress(t *testing.T) {
	db := filepath.Join(t.TempDir(), "verify.db")
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO", "false"))
	const victim, squatter, own = "nannhan@example.vn", "mật khẩu của kẻ lạ", "mật khẩu của chính tôi"
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, v url.Values) int {
		res, err := client.PostForm(base+path, v)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if st := post("/register", url.Values{"tax_code": {"3709000100"}, "firm_name": {"Công ty Kẻ Lạ"}, "name": {"Kẻ lạ"}, "email": {victim},
		"password": {squatter}, "password_confirm": {squatter}}); st != http.StatusSeeOther {
		t.Fatalf("the squatter registers: %d", st)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	ctx, cancel := chromedp.NewContext(browser(t), chromedp.WithNewBrowserContext())
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(360, 800),
		chromedp.Navigate(base+outboxLink(t, db, "account.verify", victim, "/verify-email/")),
		chromedp.WaitVisible(css("#verify-new-submit")),
		chromedp.SendKeys(css("#current"), "tôi không đăng ký gì cả"),
		chromedp.Click(css("#verify-submit")),
		chromedp.WaitVisible(css("#verify-problem")),
	)
	if err != nil {
		t.Fatalf("the link's page: %v", err)
	}
	if got := text(t, ctx, "#verify-problem"); !strings.Contains(got, "không phải mật khẩu đã chọn khi đăng ký") {
		t.Fatalf("a wrong password answered %q", got)
	}
	screenshot(t, ctx, "v0-confirm-wrong-password")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(css("#password"), own),
		chromedp.SendKeys(css("#password_confirm"), own+"x"),
		chromedp.Click(css("#verify-new-submit")),
		chromedp.WaitVisible(css("#password_confirm + .field-error")), // the mismatch, under the repeat field
	)
	if err != nil {
		t.Fatalf("a mismatched new password: %v", err)
	}
	screenshot(t, ctx, "v1-confirm-mismatch")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(css("#password"), own),
		chromedp.SendKeys(css("#password_confirm"), own),
		chromedp.Click(css("#verify-new-submit")),
		chromedp.WaitVisible(css("#login-submit")),
	)
	if err != nil {
		t.Fatalf("choose a new password: %v", err)
	}
	if got := value(t, ctx, "#email"); got != victim {
		t.Fatalf("the sign-in form holds %q", got)
	}
	screenshot(t, ctx, "v2-login-prefilled")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(css("#password"), own),
		chromedp.Click(css("#login-submit")),
		chromedp.WaitVisible(css("#firm-name")),
	)
	if err != nil {
		t.Fatalf("sign in with the new password: %v", err)
	}
	if st := post("/login", url.Values{"email": {victim}, "password": {squatter}}); st != http.StatusUnauthorized {
		t.Fatalf("the squatter's password: %d", st)
	}
}
