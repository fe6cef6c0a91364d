package loadtest

import (
	"bytes"
	"context"
	"maps"
	"math/rand/v2"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dxready/survey"
)

// The expressions the scanners replaced, kept here as the reference they
// must agree with on the portal's pages.
var (
	assetRe   = regexp.MustCompile(`(?:href|src)="(/static/[^"?#]+)`)
	draftRe   = regexp.MustCompile(`/assessment/(\d+)/`)
	versionRe = regexp.MustCompile(`name="version" value="([0-9a-f]+)"`)
)

func scanned(page []byte) []string {
	var out []string
	assetPaths(page, func(p []byte) { out = append(out, string(p)) })
	return out
}

func matched(page []byte) []string {
	var out []string
	for _, m := range assetRe.FindAllSubmatch(page, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// recording is a transport that keeps every HTML page and Location the
// portal answers.
type recording struct {
	base  transport
	mu    sync.Mutex
	pages map[string][]byte // by path
	locs  []string
}

func (t *recording) roundTrip(ctx context.Context, rq *request, body *bytes.Buffer) (response, error) {
	res, err := t.base.roundTrip(ctx, rq, body)
	if err != nil {
		return res, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if res.location != "" {
		t.locs = append(t.locs, res.location)
	}
	if res.html && body != nil {
		t.pages[targetPath(rq.target)] = bytes.Clone(body.Bytes())
	}
	return res, nil
}

func (t *recording) close() { t.base.close() }

// On the portal's own pages (every page of a firm's whole cycle, and the
// pages a firm's menu leads to, the public's too) the scanners find
// exactly what the regular expressions found: the same assets in the same
// order, the review's version, each start's draft.
func TestScannersFindWhatTheRegexpsFoundOnThePortalsPages(t *testing.T) {
	base, st, _ := portal(t)
	db, err := openPortalDB(st.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.close()
	all, err := survey.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	in, _ := survey.Latest(all, survey.DefaultID)
	lt := &loadTest{base: base, db: db, in: in, duration: time.Minute, maxReq: 1}
	cs := lt.newClients(1)
	if _, err := lt.signUp(context.Background(), cs); err != nil {
		t.Fatal(err)
	}
	rec := &recording{base: cs[0].t, pages: map[string][]byte{}}
	cs[0].t = rec
	ignore := func(string, time.Duration, bool) {}
	if err := lt.cycle(context.Background(), cs[0], rand.New(rand.NewPCG(1, 2)), ignore); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/", "/advisors", "/assessment", "/account", "/firm", "/data", "/results", "/login", "/register", "/nowhere"} {
		cs[0].send(context.Background(), http.MethodGet, p, nil)
	}
	t.Logf("pages: %v", slices.Collect(maps.Keys(rec.pages)))
	if len(rec.pages) < 12 {
		t.Fatalf("only %d pages read", len(rec.pages))
	}
	for path, page := range rec.pages {
		got, want := scanned(page), matched(page)
		if !slices.Equal(got, want) {
			t.Errorf("%s: scanned %q, the regexp found %q", path, got, want)
		}
		if len(got) < 3 { // icon, stylesheet, script
			t.Errorf("%s: only %q: a page without its assets cannot test the scanner", path, got)
		}
		v, ok := reviewedVersion(page)
		if m := versionRe.FindSubmatch(page); ok != (m != nil) || ok && v != string(m[1]) {
			t.Errorf("%s: version %q %v, the regexp found %q", path, v, ok, m)
		}
		if strings.HasSuffix(path, "/review") && !ok {
			t.Errorf("%s: no version on the review", path)
		}
	}
	for _, loc := range rec.locs {
		id, ok := draftIn(loc)
		if m := draftRe.FindStringSubmatch(loc); ok != (m != nil) || ok && strconv.FormatInt(id, 10) != m[1] {
			t.Errorf("Location %s: draft %d %v, the regexp found %q", loc, id, ok, m)
		}
	}
}

// Where the scanner and the regexp differ it is the scanner that does as
// a browser: an attribute whose name merely ends in src or href is not
// fetched, nor the value of one the page never closes; a single-quoted,
// upper-case, unquoted or spaced one is.
func TestAssetScannerOnAwkwardMarkup(t *testing.T) {
	for _, tc := range []struct {
		name, html string
		want       []string
		asRegexp   bool // the regexp found the same
	}{
		{"link and script", `<link rel="stylesheet" href="/static/a.1.css"><script src="/static/a.2.js" defer></script>`, []string{"/static/a.1.css", "/static/a.2.js"}, true},
		{"query string", `<script src="/static/a.js?v=3"></script>`, []string{"/static/a.js"}, true},
		{"fragment", `<img src="/static/i.svg#icon">`, []string{"/static/i.svg"}, true},
		{"no name after /static/", `<link href="/static/"><link href="/static/?x"><link href="/static/#y">`, nil, true},
		{"other paths", `<a href="/static"></a><a href="/assets/static/x.js"></a><a href="/other">`, nil, true},
		{"text, not an attribute", `<p>see /static/plain.txt and ="/static/eq.txt"</p>`, nil, true},
		{"a value holding /static/ twice", `<link href="/static/a/static/b.css">`, []string{"/static/a/static/b.css"}, true},
		{"the page's first bytes", `src="/static/first.js"`, []string{"/static/first.js"}, true},
		{"after a slash", `<img/src="/static/slash.png">`, []string{"/static/slash.png"}, true},
		{"data-echarts", `<script src="/static/c.js" data-echarts="/static/e.js"></script>`, []string{"/static/c.js"}, true},
		{"data-src", `<img data-src="/static/lazy.png">`, nil, false},
		{"xhref", `<a xhref="/static/x.css">`, nil, false},
		{"single quotes", `<script src='/static/single.js'></script>`, []string{"/static/single.js"}, false},
		{"upper case and spaces", "<link HREF =\n\"/static/upper.css\">", []string{"/static/upper.css"}, false},
		{"unquoted", `<img src=/static/bare.png alt=x><img src=/static/end.png>`, []string{"/static/bare.png", "/static/end.png"}, false},
		{"unterminated", `<link href="/static/ok.css"><script src="/static/open.js`, []string{"/static/ok.css"}, false},
		{"unterminated unquoted", `<img src=/static/open.png`, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := scanned([]byte(tc.html))
			if !slices.Equal(got, tc.want) {
				t.Errorf("scanned %q, want %q", got, tc.want)
			}
			if re := matched([]byte(tc.html)); slices.Equal(re, tc.want) != tc.asRegexp {
				t.Errorf("the regexp found %q: the table says it found the same: %v", re, tc.asRegexp)
			}
		})
	}
}

// The version is the first lower-case hex value of the version input; a
// draft is the digits of the first /assessment/ID/; both as the regexps
// had them, except a draft id too long for an int64, which is none (the
// regexp's was taken as draft 0).
func TestVersionAndDraftScanners(t *testing.T) {
	for _, page := range []string{`<input type="hidden" name="version" value="0a1b2c">`, `name="version" value="ABC"`, `name="version" value=""`,
		`name="version" value="12`, `name="version" value="xy" name="version" value="beef"`, `name="version" value="abc"`, `name="other" value="abc"`, ``} {
		v, ok := reviewedVersion([]byte(page))
		m := versionRe.FindStringSubmatch(page)
		if ok != (m != nil) || ok && v != m[1] {
			t.Errorf("%s: %q %v, the regexp %q", page, v, ok, m)
		}
	}
	for _, tc := range []struct {
		loc  string
		want int64
	}{
		{"/assessment/12/step/1", 12}, {"http://127.0.0.1:1/assessment/7/review#top", 7}, {"/assessment/x/assessment/5/", 5},
		{"/assessment//assessment/9/", 9}, {"/assessment/assessment/8/", 8}, {"/assessment/12", 0}, {"/assessments/3/", 0}, {"", 0},
		{"/assessment/99999999999999999999/step/1", 0},
	} {
		id, ok := draftIn(tc.loc)
		if id != tc.want || ok != (tc.want != 0) {
			t.Errorf("%s: draft %d %v, want %d", tc.loc, id, ok, tc.want)
		}
		if m := draftRe.FindStringSubmatch(tc.loc); tc.want != 0 && (m == nil || m[1] != strconv.FormatInt(tc.want, 10)) {
			t.Errorf("%s: the regexp found %q", tc.loc, m)
		}
	}
}

// The scanner against the regexp on a page of a step page's size (compare
// in one run: go test -bench Scan -count 5).
func BenchmarkScan(b *testing.B) {
	page := []byte(`<link rel="icon" href="/static/1/img/favicon.svg"><link rel="stylesheet" href="/static/2/css/app.css">` +
		`<script src="/static/3/js/app.js" defer></script>` +
		strings.Repeat(`<li><label><input type="radio" name="q.x" value="opt-1"> Doanh nghiệp đã số hoá quy trình</label></li>`+"\n", 800))
	for _, bc := range []struct {
		name string
		fn   func([]byte) []string
	}{{"scanner", scanned}, {"regexp", matched}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				bc.fn(page)
			}
		})
	}
}
