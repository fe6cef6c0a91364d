package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestChartsLayout opens a lead's dashboard and a firm's result in both
// languages at a phone's width (360 and 412 px) and a laptop's (1366 px),
// draws every chart (scrolling to it: charts below the fold are drawn when
// they come near), and asks ECharts where it drew each text: every label
// lies inside its chart and no two texts overlap. A Vietnamese chart
// writes its numbers with a decimal comma, as the tables do.
func TestChartsLayout(t *testing.T) {
	db := filepath.Join(t.TempDir(), "layout.db")
	const password = "mật khẩu bố cục biểu đồ"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "6000")
	lead, assoc, _, _ := busiestLead(t, db)
	firm, result := firmWithResult(t, db)
	bctx := browser(t)
	for _, who := range []struct{ email, page string }{{lead, "/associations/" + assoc}, {firm, result}} {
		ctx, cancel := chromedp.NewContext(bctx) // a tab and session of its own
		defer cancel()
		ctx, cancel = context.WithTimeout(ctx, 4*time.Minute)
		defer cancel()
		console := collectConsole(ctx)
		t.Cleanup(func() {
			for _, m := range console() {
				if m.IsException() || m.Type == "error" {
					t.Errorf("console on %s: %s", who.page, m)
				}
			}
		})
		signInTo(t, ctx, base, who.email, password, who.page)
		for _, lang := range []string{"vi", "en"} {
			for _, width := range []int64{360, 412, 1366} {
				t.Run(fmt.Sprintf("%s/%s/%d", who.page, lang, width), func(t *testing.T) {
					tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
					defer cancel()
					ids := openCharts(t, tctx, base+who.page+"?lang="+lang, width)
					for _, id := range ids {
						problems, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](fmt.Sprintf(labelProblems, id)))
						if err != nil {
							t.Fatal(err)
						}
						for _, p := range problems {
							t.Errorf("%s: %s", id, p)
						}
						if err := chromedp.Do(tctx, chromedp.ScrollIntoView(chromedp.CSS("#"+id))); err == nil {
							viewportShot(t, tctx, fmt.Sprintf("11-%s-%s-%d", id, lang, width))
						}
					}
					if who.page == result {
						// The levels note under the pillar table keeps off its card's border.
						inset, err := chromedp.Run(tctx, chromedp.Evaluate[float64](`(() => { const n = document.getElementById('levels-note'),
							c = n.closest('.table-scroll'); return n.getBoundingClientRect().left + parseFloat(getComputedStyle(n).paddingLeft) - c.getBoundingClientRect().left; })()`))
						if err != nil || inset < 8 {
							t.Errorf("the levels note starts %.0f px inside its card (%v)", inset, err)
						}
					}
					if lang != "vi" || !strings.HasPrefix(who.page, "/associations/") {
						return // the radar writes no figure (its tooltip does, e2e_charts_test.go)
					}
					// A decimal figure in a Vietnamese chart has a comma.
					shown, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](decimalTexts))
					if err != nil {
						t.Fatal(err)
					}
					if len(shown) == 0 {
						t.Fatal("no chart writes a decimal figure")
					}
					for _, s := range shown {
						if strings.Contains(s, ".") || !strings.Contains(s, ",") {
							t.Errorf("a Vietnamese chart writes %q", s)
						}
					}
				})
			}
		}
	}
}

// TestChartsTooFewFirms: a lead narrows the shared members to a ward where
// fewer than five of them have results. The breakdown says "too few
// firms to show" where its chart would be, and draws no empty axes.
func TestChartsTooFewFirms(t *testing.T) {
	db := filepath.Join(t.TempDir(), "few.db")
	const password = "mật khẩu nhóm nhỏ biểu đồ"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "3000")
	lead, assoc, _, _ := busiestLead(t, db)
	ward := smallWard(t, db, assoc)
	ctx, cancel := chromedp.NewContext(browser(t))
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	page := "/associations/" + assoc + "?ward=" + url.QueryEscape(ward)
	signInTo(t, ctx, base, lead, password, page)
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#chart-heat-empty').length`)); err != nil || n != 1 {
		shared, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('shared').innerText`))
		t.Fatalf("no message in place of the heatmap: %v\n%s", err, shared)
	}
	if msg := text(t, ctx, "#chart-heat-empty"); !strings.Contains(msg, "5") {
		t.Errorf("message %q", msg)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#chart-heat').length`))
	if err != nil || n != 0 {
		t.Errorf("a heatmap is drawn for a suppressed selection: %d %v", n, err)
	}
}

