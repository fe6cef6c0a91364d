package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// browser starts Debian's headless Chromium for one test. Outside CI a
// machine without Chromium skips the test; in CI (CI=true) it fails, so a
// green CI always means the journey ran.
func browser(t *testing.T) context.Context {
	t.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("Chromium is not installed; CI must install it (apt-get install chromium)")
		}
		t.Skip("Chromium is not installed")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("accept-lang", "vi-VN,vi"), chromedp.WindowSize(412, 900)) // a phone-sized window
	// A start is tried up to three times: on a loaded machine Chromium
	// has once crashed while starting (crashpad's "no stack mapping"),
	// which says nothing of the portal, and a red CI lands nothing. A
	// browser that started is never retried: the journeys' own failures
	// are not.
	var errs []error
	for range 3 {
		// a profile of its own each time: a crash may leave its locks behind
		actx, cancelA := chromedp.NewExecAllocator(context.Background(), append(opts, chromedp.UserDataDir(t.TempDir()))...)
		ctx, cancelB := chromedp.NewContext(actx)
		err := chromedp.Do(ctx) // start the browser; no timeout on the first call
		if err == nil {
			t.Cleanup(func() { cancelB(); cancelA() })
			return ctx
		}
		cancelB()
		cancelA()
		t.Logf("start Chromium: %v", err)
		errs = append(errs, err)
	}
	t.Fatalf("start Chromium, three times: %v", errors.Join(errs...))
	return nil
}

// allowDownloads lets the browser save downloads into a new temporary
// folder, which it returns.
func allowDownloads(t *testing.T, ctx context.Context) string {
	t.Helper()
	dir := t.TempDir()
	truth := true
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &truth}); err != nil {
		t.Fatalf("downloads: %v", err)
	}
	return dir
}

// screenshot keeps a PNG of the page when DXREADY_SCREENSHOTS names a folder.
func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("DXREADY_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	}
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// TestJourneyRegisterLoginLanguageProfile: a firm registers, logs out, logs
// in again, switches to English and sees its profile, in a real browser.
func TestJourneyRegisterLoginLanguageProfile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "e2e.db")
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO", "false"))
	bctx := browser(t)
	ctx, cancel := context.WithTimeout(bctx, 60*time.Second)
	defer cancel()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	const firm = "Công ty TNHH Nội thất Thử nghiệm"
	const password = "mật khẩu của hành trình"

	// A mistake first: a tax code with a wrong check digit is refused in Vietnamese, and the typed values stay.
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.Click(css("#register-link")),
		chromedp.WaitVisible(css("#register-submit")),
		chromedp.SendKeys(css("#tax_code"), "3709000101"),
		chromedp.SendKeys(css("#firm_name"), firm),
		chromedp.SendKeys(css("#name"), "Nguyễn Thị Ánh"),
		chromedp.SendKeys(css("#email"), "anh@example.vn"),
		chromedp.SendKeys(css("#password"), password),
		chromedp.SendKeys(css("#password_confirm"), password),
		chromedp.Click(css("#register-submit")),
		chromedp.WaitVisible(css(".field-error")),
	)
	if err != nil {
		t.Fatalf("register with a bad tax code: %v", err)
	}
	if got := text(t, ctx, ".field-error"); !strings.Contains(got, "chữ số kiểm tra") {
		t.Fatalf("error = %q", got)
	}
	screenshot(t, ctx, "1-register-error")
	err = chromedp.Do(ctx,
		chromedp.SetValue(css("#tax_code"), "3709000100"),
		chromedp.SendKeys(css("#password"), password),
		chromedp.SendKeys(css("#password_confirm"), password),
		chromedp.Click(css("#register-submit")),
		// Registration says to check the inbox, whether or not the address
		// had an account; the new user opens the link, then signs in.
		chromedp.WaitVisible(css("#login-submit")),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			link := outboxLink(t, db, "account.verify", "anh@example.vn", "/verify-email/")
			_, err := confirmByLink(base, link, password)(ctx, tg)
			return err
		}),
		chromedp.WaitVisible(css("#firm-name")),
	)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	if got := text(t, ctx, "#firm-name"); got != firm {
		t.Fatalf("profile shows %q", got)
	}
	screenshot(t, ctx, "2-profile-vi")

	err = chromedp.Do(ctx,
		chromedp.Click(css("#logout")),
		chromedp.WaitVisible(css("#login-link")),
		chromedp.Click(css("#login-link")),
		chromedp.WaitVisible(css("#login-submit")),
		chromedp.SendKeys(css("#email"), "anh@example.vn"),
		chromedp.SendKeys(css("#password"), password),
		chromedp.Click(css("#login-submit")),
		chromedp.WaitVisible(css("#firm-name")),
		chromedp.Click(css("#lang-switch")),
		chromedp.WaitVisible(css(`html[lang="en"] #firm-tax-code`)),
	)
	if err != nil {
		t.Fatalf("log out, log in, switch language: %v", err)
	}
	if h1 := text(t, ctx, "h1"); h1 != "My firm" {
		t.Fatalf("English heading = %q", h1)
	}
	if tc := text(t, ctx, "#firm-tax-code"); tc != "3709000100" {
		t.Fatalf("tax code = %q", tc)
	}
	if notice := text(t, ctx, "#profile-incomplete"); !strings.Contains(notice, "lacks") {
		t.Fatalf("incomplete-profile notice = %q", notice)
	}
	screenshot(t, ctx, "3-profile-en")

	// The language sticks across pages through its cookie.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitVisible(css("h1"))); err != nil {
		t.Fatal(err)
	}
	if h1 := text(t, ctx, "h1"); !strings.Contains(h1, "How ready") {
		t.Fatalf("home heading after switching = %q", h1)
	}
}
