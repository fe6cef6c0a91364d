package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"dxready/scoring"
)

// TestJourneyFunnel: the Center's admin opens the programme funnel from the
// Center's page, filters it by an association and a quarter, opens the
// stage "submitted", downloads its XLSX and finds as many firms in it as
// the stage counts.
func TestJourneyFunnel(t *testing.T) {
	db := filepath.Join(t.TempDir(), "funnel.db")
	const password = "mật khẩu hành trình phễu"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "3000")
	assoc, quarter, want := busiestAssociationQuarter(t, db)
	ctx, cancel := context.WithTimeout(browser(t), 90*time.Second)
	defer cancel()
	downloads := allowDownloads(t, ctx)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	signInAdmin(t, ctx, base, password, "funnel")
	err := chromedp.Do(ctx, chromedp.Navigate(base+"/center"), chromedp.Click(css("#center-funnel h2 a")),
		chromedp.WaitVisible(css("#funnel-table")))
	if err != nil {
		t.Fatalf("open the funnel: %v", err)
	}
	// Choose in the lists as a person does (one option each), then show.
	err = chromedp.Do(ctx,
		chromedp.SetValue(css("#f-assoc"), assoc), chromedp.SetValue(css("#f-quarter"), quarter),
		chromedp.Click(css("#funnel-submit")),
		chromedp.WaitVisible(css(`#f-quarter option[value="`+quarter+`"][selected]`)),
		chromedp.WaitVisible(css("#funnel-table")))
	if err != nil {
		t.Fatalf("filter: %v", err)
	}
	screenshot(t, ctx, "funnel")
	count := attrInt(t, ctx, `tr[data-stage="submitted"] td[data-count]`, "data-count")
	if count != want {
		t.Fatalf("the funnel counts %d submitted in %s for association %s; the database says %d", count, quarter, assoc, want)
	}
	err = chromedp.Do(ctx, chromedp.Click(css("#stage-submitted")), chromedp.WaitVisible(css("#stage-firms")))
	if err != nil {
		t.Fatalf("open the stage: %v", err)
	}
	if n := attrInt(t, ctx, "#stage-count", "data-count"); n != count {
		t.Fatalf("the stage's list counts %d, the funnel %d", n, count)
	}
	screenshot(t, ctx, "funnel-stage")
	if err := chromedp.Do(ctx, chromedp.Click(css("#export-xlsx"))); err != nil {
		t.Fatalf("export: %v", err)
	}
	book, err := excelize.OpenReader(bytes.NewReader([]byte(waitForFile(t, downloads, "funnel-submitted-*.xlsx"))))
	if err != nil {
		t.Fatalf("the XLSX: %v", err)
	}
	rows, err := book.GetRows(book.GetSheetList()[0])
	if err != nil || len(rows)-1 != count {
		t.Fatalf("the XLSX has %d firms (%v); the stage counts %d", len(rows)-1, err, count)
	}
}

func attrInt(t *testing.T, ctx context.Context, sel, attr string) int {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), attr))
	if err != nil {
		t.Fatalf("%s[%s]: %v", sel, attr, err)
	}
	n, err := strconv.Atoi(v.Value)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// busiestAssociationQuarter finds the association and quarter (among the
// twelve the page offers) in which the most member firms submitted a first
// assessment, counted from the rows, not from the funnel's tallies.
func busiestAssociationQuarter(t *testing.T, db string) (assoc, quarter string, n int) {
	t.Helper()
	rows, err := readOnly(t, db).Query(`SELECT m.association_id, r.firm_id, r.submitted_at FROM responses r
		JOIN firm_associations m ON m.firm_id = r.firm_id WHERE r.status = 'submitted'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	offered := map[string]bool{}
	for _, q := range scoring.LastQuarters(scoring.QuarterOf(time.Now()), 12) {
		offered[q.String()] = true
	}
	first := map[[2]int64]time.Time{} // association, firm → its first submission
	for rows.Next() {
		var a, f int64
		var at time.Time
		if err := rows.Scan(&a, &f, &at); err != nil {
			t.Fatal(err)
		}
		if k := [2]int64{a, f}; first[k].IsZero() || at.Before(first[k]) {
			first[k] = at
		}
	}
	counts := map[[2]string]int{}
	for k, at := range first {
		if q := scoring.QuarterOf(at).String(); offered[q] {
			counts[[2]string{strconv.FormatInt(k[0], 10), q}]++
		}
	}
	for k, c := range counts {
		if c > n || (c == n && k[0]+k[1] < assoc+quarter) {
			assoc, quarter, n = k[0], k[1], c
		}
	}
	if n == 0 {
		t.Fatal("no association's members submitted in the quarters offered")
	}
	return assoc, quarter, n
}