// signInTo signs who in on the way to page (login?next=), so no navigation
// of ours races the login's redirect.
func signInTo(t *testing.T, ctx context.Context, base, who, password, page string) {
	t.Helper()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	// No timeout of its own: cancelling the context of a tab's first action
	// closes the tab. The caller's context bounds it.
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login?next="+url.QueryEscape(page)),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), who),
		chromedp.SendKeys(css("#password"), password),
		chromedp.Submit(css("#password")),
		chromedp.WaitNotPresent(css("#password")),
		chromedp.WaitVisible(css("main h1")),
	)
	if err != nil {
		t.Fatalf("sign in %s: %v", who, err)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.Contains(loc, page) {
		t.Fatalf("signed in at %s, not %s: %v", loc, page, err)
	}
}

// openCharts loads page at width, scrolls to every chart and waits until
// it is drawn; it returns the charts' ids.
func openCharts(t *testing.T, ctx context.Context, page string, width int64) []string {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800), chromedp.Navigate(page), chromedp.WaitReady(chromedp.CSS(`.echart`)))
	if err != nil {
		t.Fatalf("open %s at %d px: %v", page, width, err)
	}
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.echart')].map(e => e.id)`))
	if err != nil || len(ids) == 0 {
		t.Fatalf("charts on %s: %v %v", page, ids, err)
	}
	for _, id := range ids {
		err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS("#"+id)), chromedp.WaitVisible(chromedp.CSS(`#`+id+`[data-ready="1"] canvas`)))
		if err != nil {
			t.Fatalf("%s not drawn at %d px: %v", id, width, err)
		}
	}
	return ids
}

// chartTexts lists a chart's drawn texts with their boxes in the chart's
// pixels, from ECharts' own display list (the canvas cannot be read).
const chartTexts = `function chartTexts(el) {
	const c = echarts.getInstanceByDom(el), seen = new Set();
	return c.getZr().storage.getDisplayList(true).map(d => d.parent && d.parent.style && d.parent.style.text != null ? d.parent : d)
		.filter(d => d.style && d.style.text != null && d.style.text !== '' && !d.ignore && !d.invisible && !seen.has(d) && seen.add(d))
		.map(d => { const r = d.getBoundingRect().clone(), m = d.getComputedTransform(); if (m) r.applyTransform(m);
			return {text: String(d.style.text).replace(/\n/g, ' '), x: r.x, y: r.y, w: r.width, h: r.height}; });
}`

// labelProblems lists the texts of chart %q that leave the chart, and the
// pairs that overlap (by more than a pixel each way).
const labelProblems = `(() => { ` + chartTexts + `
	const el = document.getElementById(%q), W = el.clientWidth, H = el.clientHeight, ts = chartTexts(el), out = [];
	if (ts.length < 4) out.push('only ' + ts.length + ' texts found: the measure is broken');
	for (const t of ts) {
		if (t.x < -1 || t.y < -1 || t.x + t.w > W + 1 || t.y + t.h > H + 1)
			out.push('"' + t.text + '" leaves the ' + W + 'x' + H + ' chart: ' + [t.x, t.y, t.w, t.h].map(Math.round));
	}
	for (let i = 0; i < ts.length; i++) for (let j = i + 1; j < ts.length; j++) {
		const a = ts[i], b = ts[j];
		if (Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > 1 && Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > 1)
			out.push('"' + a.text + '" overlaps "' + b.text + '"');
	}
	const c = echarts.getInstanceByDom(el), lm = c.getModel().getComponent('legend'), lv = lm && c.getViewOfComponentModel(lm);
	for (const d of lv ? c.getZr().storage.getDisplayList(true) : []) { // a legend entry cut short ("Average: industry of …") names nothing
		let p = d;
		while (p && p !== lv.group) p = p.parent;
		if (p && d.style && typeof d.style.text === 'string' && /(…|\.\.\.)$/.test(d.style.text)) out.push('legend "' + d.style.text + '" is cut short');
	}
	return out; })()`

// decimalTexts lists the charts' texts that are numbers with a fraction.
const decimalTexts = `(() => { ` + chartTexts + `
	return [...document.querySelectorAll('.echart[data-ready="1"]')].flatMap(chartTexts).map(t => t.text)
		.filter(s => /^\d{1,3}([.,]\d{3})*[.,]\d$/.test(s) || /^\d+[.,]\d$/.test(s)); })()`

// smallWard is a ward in which 1 to 4 of association assoc's sharing
// members have results: too few to show.
func smallWard(t *testing.T, db, assoc string) string {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var ward string
	err = conn.QueryRow(`SELECT f.ward_code FROM result_sharing s JOIN firms f ON f.id = s.firm_id JOIN current_results c ON c.firm_id = f.id
		WHERE s.association_id = ? AND f.ward_code IS NOT NULL GROUP BY f.ward_code HAVING COUNT(*) BETWEEN 1 AND 4 ORDER BY f.ward_code LIMIT 1`, assoc).Scan(&ward)
	if err != nil {
		t.Fatalf("a ward with 1 to 4 sharing members: %v", err)
	}
	return ward
}
