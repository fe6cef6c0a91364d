package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestJourneyConsultationRating: a consultation is held; the firm opens
// the rating link of the email (read from the outbox) while signed out,
// rates it 4 with a comment; the advisor finds it on their schedule, and
// the Center's quality page counts it.
func TestJourneyConsultationRating(t *testing.T) {
	db := filepath.Join(t.TempDir(), "quality.db")
	const password = "mật khẩu chất lượng tư vấn"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "300")
	ctx, cancel := context.WithTimeout(browser(t), 120*time.Second)
	defer cancel()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	signOut := func() {
		t.Helper()
		if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
			t.Fatalf("sign out: %v", err)
		}
	}
	login := func(email string) {
		t.Helper()
		signOut()
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("#email")),
			chromedp.SendKeys(css("#email"), email), chromedp.SendKeys(css("#password"), password),
			chromedp.Submit(css("#password")), chromedp.WaitNotPresent(css("#login-submit")), chromedp.WaitVisible(css("#logout"))); err != nil {
			t.Fatalf("login %s: %v", email, err)
		}
	}
	login("firm1@demo.local")
	err := chromedp.Do(ctx, chromedp.Navigate(base+"/advisors"), chromedp.WaitVisible(css("#suggested .reason")),
		chromedp.Click(css("#suggested li:first-child a.slot")), chromedp.WaitVisible(css("#share-notice")),
		chromedp.Click(css(`input[name="pillar"]`)), chromedp.Click(css("#confirm-booking")), chromedp.WaitVisible(css("#booking-when")))
	if err != nil {
		t.Fatalf("booking: %v", err)
	}
	conn, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var id, startAt, endAt int64
	var advisorEmail string
	if err := conn.QueryRow(`SELECT b.id, b.start_at, b.end_at, u.email FROM bookings b JOIN users u ON u.id = b.advisor_id`).Scan(&id, &startAt, &endAt, &advisorEmail); err != nil {
		t.Fatal(err)
	}
	// The consultation is over, as the clock would have it.
	now := time.Now()
	if _, err := conn.Exec("UPDATE bookings SET start_at = ?, end_at = ? WHERE id = ?", now.Add(-2*time.Hour).Unix(), now.Add(-2*time.Hour).Unix()+endAt-startAt, id); err != nil {
		t.Fatal(err)
	}
	booking := "/bookings/" + strconv.FormatInt(id, 10)
	login(advisorEmail)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+booking), chromedp.WaitVisible(css("#mark-done")), chromedp.Click(css("#mark-done")),
		chromedp.WaitVisible(css("#booking-status.status-done"))); err != nil {
		t.Fatalf("held: %v", err)
	}
	// The firm's email, from the outbox; opened signed out.
	link := outboxLink(t, db, "booking.rating", "firm1@demo.local", "/rate/"+strconv.FormatInt(id, 10)+"/")
	signOut()
	const comment = "Rất hữu ích <b>thật</b>"
	err = chromedp.Do(ctx, chromedp.Navigate(base+link), chromedp.WaitVisible(css("#rating-form")),
		chromedp.Click(css("#rating-4")), chromedp.SendKeys(css("#comment"), comment), chromedp.Click(css("#rating-submit")),
		chromedp.WaitVisible(css("#rating-thanks")))
	if err != nil {
		t.Fatalf("rating: %v", err)
	}
	screenshot(t, ctx, "60-rated")
	login(advisorEmail)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/schedule"), chromedp.WaitVisible(css("#my-ratings"))); err != nil {
		t.Fatalf("schedule: %v", err)
	}
	if got := text(t, ctx, "#my-ratings"); !strings.Contains(got, comment) || !strings.Contains(got, "4 sao") {
		t.Fatalf("the advisor's ratings say %q", got)
	}
	screenshot(t, ctx, "61-advisor-ratings")
	signOut()
	signInAdmin(t, ctx, base, password, "quality")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/center"), chromedp.Click(css("#quality-card h2 a")),
		chromedp.WaitVisible(css("#quality-advisors"))); err != nil {
		t.Fatalf("quality page: %v", err)
	}
	screenshot(t, ctx, "62-quality")
	if got := text(t, ctx, "#quality-advisors"); !strings.Contains(got, "1 lượt, chưa đủ") {
		t.Fatalf("the quality page does not count the rating: %q", got)
	}
	if got := text(t, ctx, "#quality-quarters tbody tr:first-child"); !strings.Contains(got, "100%") {
		t.Fatalf("the quarter's held rate: %q", got)
	}
}
