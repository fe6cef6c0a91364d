package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestJourneyAPIKey: the demo admin opens API keys from the Center's start
// page, issues a key for the IOC and reads it once; the IOC reads the feed
// with it; a reload no longer shows it; the admin revokes it (confirming
// the dialog) and the feed refuses it.
func TestJourneyAPIKey(t *testing.T) {
	db := filepath.Join(t.TempDir(), "apikey.db")
	const password = "mật khẩu hành trình khoá API"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "300")
	bctx := browser(t)
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	// The revoke button's confirmation is accepted by a second goroutine,
	// as the browser waits for it (chromedp's own example).
	asked := make(chan string, 1)
	events := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			asked <- ev.Message
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), "admin@demo.local"), chromedp.SendKeys(css("#password"), password),
		chromedp.Submit(css("#password")), chromedp.WaitVisible(css("#twofactor-start")))
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	enrolTwoFactor(t, ctx, "admin")
	err = chromedp.Do(ctx,
		chromedp.Click(css("#codes-done")), chromedp.WaitVisible(css("#center-apikeys")),
		chromedp.Click(css("#center-apikeys a")), chromedp.WaitVisible(css("#apikey-form")),
		chromedp.SendKeys(css("#name"), "Bảng điều hành IOC"), chromedp.SendKeys(css("#owner"), "Sở KH&CN – anh Nam"),
		chromedp.Click(css("#apikey-create")), chromedp.WaitVisible(css("#apikey-secret")))
	if err != nil {
		t.Fatalf("issue a key: %v", err)
	}
	screenshot(t, ctx, "apikey-issued")
	key := text(t, ctx, "#apikey-secret")
	if !strings.HasPrefix(key, "dxr_") || len(key) != 47 {
		t.Fatalf("the key shown: %q", key)
	}
	if got := feed(t, base, key); got != http.StatusOK {
		t.Fatalf("the IOC with its new key: %d", got)
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(css("#apikey-list"))); err != nil {
		t.Fatal(err)
	}
	body, _ := chromedp.Run(ctx, chromedp.OuterHTML(css("body")))
	if strings.Contains(body, key) || !strings.Contains(body, key[:12]) {
		t.Fatal("after a reload the page still shows the key, or not its prefix")
	}
	if err := chromedp.Do(ctx, chromedp.Click(css(`#apikey-list button[id^="revoke-"]`)), chromedp.WaitNotPresent(css(`#apikey-list button[id^="revoke-"]`))); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	select {
	case msg := <-asked:
		if !strings.Contains(msg, "Bảng điều hành IOC") {
			t.Errorf("the confirmation asks %q", msg)
		}
	default:
		t.Error("revoking asked for no confirmation")
	}
	screenshot(t, ctx, "apikey-revoked")
	if got := feed(t, base, key); got != http.StatusUnauthorized {
		t.Errorf("the revoked key: %d", got)
	}
}

// feed is the status of the IOC's request to the catalogue with key.
func feed(t *testing.T, base, key string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/indicators", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
