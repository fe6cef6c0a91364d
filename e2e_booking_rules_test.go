package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestJourneyBookingRulesAcrossRoles: a firm with a result books the first
// advisor suggested to it; the advisor opens the result the booking shares
// from the booking page (it loads, no 404); once the consultation has
// started the firm's booking page offers neither cancel nor reschedule,
// and a cancel or move forced from the browser is refused by the server
// and changes nothing.
//
// The portal's clock cannot be moved from outside yet, so "once it has
// started" is reached as the other journeys reach it: by moving the
// booking into the past in the database.
func TestJourneyBookingRulesAcrossRoles(t *testing.T) {
	db := filepath.Join(t.TempDir(), "rules.db")
	const password = "mật khẩu hành trình quy tắc"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "300")
	conn, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var firmEmail string // a demo firm user whose firm has a result to share
	if err := conn.QueryRow(`SELECT u.email FROM users u JOIN current_results c ON c.firm_id = u.firm_id
		WHERE u.role = 'firm' ORDER BY u.id LIMIT 1`).Scan(&firmEmail); err != nil {
		t.Fatalf("a demo firm with a result: %v", err)
	}
	bctx := browser(t)
	ctx, cancel := context.WithTimeout(bctx, 120*time.Second)
	defer cancel()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	login := func(email string) {
		t.Helper()
		// Signed out first: a signed-in page already shows #logout, which
		// would end the wait below before the new session exists.
		if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
			t.Fatalf("sign out: %v", err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("#email")),
			chromedp.SendKeys(css("#email"), email), chromedp.SendKeys(css("#password"), password),
			chromedp.Submit(css("#password")), chromedp.WaitNotPresent(css("#login-submit")), chromedp.WaitVisible(css("#logout"))); err != nil {
			t.Fatalf("login %s: %v", email, err)
		}
	}
	login(firmEmail)
	err = chromedp.Do(ctx,
		chromedp.Click(css(`a[href="/advisors"]`)),
		chromedp.WaitVisible(css("#suggested .reason")),
		chromedp.Click(css("#suggested li:first-child a.slot")),
		chromedp.WaitVisible(css("#share-notice")),
		chromedp.Click(css(`input[name="pillar"]`)),
		chromedp.Click(css("#confirm-booking")),
		chromedp.WaitVisible(css("#booking-when")),
		chromedp.WaitVisible(css("#cancel-booking")), // before the start the firm may cancel
	)
	if err != nil {
		t.Fatalf("booking: %v", err)
	}
	screenshot(t, ctx, "30-booked")
	var id, startAt, endAt int64
	var advisorEmail string
	if err := conn.QueryRow(`SELECT b.id, b.start_at, b.end_at, u.email FROM bookings b JOIN users u ON u.id = b.advisor_id`).Scan(&id, &startAt, &endAt, &advisorEmail); err != nil {
		t.Fatal(err)
	}
	bookingPath := "/bookings/" + strconv.FormatInt(id, 10)

	// The advisor opens the shared result from the booking page.
	login(advisorEmail)
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+bookingPath),
		chromedp.WaitVisible(css("#shared-result")),
		chromedp.Click(css("#shared-result")),
		chromedp.WaitVisible(css("#level-name")),
	)
	if err != nil {
		t.Fatalf("the advisor opens the shared result: %v", err)
	}
	screenshot(t, ctx, "31-shared-result")
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.Contains(loc, "/assessment/") || !strings.HasSuffix(loc, "/result") {
		t.Fatalf("the advisor landed on %q (%v)", loc, err)
	}

	// The consultation starts: half an hour ago, for an hour.
	now := time.Now()
	started := now.Add(-30 * time.Minute).Unix()
	if _, err := conn.Exec("UPDATE bookings SET start_at = ?, end_at = ? WHERE id = ?", started, started+endAt-startAt, id); err != nil {
		t.Fatal(err)
	}
	login(firmEmail)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+bookingPath), chromedp.WaitVisible(css("#booking-status"))); err != nil {
		t.Fatalf("the firm's booking page: %v", err)
	}
	screenshot(t, ctx, "32-started")
	for _, sel := range []string{"#cancel-booking", "#cancel-form", "#reschedule", "#reschedule-form"} {
		if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))); err != nil || n != 0 {
			t.Fatalf("after the start the firm's page has %s (%d, %v)", sel, n, err)
		}
	}
	// A cancel and a move forced from the page: the server refuses both.
	for _, post := range []struct{ path, body string }{
		{bookingPath + "/cancel", "reason=Kh%C3%B4ng+c%E1%BA%A7n+n%E1%BB%AFa"},
		{bookingPath + "/reschedule", "start=" + strconv.FormatInt(now.Add(72*time.Hour).Unix(), 10)},
	} {
		js := fmt.Sprintf(`fetch(%q, {method: "POST", redirect: "manual", headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: %q})
			.then(r => r.text().then(t => r.status + " " + t))`, post.path, post.body)
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
		if err != nil || !strings.HasPrefix(got, "409 ") || !strings.Contains(got, "không thể huỷ hay đổi giờ") {
			t.Fatalf("forced POST %s: %.200q %v", post.path, got, err)
		}
	}
	var status string
	var start int64
	if err := conn.QueryRow("SELECT status, start_at FROM bookings WHERE id = ?", id).Scan(&status, &start); err != nil {
		t.Fatal(err)
	}
	if status != "confirmed" || start != started {
		t.Fatalf("after refused POSTs the booking is %s at %d", status, start)
	}
}
