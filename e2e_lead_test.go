package main

import (
	"context"
	"database/sql"
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestJourneyAssociationLead: a lead logs in, sees the dashboard's charts
// drawn, filters by industry, downloads the member CSV and finds scores
// only for members that share them.
func TestJourneyAssociationLead(t *testing.T) {
	db := filepath.Join(t.TempDir(), "lead.db")
	const password = "mật khẩu hành trình hiệp hội"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "6000")
	lead, assoc, section, sharing := busiestLead(t, db)
	bctx := browser(t)
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	downloads := allowDownloads(t, ctx)
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), lead),
		chromedp.SendKeys(css("#password"), password),
		chromedp.Submit(css("#password")),
		// The lead's start page is its association's dashboard.
		chromedp.WaitVisible(css("#participation-text")),
		// Charts below the fold are drawn as they come near the screen.
		chromedp.ScrollIntoView(css("#chart-levels")), chromedp.WaitVisible(css(`#chart-levels[data-ready="1"] canvas`)),
		chromedp.ScrollIntoView(css("#chart-pillars")), chromedp.WaitVisible(css(`#chart-pillars[data-ready="1"] canvas`)),
		chromedp.ScrollIntoView(css("#chart-trend")), chromedp.WaitVisible(css(`#chart-trend[data-ready="1"] canvas`)),
		chromedp.ScrollIntoView(css("#chart-heat")), chromedp.WaitVisible(css(`#chart-heat[data-ready="1"] canvas`)),
	)
	if err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	screenshot(t, ctx, "9-dashboard")
	// Filter by industry: the URL carries the filter, and the page says so.
	err = chromedp.Do(ctx,
		chromedp.SetValue(css("#section"), section),
		chromedp.Click(css("#apply-filters")),
		chromedp.WaitReady(css(`#section option[value="`+section+`"][selected]`)),
		chromedp.ScrollIntoView(css("#chart-heat")), chromedp.WaitVisible(css(`#chart-heat[data-ready="1"] canvas`)),
	)
	if err != nil {
		t.Fatalf("filter: %v", err)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	if !strings.Contains(loc, "section="+section) || !strings.Contains(loc, "/associations/"+assoc) {
		t.Fatalf("the filter is not in the URL: %s", loc)
	}
	// The member list, then its CSV download.
	err = chromedp.Do(ctx,
		chromedp.Click(css("#members-link")),
		chromedp.WaitVisible(css("#member-table")),
		chromedp.Click(css("#export-members-csv")),
	)
	if err != nil {
		t.Fatalf("members: %v", err)
	}
	recs := waitForCSV(t, downloads)
	scored := 0
	for _, rec := range recs[1:] {
		if rec[8] == "" {
			continue
		}
		scored++
		if !sharing[rec[0]] {
			t.Fatalf("the CSV shows the score of %s (%s), which does not share it", rec[1], rec[0])
		}
	}
	if scored == 0 || scored != countTrue(sharing) || len(recs) < scored+1 {
		t.Fatalf("%d scored rows of %d; %d members share", scored, len(recs)-1, countTrue(sharing))
	}
}

// busiestLead finds, in the demo database, the association whose sharing
// members with a result make the largest group of one VSIC section (the
// dashboard's breakdown rows are sections, and a row of fewer than five
// firms is suppressed, leaving its charts without figures), its lead, the
// commonest section of its members, and which tax codes share (each with a
// submitted result).
func busiestLead(t *testing.T, db string) (email, assoc, section string, sharing map[string]bool) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	err = conn.QueryRow(`SELECT u.email, s.association_id FROM result_sharing s JOIN firms f ON f.id = s.firm_id
		JOIN current_results c ON c.firm_id = f.id JOIN users u ON u.association_id = s.association_id AND u.role = 'lead'
		GROUP BY s.association_id, f.section ORDER BY COUNT(*) DESC, u.email LIMIT 1`).Scan(&email, &assoc)
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(`SELECT f.section FROM firm_associations m JOIN firms f ON f.id = m.firm_id WHERE m.association_id = ?
		GROUP BY f.section ORDER BY COUNT(*) DESC LIMIT 1`, assoc).Scan(&section); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(`SELECT f.tax_code FROM result_sharing s JOIN firms f ON f.id = s.firm_id
		JOIN current_results c ON c.firm_id = f.id WHERE s.association_id = ?`, assoc)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	sharing = map[string]bool{}
	for rows.Next() {
		var tc string
		rows.Scan(&tc)
		sharing[tc] = true
	}
	return email, assoc, section, sharing
}

// waitForCSV waits for the browser's download to finish and reads it.
func waitForCSV(t *testing.T, dir string) [][]string {
	t.Helper()
	b := waitForFile(t, dir, "members-*.csv")
	if !strings.HasPrefix(b, "\xEF\xBB\xBF") {
		t.Fatal("the CSV has no byte-order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b, "\xEF\xBB\xBF"))).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	return recs
}

func countTrue(m map[string]bool) int {
	n := 0
	for _, v := range m {
		if v {
			n++
		}
	}
	return n
}
