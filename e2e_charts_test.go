package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestChartTooltipsKeepTheCSP hovers every chart of a lead's dashboard and
// of a firm's result in a real browser: each shows its tooltip (HTML built
// with classes, styled by app.css: a border and the card's background),
// writes its figures as the Vietnamese page does ("63,9"), and the page's
// Content Security Policy (style-src 'self', no inline styles) reports
// nothing, neither to the console nor as a securitypolicyviolation event.
func TestChartTooltipsKeepTheCSP(t *testing.T) {
	db := filepath.Join(t.TempDir(), "charts.db")
	const password = "mật khẩu biểu đồ dài"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "6000")
	lead, _, _, _ := busiestLead(t, db)
	firm, result := firmWithResult(t, db)
	bctx := browser(t)
	for _, visit := range []struct{ who, page string }{{lead, "/associations"}, {firm, result}} {
		t.Run(visit.who, func(t *testing.T) {
			ctx, cancel := chromedp.NewContext(bctx) // a fresh tab and session
			defer cancel()
			ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
			defer cancel()
			console := collectConsole(ctx)
			css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
			signInTo(t, ctx, base, visit.who, password, visit.page)
			const listen = `window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective)); true`
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](listen)); err != nil {
				t.Fatal(err)
			}
			ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.echart')].map(e => e.id)`))
			if err != nil || len(ids) == 0 {
				t.Fatalf("charts on %s: %v %v", visit.page, ids, err)
			}
			for _, id := range ids { // charts below the fold are drawn as they come near
				if err := chromedp.Do(ctx, chromedp.ScrollIntoView(chromedp.CSS("#"+id)), chromedp.WaitVisible(css(`#`+id+`[data-ready="1"] canvas`))); err != nil {
					t.Fatalf("%s not drawn: %v", id, err)
				}
			}
			// The portal ships an ECharts build of only what it draws
			// (static/echarts-build): every component an option names must
			// be in it, or ECharts drops it without a word.
			const missing = `[...document.querySelectorAll('.echart[data-ready="1"]')].flatMap(el => {
				const o = JSON.parse(el.getAttribute('data-option')), m = echarts.getInstanceByDom(el).getModel();
				return ['grid', 'legend', 'tooltip', 'visualMap', 'radar', 'xAxis', 'yAxis']
					.filter(k => k in o && !m.getComponent(k)).map(k => el.id + ':' + k);
			})`
			if gaps, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](missing)); err != nil || len(gaps) > 0 {
				t.Errorf("chart components the ECharts build lacks: %v %v", gaps, err)
			}
			for _, id := range ids {
				tip := hoverUntilTooltip(t, ctx, id)
				if tip == "" {
					t.Errorf("%s: no tooltip anywhere over the chart", id)
				}
				if m := regexp.MustCompile(`\d[.,]\d\b`).FindString(tip); m != "" && !strings.Contains(m, ",") {
					t.Errorf("%s: the Vietnamese page's tooltip writes %q: %q", id, m, tip)
				}
				styled, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(tooltipStyled, id)))
				if err != nil || !styled {
					t.Errorf("%s: the tooltip is not styled by app.css: %v", id, err)
				}
				viewportShot(t, ctx, "10-tooltip-"+id)
			}
			violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__csp`))
			if err != nil || len(violations) > 0 {
				t.Errorf("CSP violations: %v %v", violations, err)
			}
			for _, m := range console() {
				if m.Source == "security" || strings.Contains(m.Text, "Content Security Policy") || m.IsException() {
					t.Errorf("console: %s", m)
				}
			}
		})
	}
}

// viewportShot keeps a PNG of what the window shows (a hovered tooltip
// included) when DXREADY_SCREENSHOTS names a folder.
func viewportShot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("DXREADY_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
	}
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}

// collectConsole records the tab's console from now on; the func returns
// what was written so far.
func collectConsole(ctx context.Context) func() []chromedp.ConsoleMessage {
	var mu sync.Mutex
	var got []chromedp.ConsoleMessage
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			mu.Lock()
			got = append(got, m)
			mu.Unlock()
		}
	}()
	return func() []chromedp.ConsoleMessage {
		time.Sleep(200 * time.Millisecond) // let the last events arrive
		mu.Lock()
		defer mu.Unlock()
		return append([]chromedp.ConsoleMessage(nil), got...)
	}
}

// hoverUntilTooltip moves the mouse over a grid of points of chart id until
// its tooltip shows, and returns the tooltip's text ("" if it never did).
func hoverUntilTooltip(t *testing.T, ctx context.Context, id string) string {
	t.Helper()
	box, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](fmt.Sprintf(`(() => {
		const el = document.getElementById(%q); el.scrollIntoView({block: 'center'});
		const r = el.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; })()`, id)))
	if err != nil {
		t.Fatal(err)
	}
	for fy := 0.15; fy <= 0.85; fy += 0.05 {
		for fx := 0.1; fx <= 0.9; fx += 0.05 {
			x, y := box["x"]+fx*box["w"], box["y"]+fy*box["h"]
			if err := chromedp.Do(ctx, chromedp.MouseEvent(chromedp.MouseMoved, x, y)); err != nil {
				t.Fatal(err)
			}
			tip, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(tooltipText, id)))
			if err != nil {
				t.Fatal(err)
			}
			if tip != "" {
				return tip
			}
		}
	}
	return ""
}

// tooltipText returns the text of a chart's tooltip while it is on screen
// (HTML built by charts.js, inside the chart's element), "" otherwise.
const tooltipText = `(() => {
	const tip = document.getElementById(%q).querySelector('.chart-tooltip');
	return tip && getComputedStyle(tip).display !== 'none' && getComputedStyle(tip).visibility !== 'hidden' && getComputedStyle(tip).opacity !== '0' ? tip.innerText : '';
})()`

// tooltipStyled is whether chart %q's tooltip has the look app.css gives
// .chart-tooltip (a one-pixel border, rounded corners, a marker per series
// where there are several), none of it from an inline style attribute.
const tooltipStyled = `(() => {
	const tip = document.getElementById(%q).querySelector('.chart-tooltip'), cs = getComputedStyle(tip);
	return cs.borderTopWidth === '1px' && cs.borderTopLeftRadius === '6px' && !tip.querySelector('[style]:not(.chart-tooltip-marker)');
})()`

// firmWithResult finds a demo firm user whose firm has a current result,
// and that result's page.
func firmWithResult(t *testing.T, db string) (email, page string) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var id int64
	err = conn.QueryRow(`SELECT u.email, c.response_id FROM users u JOIN current_results c ON c.firm_id = u.firm_id
		WHERE u.role = 'firm' AND u.status = 'active' ORDER BY u.id LIMIT 1`).Scan(&email, &id)
	if err != nil {
		t.Fatalf("a demo firm user with a result: %v", err)
	}
	return email, fmt.Sprintf("/assessment/%d/result", id)
}
