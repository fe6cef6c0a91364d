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

// TestJourneyConsultationOnline: an advisor puts a meeting link on their
// profile; a firm reading the portal in English books them online; the
// booking page shows the link; the downloaded calendar file carries it as
// URL and LOCATION, titled in English; the confirmation in the outbox
// gives it too.
func TestJourneyConsultationOnline(t *testing.T) {
	db := filepath.Join(t.TempDir(), "online.db")
	const password = "mật khẩu hành trình trực tuyến"
	const link = "https://meet.example.org/dxready-tu-van?pwd=Online2026"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "300")
	bctx := browser(t)
	ctx, cancel := context.WithTimeout(bctx, 120*time.Second)
	defer cancel()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	downloads := allowDownloads(t, ctx)
	login := func(email string) {
		t.Helper()
		err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("#email")),
			chromedp.SendKeys(css("#email"), email), chromedp.SendKeys(css("#password"), password), chromedp.Submit(css("#password")),
			chromedp.WaitNotPresent(css("#login-submit")), chromedp.WaitVisible(css("#logout")))
		if err != nil {
			t.Fatalf("login %s: %v", email, err)
		}
	}
	// The firm's first suggested slot names the advisor it will book.
	login("firm1@demo.local")
	err := chromedp.Do(ctx, chromedp.Navigate(base+"/advisors"), chromedp.WaitVisible(css("#suggested li:first-child a.slot")))
	if err != nil {
		t.Fatalf("advisors: %v", err)
	}
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(css("#suggested li:first-child a.slot"), "href"))
	slot := attr.Value
	if err != nil || !strings.HasPrefix(slot, "/advisors/") {
		t.Fatalf("slot link %q: %v", slot, err)
	}
	advisorID := strings.Split(slot, "/")[2]
	advisorEmail := queryString(t, db, "SELECT email FROM users WHERE id = ?", advisorID)

	// The advisor sets the link (and offers online consultations).
	login(advisorEmail)
	err = chromedp.Do(ctx, chromedp.Navigate(base+"/advisors/"+advisorID+"/edit"), chromedp.WaitVisible(css("#meeting_url")))
	if err != nil {
		t.Fatalf("advisor profile: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('input[name="online"]').checked = true`)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(css("#meeting_url"), link),
		chromedp.Click(css("#save-profile")),
		chromedp.WaitVisible(css(".flash")),
	)
	if err != nil {
		t.Fatalf("advisor profile: %v", err)
	}
	if got := queryString(t, db, "SELECT meeting_url FROM advisors WHERE user_id = ?", advisorID); got != link {
		t.Fatalf("saved link %q", got)
	}
	screenshot(t, ctx, "o1-advisor-link")

	// The firm switches to English and books online.
	login("firm1@demo.local")
	err = chromedp.Do(ctx,
		chromedp.Click(css("#lang-switch")),
		chromedp.WaitVisible(css(`html[lang="en"] #logout`)),
		chromedp.Navigate(base+slot),
		chromedp.WaitVisible(css("#confirm-booking")),
		chromedp.Click(css(`input[name="mode"][value="online"]`)),
		chromedp.Click(css(`input[name="pillar"]`)),
		chromedp.Click(css("#confirm-booking")),
		chromedp.WaitVisible(css("#meeting-link")),
	)
	if err != nil {
		t.Fatalf("booking: %v", err)
	}
	screenshot(t, ctx, "o2-booking-link")
	if got := text(t, ctx, "#meeting-link"); got != link {
		t.Fatalf("the booking page shows %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(css("#download-ics"))); err != nil {
		t.Fatalf("ics: %v", err)
	}
	ics := strings.ReplaceAll(waitForFile(t, downloads, "*.ics"), "\r\n ", "")
	for _, want := range []string{"\r\nURL:" + link + "\r\n", "\r\nLOCATION:" + link + "\r\n", "\r\nSUMMARY:Digital transformation consultation"} {
		if !strings.Contains(ics, want) {
			t.Fatalf("the .ics lacks %q:\n%s", want, ics)
		}
	}
	if uid := regexp.MustCompile(`UID:booking-\d+@127\.0\.0\.1:\d+\r\n`).FindString(ics); uid == "" {
		t.Fatalf("the UID is not this deployment's:\n%s", ics)
	}
	lang, body := claimOutbox(t, db, "booking.confirmed", "firm1@demo.local")
	if lang != "en" || !strings.Contains(body, "Join online: "+link) {
		t.Fatalf("the confirmation (%s) lacks the link:\n%s", lang, body)
	}
}

// TestJourneyBulkInvite: a lead ticks a member that has not taken the
// assessment in the member list and invites it, then invites every member
// not yet assessed; the page says what went out and that the first was
// not mailed twice, and back on the list each shows today's invitation.
func TestJourneyBulkInvite(t *testing.T) {
	db := filepath.Join(t.TempDir(), "invite.db")
	const password = "mật khẩu hành trình mời hội viên"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "600")
	bctx := browser(t)
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	// The lead whose association has the most members with neither an
	// account nor a result.
	lead := queryString(t, db, `SELECT u.email FROM firm_associations m JOIN users u ON u.association_id = m.association_id AND u.role = 'lead'
		WHERE NOT EXISTS (SELECT 1 FROM current_results c WHERE c.firm_id = m.firm_id) AND NOT EXISTS (SELECT 1 FROM users f WHERE f.firm_id = m.firm_id)
		GROUP BY m.association_id ORDER BY COUNT(*) DESC LIMIT 1`)
	assoc := queryString(t, db, "SELECT CAST(association_id AS TEXT) FROM users WHERE email = ?", lead)
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"), chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), lead), chromedp.SendKeys(css("#password"), password), chromedp.Submit(css("#password")),
		chromedp.WaitNotPresent(css("#login-submit")), chromedp.WaitVisible(css("#logout")),
		chromedp.Navigate(base+"/associations/"+assoc+"/members?status=none"),
		chromedp.WaitVisible(css(`#member-table input[name="firm"]`)),
	)
	if err != nil {
		t.Fatalf("member list: %v", err)
	}
	picked, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#member-table input[name="firm"]')].map(e => e.value)`))
	if err != nil || len(picked) == 0 {
		t.Fatalf("members to tick: %v %v", picked, err)
	}
	if got := text(t, ctx, "#member-"+picked[0]+" .invited"); got != "chưa mời" {
		t.Fatalf("before: %q", got)
	}
	// The first one ticked, then everyone not yet assessed.
	err = chromedp.Do(ctx, chromedp.Click(css("#pick-"+picked[0])), chromedp.Click(css("#invite-selected")), chromedp.WaitVisible(css("#bulk-invite-sent")))
	if err != nil {
		t.Fatalf("invite the ticked: %v", err)
	}
	if got := text(t, ctx, "#bulk-invite-sent"); got != "Đã xếp hàng 1 thư mời." {
		t.Fatalf("the page says %q", got)
	}
	screenshot(t, ctx, "o3-invited-one")
	err = chromedp.Do(ctx, chromedp.Click(css("#back-to-members")), chromedp.WaitVisible(css("#invite-all")),
		chromedp.Click(css("#invite-all")), chromedp.WaitVisible(css("#bulk-invite-preview")))
	if err != nil {
		t.Fatalf("invite all: %v", err)
	}
	// It asks first, saying who would be left out and why (the one just invited), and offers to send only
	// when someone is left to invite: as many as the list had beside the first (the demo's draw decides).
	if got := text(t, ctx, `#bulk-invite-would-skip li[data-reason="invite.skip.recent"]`); got != "1 đã được mời trong 30 ngày qua" {
		t.Fatalf("the page says %q", got)
	}
	screenshot(t, ctx, "o4-invite-all-asks")
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#confirm-invite-all').length`))
	switch {
	case err != nil:
		t.Fatal(err)
	case n != 0 && len(picked) == 1:
		t.Fatal("a button to send nothing")
	case n == 0 && len(picked) > 1:
		t.Fatalf("no button to invite the %d others", len(picked)-1)
	case n != 0:
		if err := chromedp.Do(ctx, chromedp.Click(css("#confirm-invite-all")), chromedp.WaitVisible(css("#bulk-invite-sent"))); err != nil {
			t.Fatalf("confirm: %v", err)
		}
	}
	today := time.Now().In(time.FixedZone("ICT", 7*3600)).Format("02/01/2006")
	err = chromedp.Do(ctx, chromedp.Navigate(base+"/associations/"+assoc+"/members?status=none"), chromedp.WaitVisible(css("#member-"+picked[0])))
	if err != nil {
		t.Fatalf("back to the list: %v", err)
	}
	for _, id := range picked {
		if got := text(t, ctx, "#member-"+id+" .invited"); got != today {
			t.Errorf("member %s: invited %q, want %s", id, got, today)
		}
	}
	sent := queryString(t, db, "SELECT CAST(COUNT(*) AS TEXT) FROM outbox WHERE kind = 'member_invite'")
	if sent == "0" || sent == "1" && len(picked) > 1 {
		t.Fatalf("%s invitations in the outbox for %d members", sent, len(picked))
	}
}

// queryString is one text value from the database, read-only.
func queryString(t *testing.T, db, q string, args ...any) string {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var s string
	if err := conn.QueryRow(q, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}
