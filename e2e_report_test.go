package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestJourneyResultReportToPDF: a firm opens its result, whose path to
// the next level is one-notch steps in the instrument's words, then its A4
// report; once the radar is drawn, Chromium prints the report to an A4
// PDF. The PDF is a real one of more than one page, and the drawn radar is
// in it: the same report printed with the chart removed is much smaller.
func TestJourneyResultReportToPDF(t *testing.T) {
	db := filepath.Join(t.TempDir(), "report.db")
	const password = "mật khẩu báo cáo dài"
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", password), "--demo-firms", "3000")
	firm, result := firmBelowTheTop(t, db)
	ctx, cancel := chromedp.NewContext(browser(t))
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login?next="+url.QueryEscape(result+"/result")),
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), firm),
		chromedp.SendKeys(css("#password"), password),
		chromedp.Submit(css("#password")),
		chromedp.WaitVisible(css("#path .path-step")),
	)
	if err != nil {
		t.Fatalf("open the result: %v", err)
	}
	step := text(t, ctx, "#path .path-step strong")
	// One notch, or the notches on one question in one line: several items
	// to tick, or a climb over several bands of a scale.
	if !regexp.MustCompile(`^(Chuyển từ “[^”]+” sang “[^”]+”|Thêm “[^”]+”(, “[^”]+”)*|Bắt đầu với “[^”]+”|Nâng dần: “[^”]+”( → “[^”]+”)+)$`).MatchString(step) {
		t.Errorf("the first step does not say its notches in the instrument's words: %q", step)
	}
	if intro := text(t, ctx, "#path-intro"); !regexp.MustCompile(`^\d+ bước, mỗi bước nâng một câu trả lời lên một nấc`).MatchString(intro) {
		t.Errorf("the path does not say how many one-notch steps: %q", intro)
	}
	screenshot(t, ctx, "20-result-path")
	// The board's PDF is made on a desktop: the report opens in a window
	// of one.
	err = chromedp.Do(ctx,
		chromedp.EmulateViewport(1366, 900),
		chromedp.Click(css("#report-link")),
		chromedp.WaitVisible(css("#download-pdf")),
		chromedp.WaitVisible(css(`#radar[data-ready="1"] canvas`)),
	)
	if err != nil {
		t.Fatalf("open the report: %v", err)
	}
	// The radar is drawn: its canvas has thousands of painted pixels.
	const painted = `(() => { const c = document.querySelector('#radar canvas'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
		let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n; })()`
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](painted)); err != nil || n < 2000 {
		t.Fatalf("the radar is not drawn: %d painted pixels, %v", n, err)
	}
	screenshot(t, ctx, "21-report")
	printLayout(t, ctx, "22-report-print")
	withChart := printA4(t, ctx)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('radar').remove(); true`)); err != nil {
		t.Fatal(err)
	}
	without := printA4(t, ctx)
	pages := len(regexp.MustCompile(`/Type\s*/Page\b`).FindAll(withChart, -1))
	t.Logf("PDF: %d bytes with the radar, %d without; %d pages", len(withChart), len(without), pages)
	if pages < 2 {
		t.Errorf("the report prints on %d page(s); the path starts a second sheet", pages)
	}
	for _, box := range regexp.MustCompile(`/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]`).FindAllSubmatch(withChart, -1) {
		if w, h := string(box[1]), string(box[2]); !strings.HasPrefix(w, "59") || !strings.HasPrefix(h, "84") {
			t.Errorf("a page of %s × %s points is not A4 (595 × 842)", w, h)
		}
	}
	if len(withChart) < len(without)+10_000 {
		t.Errorf("the radar adds %d bytes to the PDF: it is not printed", len(withChart)-len(without))
	}
	if dir := os.Getenv("DXREADY_SCREENSHOTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "23-report.pdf"), withChart, 0o644); err != nil {
			t.Log(err)
		}
	}
}

// printLayout lays the page out as print media does and checks what
// print.css promises: no site header, navigation, footer or buttons, and
// black text on white. With DXREADY_SCREENSHOTS it keeps a PNG of that
// layout (a PDF cannot be looked at here). It restores screen media.
func printLayout(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	media := func(m string) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
			return chromedp.Void{}, err
		}
	}
	if err := chromedp.Do(ctx, media("print")); err != nil {
		t.Fatal(err)
	}
	const shown = `['.site-header', '.site-footer', '#download-pdf', '#result-link']
		.filter(s => { const el = document.querySelector(s); return el && el.getClientRects().length > 0; })
		.concat(getComputedStyle(document.body).backgroundColor === 'rgb(255, 255, 255)' ? [] : ['background'])
		.concat(getComputedStyle(document.querySelector('#report h1')).color === 'rgb(0, 0, 0)' ? [] : ['text colour'])`
	if left, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](shown)); err != nil || len(left) > 0 {
		t.Errorf("printed, the report still shows %v (%v)", left, err)
	}
	screenshot(t, ctx, name)
	if err := chromedp.Do(ctx, media("")); err != nil {
		t.Fatal(err)
	}
}

// printA4 prints the tab to PDF on A4 paper (the report's @page margins)
// and checks that it is a PDF.
func printA4(t *testing.T, ctx context.Context) []byte {
	t.Helper()
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4),
		func(p *page.PrintToPDFParams) { css := true; p.PreferCSSPageSize = &css }))
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("print to PDF: %v (%.20q)", err, pdf)
	}
	return pdf
}

// firmBelowTheTop finds a demo firm user whose firm's current result is
// below the top level (so it has a path), and that result's path
// ("/assessment/{id}").
func firmBelowTheTop(t *testing.T, db string) (email, result string) {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var id int64
	err = conn.QueryRow(`SELECT u.email, c.response_id FROM users u JOIN current_results c ON c.firm_id = u.firm_id
		WHERE u.role = 'firm' AND u.status = 'active' AND c.level < 5 ORDER BY u.id LIMIT 1`).Scan(&email, &id)
	if err != nil {
		t.Fatalf("a demo firm user with a result below the top: %v", err)
	}
	return email, fmt.Sprintf("/assessment/%d", id)
}
