package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestJourneyPeopleDisableAUser: a lead is signed in; the Center's admin
// opens the people page from the cockpit, finds the lead by address,
// opens the account and disables it; the lead's next page is the sign-in
// page, saying the session ended.
func TestJourneyPeopleDisableAUser(t *testing.T) {
	db := filepath.Join(t.TempDir(), "people.db")
	const password = "mật khẩu hành trình người dùng"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "300")
	var lead string
	var leadID int64
	if err := readOnly(t, db).QueryRow(`SELECT email, id FROM users WHERE role = 'lead' AND status = 'active' ORDER BY id LIMIT 1`).Scan(&lead, &leadID); err != nil {
		t.Fatalf("a demo lead: %v", err)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	leadCtx := layoutBrowser(t)
	if err := signInThen(leadCtx, base, lead, password, "#logout"); err != nil {
		t.Fatalf("the lead signs in: %v", err)
	}
	ctx := layoutBrowser(t)
	signInAdmin(t, ctx, base, password, "people")
	person := `#people a[href="/admin/users/` + strconv.FormatInt(leadID, 10) + `"]`
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/center"),
		chromedp.Click(css("#center-people h2 a")),
		chromedp.WaitVisible(css("#people-search")),
		chromedp.SendKeys(css("#q"), lead),
		chromedp.Click(css("#people-search")),
	)
	if err == nil {
		// The unfiltered list may show the lead too: wait for the search's
		// own page (its address holds the query) before reading the count.
		err = pollAcrossNavigation(ctx, `location.search.includes('q=')`)
	}
	if err == nil {
		err = chromedp.Do(ctx, chromedp.WaitVisible(css(person)))
	}
	if err != nil {
		t.Fatalf("find the lead: %v", err)
	}
	if n := text(t, ctx, "#result-count"); n != "Tìm thấy 1 tài khoản." {
		t.Fatalf("the search found: %q", n)
	}
	screenshot(t, ctx, "people-1-found")
	err = chromedp.Do(ctx, chromedp.Click(css(person)), chromedp.WaitVisible(css("#disable-user")),
		chromedp.Click(css("#disable-user")), chromedp.WaitVisible(css("#enable-user")))
	if err != nil {
		t.Fatalf("disable the lead: %v", err)
	}
	if st := text(t, ctx, "#person-status"); st != "Đã khoá" {
		t.Fatalf("after disabling: status %q", st)
	}
	screenshot(t, ctx, "people-2-disabled")
	if err := chromedp.Do(leadCtx, chromedp.Navigate(base+"/associations"), chromedp.WaitVisible(css("#login-submit"))); err != nil {
		t.Fatalf("the disabled lead's next page: %v", err)
	}
	if body := text(t, leadCtx, "main"); !strings.Contains(body, "Phiên đăng nhập đã kết thúc") {
		t.Fatalf("the lead is not told the session ended: %.300s", body)
	}
}

// pollAcrossNavigation waits until expression is true on the page the
// browser ends on: a poll cut short by the navigation it waits for is
// started again on the new page.
func pollAcrossNavigation(ctx context.Context, expression string) error {
	var err error
	for range 5 {
		// The page's context goes away under the poll as the browser
		// leaves it (CDP answers -32000: "navigated or closed", "Cannot
		// find context").
		if _, err = chromedp.Run(ctx, chromedp.Poll[bool](expression, chromedp.WithPollingTimeout(30*time.Second))); err == nil ||
			!strings.Contains(err.Error(), "-32000") {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}
