package main

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"dxready/advisors"
)

// TestJourneyBookingAndConsultation: a firm books the first advisor
// suggested to it and downloads the calendar file; the advisor finds the
// booking, marks the consultation done and adds an action item; the firm
// then sees the item in its action plan. The consultation is a day away
// at the earliest, so the test moves the booking into the past in the
// database, as the clock would.
func TestJourneyBookingAndConsultation(t *testing.T) {
	db := filepath.Join(t.TempDir(), "booking.db")
	const password = "mật khẩu hành trình đặt lịch"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "300")
	bctx := browser(t)
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	downloads := allowDownloads(t, ctx)
	login := func(email string) {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(css("#email")),
			chromedp.SendKeys(css("#email"), email),
			chromedp.SendKeys(css("#password"), password),
			chromedp.Submit(css("#password")),
			// Signed in as someone else, /login has a #logout of its own:
			// wait for the sign-in form to go before waiting for it.
			chromedp.WaitNotPresent(css("#login-submit")),
			chromedp.WaitVisible(css("#logout")),
		)
		if err != nil {
			t.Fatalf("login %s: %v", email, err)
		}
	}
	// The firm books the first suggested slot.
	login("firm1@demo.local")
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/advisors"),
		chromedp.WaitVisible(css("#suggested .reason")),
		chromedp.Click(css("#suggested li:first-child a.slot")),
		chromedp.WaitVisible(css("#share-notice")),
		chromedp.Click(css(`input[name="pillar"]`)),
		chromedp.SendKeys(css("#note"), "Muốn bắt đầu từ quản lý kho"),
		chromedp.Click(css("#confirm-booking")),
		chromedp.WaitVisible(css("#booking-when")),
	)
	if err != nil {
		t.Fatalf("booking: %v", err)
	}
	screenshot(t, ctx, "20-booked")
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
	start := time.Unix(startAt, 0)
	when := text(t, ctx, "#booking-when")
	if local := start.In(advisors.Zone).Format("02/01/2006 15:04"); !strings.Contains(when, local) || !strings.Contains(when, "(GMT+7)") {
		t.Fatalf("the page says %q for a booking at %s", when, local)
	}
	// The calendar file holds the same moment in UTC.
	if err := chromedp.Do(ctx, chromedp.Click(css("#download-ics"))); err != nil {
		t.Fatalf("ics: %v", err)
	}
	ics := waitForFile(t, downloads, "*.ics")
	if !strings.Contains(ics, "DTSTART:"+start.UTC().Format("20060102T150405Z")+"\r\n") || !strings.Contains(ics, "BEGIN:VEVENT\r\n") {
		t.Fatalf("the .ics does not hold %s:\n%s", start.UTC(), ics)
	}
	// An hour later than it ended: the clock has moved past the consultation.
	now := time.Now()
	if _, err := conn.Exec("UPDATE bookings SET start_at = ?, end_at = ? WHERE id = ?",
		now.Add(-2*time.Hour).Unix(), now.Add(-2*time.Hour).Unix()+endAt-startAt, id); err != nil {
		t.Fatal(err)
	}
	due := now.AddDate(0, 1, 0).In(advisors.Zone).Format(time.DateOnly)
	login(advisorEmail)
	err = chromedp.Do(ctx,
		chromedp.Click(css(`a[href="/bookings"]`)),
		chromedp.WaitVisible(css(`tr[data-booking="`+strconv.FormatInt(id, 10)+`"] a`)),
		chromedp.Click(css(`tr[data-booking="`+strconv.FormatInt(id, 10)+`"] a`)),
		chromedp.WaitVisible(css("#mark-done")),
		chromedp.Click(css("#mark-done")),
		chromedp.WaitVisible(css("#booking-status.status-done")),
		chromedp.WaitVisible(css("#action-text")),
		chromedp.SendKeys(css("#action-text"), "Chọn phần mềm quản lý kho"),
		chromedp.SetValue(css("#due"), due),
		chromedp.Click(css("#add-action")),
		chromedp.WaitVisible(css(".actions-plan li")),
	)
	if err != nil {
		t.Fatalf("advisor: %v", err)
	}
	screenshot(t, ctx, "21-consulted")
	if got := text(t, ctx, ".actions-plan li"); !strings.Contains(got, "Chọn phần mềm quản lý kho") {
		t.Fatalf("the advisor's plan shows %q", got)
	}
	// The firm sees the item in its action plan and ticks it off.
	login("firm1@demo.local")
	// By address, not by a click: the firm's start page (its draft, with
	// scripts) may still be settling when the sign-in's wait ends.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/bookings"),
		chromedp.WaitVisible(css("#plan")),
		chromedp.WaitVisible(css(".actions-plan li")),
	)
	if err != nil {
		t.Fatalf("firm plan: %v", err)
	}
	if got := text(t, ctx, ".actions-plan li"); !strings.Contains(got, "Chọn phần mềm quản lý kho") {
		t.Fatalf("the firm's plan shows %q", got)
	}
	if got := text(t, ctx, `tr[data-booking="`+strconv.FormatInt(id, 10)+`"] .status-done`); got == "" {
		t.Fatal("the firm does not see the consultation as done")
	}
	err = chromedp.Do(ctx,
		chromedp.Click(css(".actions-plan li button.tick")),
		chromedp.WaitVisible(css(`.actions-plan li.done`)),
	)
	if err != nil {
		t.Fatalf("tick: %v", err)
	}
	screenshot(t, ctx, "22-plan")
}

// waitForFile returns the text of the one file matching pattern in dir
// once the browser has finished writing it.
func waitForFile(t *testing.T, dir, pattern string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(dir, pattern))
		if len(files) == 1 {
			if b, err := os.ReadFile(files[0]); err == nil && len(b) > 0 {
				return string(b)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no %s downloaded into %s", pattern, dir)
	return ""
}
