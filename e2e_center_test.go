package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestJourneyCenterProvince: the Center's admin signs in (enrolling the
// second factor), opens the province card of the cockpit, filters by an
// association and a past quarter, sees the selection's participation and
// its charts drawn under the page's Content Security Policy, then follows
// a breakdown row to that group's own view.
func TestJourneyCenterProvince(t *testing.T) {
	db := filepath.Join(t.TempDir(), "center.db")
	const password = "mật khẩu trung tâm tỉnh"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "20000")
	ctx, cancel := context.WithTimeout(browser(t), 3*time.Minute)
	defer cancel()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	signInAdmin(t, ctx, base, password, "center")
	const listen = `window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective)); true`
	err := chromedp.Do(ctx, chromedp.Navigate(base+"/center"), chromedp.Click(css("#province-card h2 a")),
		chromedp.WaitVisible(css("#participation-text")))
	if err != nil {
		t.Fatalf("the province card: %v", err)
	}
	whole := text(t, ctx, "#participation-text")
	// The association with the most results, from the breakdown by
	// association, then the last quarter that has ended.
	const busiest = `(() => { const f = document.querySelector('#f-association');
		const rows = [...document.querySelectorAll('#breakdown-table tbody tr')].filter(r => r.querySelector('a'));
		rows.sort((a, b) => +b.cells[2].textContent.replace(/\D/g, '') - +a.cells[2].textContent.replace(/\D/g, ''));
		const name = rows[0].querySelector('a').textContent;
		f.value = [...f.options].find(o => o.textContent === name).value;
		document.querySelector('#quarter').selectedIndex = 1;
		return f.value + '|' + name; })()`
	// Each submit is waited for by the address it leads to: the old page
	// has the same elements, and reading them would read the old figures.
	arrived := func(part string) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			// Asked while the page changes, the location may fail: ask again.
			loc, err := chromedp.Run(ctx, chromedp.Location())
			if err == nil && strings.Contains(loc, part) {
				if err := chromedp.Do(ctx, chromedp.WaitVisible(css("#selection-name"))); err != nil {
					t.Fatal(err)
				}
				return
			}
		}
		t.Fatalf("never reached a page with %s", part)
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(css("#by"), "association"), chromedp.Click(css("#apply-filters"))); err != nil {
		t.Fatal(err)
	}
	arrived("by=association")
	chosen, err := chromedp.Run(ctx, chromedp.Evaluate[string](busiest))
	if err != nil || chosen == "" {
		t.Fatalf("no association to choose: %v", err)
	}
	assocID, assoc, _ := strings.Cut(chosen, "|")
	if err := chromedp.Do(ctx, chromedp.Click(css("#apply-filters"))); err != nil {
		t.Fatalf("filter: %v", err)
	}
	arrived("association=" + assocID + "&") // the form's order: quarter, association, …
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](listen)); err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, "#selection-name"); got != strings.TrimSpace(assoc) {
		t.Fatalf("the selection shown is %q, not the association chosen %q", got, assoc)
	}
	if got := text(t, ctx, "#participation-text"); got == whole || !strings.Contains(got, "trên") {
		t.Fatalf("the association's participation %q (the province's: %q)", got, whole)
	}
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(loc, "quarter=20") || !strings.Contains(loc, "association=") {
		t.Fatalf("the filters are not in the address (to share or bookmark): %s", loc)
	}
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.echart')].map(e => e.id)`))
	if err != nil || len(ids) < 3 {
		t.Fatalf("charts: %v %v", ids, err)
	}
	for _, id := range ids {
		if err := chromedp.Do(ctx, chromedp.ScrollIntoView(css("#"+id)), chromedp.WaitVisible(css(`#`+id+`[data-ready="1"] canvas`))); err != nil {
			t.Fatalf("%s not drawn: %v", id, err)
		}
	}
	screenshot(t, ctx, "center-province-association")
	if v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__csp`)); err != nil || len(v) > 0 {
		t.Fatalf("CSP violations: %v %v", v, err)
	}
	// The association's quarterly report prints on A4, without the
	// screen's header and controls.
	here, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.ScrollIntoView(css("#report-link")), chromedp.Click(css("#report-link")), chromedp.WaitVisible(css("#report-title"))); err != nil {
		t.Fatalf("the quarterly report: %v", err)
	}
	if got := text(t, ctx, "#report-title"); got != strings.TrimSpace(assoc) {
		t.Fatalf("the report is of %q, not of %q", got, assoc)
	}
	printLayout(t, ctx, "center-report-print")
	pdf := printA4(t, ctx)
	boxes := regexp.MustCompile(`/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]`).FindAllSubmatch(pdf, -1)
	if len(boxes) == 0 {
		t.Fatal("the report printed no page")
	}
	for _, box := range boxes {
		if w, h := string(box[1]), string(box[2]); !strings.HasPrefix(w, "59") || !strings.HasPrefix(h, "84") {
			t.Errorf("a page of %s × %s points is not A4", w, h)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(here), chromedp.WaitVisible(css("#breakdown-table"))); err != nil {
		t.Fatal(err)
	}
	// A breakdown row opens that group's own view.
	row, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#breakdown-table tbody a').textContent`))
	if err != nil {
		t.Fatalf("no breakdown row: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(css("#breakdown-table tbody a")), chromedp.WaitVisible(css("#selection-name"))); err != nil {
		t.Fatal(err)
	}
	if got := text(t, ctx, "#selection-name"); got != strings.TrimSpace(row) {
		t.Fatalf("the row %q opened %q", row, got)
	}
}
