package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestJourneyBookOnBehalf: a firm calls the 1022 hotline; the Center's
// admin opens the firm's record, books the first slot offered on its
// behalf, and the booking says it was booked by the Center on the firm's
// behalf; the firm's users are told through the outbox.
func TestJourneyBookOnBehalf(t *testing.T) {
	db := filepath.Join(t.TempDir(), "behalf.db")
	const password = "mật khẩu đặt lịch thay mặt"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "300")
	ctx, cancel := context.WithTimeout(browser(t), 90*time.Second)
	defer cancel()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	conn, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A demo firm with a verified user and no consultation booked yet.
	var firmID int64
	var email string
	err = conn.QueryRow(`SELECT u.firm_id, u.email FROM users u WHERE u.role = 'firm' AND u.status = 'active' AND u.firm_verified_at IS NOT NULL
		AND u.email_verified_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.firm_id = u.firm_id) ORDER BY u.id LIMIT 1`).Scan(&firmID, &email)
	if err != nil {
		t.Fatalf("a demo firm to book for: %v", err)
	}
	signInAdmin(t, ctx, base, password, "behalf")
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/firms/"+strconv.FormatInt(firmID, 10)),
		chromedp.Click(css("#book-on-behalf")),
		chromedp.WaitVisible(css("#on-behalf-notice")),
		chromedp.Click(css("a.slot")),
		chromedp.WaitVisible(css("#book-form")),
	)
	if err != nil {
		t.Fatalf("the firm's slots: %v", err)
	}
	// At least one pillar ticked (the form ticks the firm's weakest when
	// it has a result).
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('input[name="pillar"]').checked = true`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx, chromedp.SendKeys(css("#note"), "Gọi qua đường dây nóng 1022"), chromedp.Click(css("#confirm-booking")),
		chromedp.WaitVisible(css("#booking-on-behalf")))
	if err != nil {
		t.Fatalf("booking on the firm's behalf: %v", err)
	}
	screenshot(t, ctx, "book-on-behalf")
	if got := text(t, ctx, "#booking-on-behalf"); !strings.Contains(got, "Trung tâm, thay mặt doanh nghiệp") {
		t.Fatalf("the booking says %q", got)
	}
	var onBehalf bool
	var bookedBy string
	err = conn.QueryRow(`SELECT b.on_behalf, u.email FROM bookings b JOIN users u ON u.id = b.booked_by WHERE b.firm_id = ?`, firmID).Scan(&onBehalf, &bookedBy)
	if err != nil || !onBehalf || bookedBy != "admin@demo.local" {
		t.Fatalf("the booking's record: %v %v %q", err, onBehalf, bookedBy)
	}
	var n int
	for range 50 {
		if err := conn.QueryRow(`SELECT COUNT(*) FROM outbox WHERE kind = 'booking.confirmed' AND to_addr = ? AND body LIKE '%thay mặt%'`, email).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if n != 1 {
		t.Fatalf("%d messages telling %s of the booking made on its behalf", n, email)
	}
	var audited int
	if err := conn.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'booking.on_behalf'`).Scan(&audited); err != nil || audited != 1 {
		t.Fatalf("audit entries: %d %v", audited, err)
	}
}
