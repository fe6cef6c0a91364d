package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestOpenDataInTheBrowser opens /data signed out, as anyone on the web:
// the catalogue lists its datasets and draws the province's mean by
// quarter; the first dataset's page draws its chart and shows its table;
// its CSV link downloads a file with a byte-order mark, and the page's
// language switch gives the English page.
func TestOpenDataInTheBrowser(t *testing.T) {
	db := filepath.Join(t.TempDir(), "opendata.db")
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO_PASSWORD", "mật khẩu dữ liệu mở"), "--demo-firms", "3000")
	ctx, cancel := context.WithTimeout(browser(t), 90*time.Second)
	defer cancel()
	// A chart is drawn when it comes near the screen (charts.js).
	scroll := func(id string) chromedp.Action[chromedp.Void] { return chromedp.ScrollIntoView(chromedp.CSS("#" + id)) }
	drawn := func(id string) chromedp.Action[chromedp.Void] {
		return chromedp.WaitVisible(chromedp.CSS(`#` + id + `[data-ready="1"] canvas`))
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/data"), chromedp.WaitVisible(chromedp.CSS("#dataset-list")), scroll("chart-data-headline"),
		drawn("chart-data-headline")); err != nil {
		t.Fatalf("/data: %v", err)
	}
	screenshot(t, ctx, "opendata-catalogue")
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#dataset-list > li').length`))
	if err != nil || n != 8 {
		t.Fatalf("the catalogue lists %d datasets: %v", n, err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#indicator-table tbody tr').length`))
	if err != nil || rows < 20 {
		t.Fatalf("the indicator table has %d rows: %v", rows, err)
	}
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#dataset-list .dataset-link').pathname`))
	if err != nil || !strings.HasPrefix(first, "/data/v1/") {
		t.Fatalf("first dataset link %q: %v", first, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#dataset-list .dataset-link")), chromedp.WaitVisible(chromedp.CSS("#dataset-title")),
		scroll("chart-data-trend"), drawn("chart-data-trend")); err != nil {
		t.Fatalf("%s: %v", first, err)
	}
	screenshot(t, ctx, "opendata-dataset")
	cells, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#table-main tbody td').length`))
	if err != nil || cells == 0 {
		t.Fatalf("the dataset's table is empty: %v", err)
	}
	// The CSV link, fetched as the browser would follow it.
	const fetchCSV = `fetch(document.querySelector('#download-csv').href).then(r => r.arrayBuffer().then(b => {
		const u = new Uint8Array(b);
		return r.status + ' ' + r.headers.get('content-type') + ' ' + (u[0] === 0xEF && u[1] === 0xBB && u[2] === 0xBF);
	}))`
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](fetchCSV, chromedp.EvalAwaitPromise))
	if err != nil || got != "200 text/csv; charset=utf-8 true" {
		t.Fatalf("the CSV link: %q %v", got, err)
	}
	// Another dataset by group: its bars drawn too, in English.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/data/v1/readiness-by-size?lang=en"), scroll("chart-data-groups"), drawn("chart-data-groups"),
		scroll("chart-data-trend"), drawn("chart-data-trend")); err != nil {
		t.Fatalf("size dataset: %v", err)
	}
	if h := text(t, ctx, "#dataset-title"); h != "Digital readiness by size class, quarterly" {
		t.Errorf("English title %q", h)
	}
}
