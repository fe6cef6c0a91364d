package main

import (
	"context"
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestJourneyAuditLog: the demo admin signs in (setting up two-step
// sign-in, which is itself recorded), opens the audit log from the
// Center's start page, filters it by action, and downloads the CSV, which
// holds exactly the entries the page lists, each with its full hash.
func TestJourneyAuditLog(t *testing.T) {
	db := filepath.Join(t.TempDir(), "audit.db")
	const password = "mật khẩu hành trình nhật ký"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "300")
	bctx := browser(t)
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	downloads := allowDownloads(t, ctx)
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), "admin@demo.local"),
		chromedp.SendKeys(css("#password"), password),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css("#twofactor-start")),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	enrolTwoFactor(t, ctx, "admin")
	err = chromedp.Do(ctx,
		chromedp.Click(css("#codes-done")), chromedp.WaitVisible(css("#center-audit")),
		chromedp.Click(css("#center-audit a")), chromedp.WaitVisible(css("#audit-table")),
		chromedp.SetValue(css("#action"), "twofactor.enrol"),
		chromedp.Click(css("#audit-apply")),
		chromedp.WaitReady(css(`#action option[value="twofactor.enrol"][selected]`)),
		chromedp.WaitVisible(css("#audit-table")),
	)
	if err != nil {
		t.Fatalf("audit log: %v", err)
	}
	screenshot(t, ctx, "audit-filtered")
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.Contains(loc, "/admin/audit?") || !strings.Contains(loc, "action=twofactor.enrol") {
		t.Fatalf("the filter is not in the URL: %s", loc)
	}
	listed, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('#audit-table tbody tr')].map(tr => tr.id.replace('audit-', '') + ' ' + tr.cells[3].textContent + ' ' + tr.cells[6].textContent)`))
	if err != nil || len(listed) == 0 {
		t.Fatalf("rows: %v %v", listed, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(css("#audit-csv"))); err != nil {
		t.Fatalf("download: %v", err)
	}
	b := waitForFile(t, downloads, "audit-*.csv")
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b, "\xEF\xBB\xBF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rec := range recs[1:] {
		got = append(got, rec[0]+" "+rec[4]+" "+rec[7][:12]) // the page shows the hash's first 12 digits
		if rec[2] != "admin@demo.local" || !strings.HasSuffix(rec[1], "+07:00") {
			t.Errorf("CSV row: %v", rec)
		}
	}
	if strings.Join(got, "\n") != strings.Join(listed, "\n") {
		t.Fatalf("the CSV holds\n%s\nthe page lists\n%s", strings.Join(got, "\n"), strings.Join(listed, "\n"))
	}
}
