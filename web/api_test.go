package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dxready/auth"
	"dxready/store"
)

// issueAPIKey stores a live key as the admin page does and returns it.
func (e *env) issueAPIKey(name string) (string, *store.APIKey) {
	e.t.Helper()
	key, prefix, hash := auth.NewAPIKey()
	k := &store.APIKey{Prefix: prefix, Hash: hash, Name: name, Owner: "IOC", Scope: auth.ScopeIndicatorsRead, CreatedBy: e.fx.Admin.ID}
	if err := e.st.CreateAPIKey(ctx, k); err != nil {
		e.t.Fatal(err)
	}
	e.web.apiKeys.invalidate()
	return key, k
}

func decodeJSON[T any](t *testing.T, r apiResp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("%d %s: %v", r.status, truncate(r.body), err)
	}
	return v
}

// The OpenAPI document is public and cached like every answer.
func TestAPIOpenAPIDocument(t *testing.T) {
	e := newEnv(t)
	r := e.apiGet("/api/v1/openapi.json", "")
	if r.status != 200 || !strings.Contains(string(r.body), `"openapi": "3.1.0"`) {
		t.Fatalf("openapi.json: %d", r.status)
	}
	if nm := e.apiGet("/api/v1/openapi.json", "", "If-None-Match", r.header.Get("ETag")); nm.status != http.StatusNotModified {
		t.Errorf("the document again with its ETag: %d", nm.status)
	}
	if bad := e.apiGet("/api/v1/openapi.json?x=1", ""); bad.status != 400 || bad.errorCode() != "unknown_parameter" {
		t.Errorf("openapi.json?x=1: %d %s", bad.status, bad.body)
	}
}

// The catalogue pages with its cursor until next_cursor is null, each
// indicator once, named in the language asked; an ETag held answers 304.
func TestAPIIndicatorsPageThroughTheCatalogue(t *testing.T) {
	e := newEnv(t)
	key, _ := e.issueAPIKey("IOC")
	p, err := e.web.publication(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	path := "/api/v1/indicators?limit=7&lang=en"
	for pages := 0; ; pages++ {
		r := e.apiGet(path, key)
		if r.status != 200 || r.header.Get("Cache-Control") != "private, max-age=60" || r.header.Get("Content-Type") != apiContentType {
			t.Fatalf("%s: %d %v", path, r.status, r.header)
		}
		list := decodeJSON[apiIndicatorList](t, r)
		if len(list.Indicators) > 7 || list.ComputedAt.IsZero() {
			t.Fatalf("a page of %d, computed %v", len(list.Indicators), list.ComputedAt)
		}
		for _, ind := range list.Indicators {
			if seen[ind.ID] {
				t.Errorf("%s on two pages", ind.ID)
			}
			seen[ind.ID] = true
			if strings.HasPrefix(ind.Name, "opendata.") || ind.Definition == "" || strings.Contains(ind.Name, "{{") {
				t.Errorf("%s is named %q", ind.ID, ind.Name)
			}
		}
		if list.NextCursor == nil {
			break
		}
		path = "/api/v1/indicators?limit=7&lang=en&cursor=" + url.QueryEscape(*list.NextCursor)
	}
	if len(seen) != len(p.Indicators) {
		t.Errorf("%d indicators paged, %d published", len(seen), len(p.Indicators))
	}
	first := e.apiGet("/api/v1/indicators", key)
	if nm := e.apiGet("/api/v1/indicators", key, "If-None-Match", first.header.Get("ETag")); nm.status != 304 || len(nm.body) != 0 {
		t.Errorf("the catalogue with its ETag: %d", nm.status)
	}
	if other := e.apiGet("/api/v1/indicators?lang=en", key, "If-None-Match", first.header.Get("ETag")); other.status != 200 {
		t.Errorf("another query with the first one's ETag: %d", other.status)
	}
	vi := decodeJSON[apiIndicatorOne](t, e.apiGet("/api/v1/indicators/overall-mean", key))
	en := decodeJSON[apiIndicatorOne](t, e.apiGet("/api/v1/indicators/overall-mean?lang=en", key, "X-Unused", "1"))
	if vi.Indicator.Name == en.Indicator.Name || en.Indicator.Name != "Mean readiness score" || en.Indicator.Unit != "score" {
		t.Errorf("names vi %q en %q", vi.Indicator.Name, en.Indicator.Name)
	}
	est := decodeJSON[apiIndicatorOne](t, e.apiGet("/api/v1/indicators/estimate-overall-mean", key))
	if !est.Indicator.Estimate || strings.Join(est.Indicator.Dimensions, ",") != "province,section,size" {
		t.Errorf("the estimate is published for %v", est.Indicator.Dimensions)
	}
}

// A series is the publication's, point for point: null where it is null,
// intervals for estimates only; every group of a dimension pages in code
// order; from and to cut it.
func TestAPISeriesAreThePublications(t *testing.T) {
	e := newEnv(t)
	key, _ := e.issueAPIKey("IOC")
	p, err := e.web.publication(ctx)
	if err != nil {
		t.Fatal(err)
	}
	prov := decodeJSON[apiSeriesJSON](t, e.apiGet("/api/v1/indicators/estimate-overall-mean/series", key))
	want, _ := p.Series("estimate-overall-mean", "province", "")
	if len(prov.Series) != 1 || prov.Series[0].Code != nil || len(prov.Series[0].Points) != len(want) || len(want) != 8 {
		t.Fatalf("province series %+v, publication %d points", prov, len(want))
	}
	for i, pt := range prov.Series[0].Points {
		w := want[i]
		if pt.Quarter != w.Quarter.String() || (pt.Value == nil) != w.Null || (pt.Value != nil && *pt.Value != w.V) || (pt.Lo != nil) != w.Interval {
			t.Errorf("point %d: %+v, published %+v", i, pt, w)
		}
	}
	codes := p.Codes("section")
	if len(codes) < 2 {
		t.Fatalf("the fixtures publish %d sections", len(codes))
	}
	var paged []string
	path := "/api/v1/indicators/firms-assessed/series?dimension=section&limit=1"
	for range len(codes) + 1 {
		s := decodeJSON[apiSeriesJSON](t, e.apiGet(path, key))
		for _, g := range s.Series {
			paged = append(paged, *g.Code)
			for _, pt := range g.Points {
				if pt.Lo != nil || pt.Hi != nil {
					t.Errorf("a count with an interval: %+v", pt)
				}
			}
		}
		if s.NextCursor == nil {
			break
		}
		path = "/api/v1/indicators/firms-assessed/series?dimension=section&limit=1&cursor=" + *s.NextCursor
	}
	if strings.Join(paged, ",") != strings.Join(codes, ",") {
		t.Errorf("paged %v, published %v", paged, codes)
	}
	q := p.Quarters
	one := decodeJSON[apiSeriesJSON](t, e.apiGet("/api/v1/indicators/overall-mean/series?dimension=section&code="+codes[0]+
		"&from="+q[2].String()+"&to="+q[4].String(), key))
	if len(one.Series) != 1 || len(one.Series[0].Points) != 3 || one.Series[0].Points[0].Quarter != q[2].String() {
		t.Errorf("one section from %s to %s: %+v", q[2], q[4], one)
	}
	if r := e.apiGet("/api/v1/indicators/estimate-overall-mean/series?dimension=ward", key); r.status != 404 || r.errorCode() != "unknown_indicator" {
		t.Errorf("an estimate by ward: %d %s", r.status, r.body)
	}
}

// Datasets carry their metadata and where /data serves them.
func TestAPIDatasets(t *testing.T) {
	e := newEnv(t)
	key, _ := e.issueAPIKey("IOC")
	list := decodeJSON[apiDatasetList](t, e.apiGet("/api/v1/datasets?lang=en", key))
	if len(list.Datasets) != 8 {
		t.Fatalf("%d datasets", len(list.Datasets))
	}
	one := decodeJSON[apiDatasetOne](t, e.apiGet("/api/v1/datasets/readiness-by-ward", key))
	d := one.Dataset
	if d.Downloads["csv"] != "/data/v1/readiness-by-ward.csv" || d.Frequency != "quarterly" || len(d.Quarters) != 8 || d.Licence == "" ||
		strings.Contains(strings.Join(d.Indicators, ","), "estimate") {
		t.Errorf("dataset %+v", d)
	}
	if part := decodeJSON[apiDatasetOne](t, e.apiGet("/api/v1/datasets/participation-by-size", key)); len(part.Dataset.Quarters) != 0 {
		t.Errorf("participation to date holds quarters %v", part.Dataset.Quarters)
	}
}

// Bad input: a 400 or 404 in the one error shape, with a stable code,
// never a 500, and never the input written back.
func TestAPIBadInput(t *testing.T) {
	e := newEnv(t)
	key, _ := e.issueAPIKey("IOC")
	otherCursor := encodeCursor("gward", "25741")
	for _, c := range []struct {
		path   string
		status int
		code   string
	}{
		{"/api/v1/indicators?page=2", 400, "unknown_parameter"},
		{"/api/v1/indicators?api_key=" + key, 400, "unknown_parameter"},
		{"/api/v1/indicators?limit=5&limit=6", 400, "repeated_parameter"},
		{"/api/v1/indicators?lang=fr", 400, "bad_lang"},
		{"/api/v1/indicators?limit=0", 400, "bad_limit"},
		{"/api/v1/indicators?limit=101", 400, "bad_limit"},
		{"/api/v1/indicators?limit=%2B5", 400, "bad_limit"},
		{"/api/v1/indicators?limit=5.0", 400, "bad_limit"},
		{"/api/v1/indicators?cursor=not-a-cursor", 400, "bad_cursor"},
		{"/api/v1/indicators?cursor=" + otherCursor, 400, "bad_cursor"},
		{"/api/v1/indicators?cursor=" + encodeCursor("i", "no-such"), 400, "bad_cursor"},
		{"/api/v1/indicators?%zz", 400, "bad_query"},
		{"/api/v1/indicators/overall-mean/series?dimension=district", 400, "bad_dimension"},
		{"/api/v1/indicators/overall-mean/series?from=2026-Q5", 400, "bad_quarter"},
		{"/api/v1/indicators/overall-mean/series?to=2026Q1", 400, "bad_quarter"},
		{"/api/v1/indicators/overall-mean/series?from=2026-Q2&to=2026-Q1", 400, "bad_range"},
		{"/api/v1/indicators/overall-mean/series?dimension=section&cursor=" + otherCursor, 400, "bad_cursor"},
		{"/api/v1/indicators/no-such", 404, "unknown_indicator"},
		{"/api/v1/indicators/no-such/series", 404, "unknown_indicator"},
		{"/api/v1/indicators/overall-mean/series?dimension=ward&code=99999", 404, "unknown_group"},
		{"/api/v1/indicators/overall-mean/series?code=x", 404, "unknown_group"},
		{"/api/v1/datasets/no-such", 404, "unknown_dataset"},
		{"/api/v2/indicators", 404, "not_found"},
		{"/api/v1/nothing", 404, "not_found"},
		{"/api/v1", 404, "not_found"},
		{"/api", 404, "not_found"},
	} {
		r := e.apiGet(c.path, key)
		if r.status != c.status || r.errorCode() != c.code {
			t.Errorf("GET %s = %d %s, want %d %s", c.path, r.status, r.body, c.status, c.code)
		}
		if r.header.Get("Cache-Control") != "no-store" || r.header.Get("ETag") != "" {
			t.Errorf("GET %s: an error with Cache-Control %q, ETag %q", c.path, r.header.Get("Cache-Control"), r.header.Get("ETag"))
		}
	}
}

// Any method but GET is a JSON 405, with or without a key, and no cookie
// is ever set.
func TestAPIIsReadOnly(t *testing.T) {
	e := newEnv(t)
	key, _ := e.issueAPIKey("IOC")
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
		for _, path := range []string{"/api/v1/indicators", "/api/v1/openapi.json", "/api/v1/indicators/overall-mean/series"} {
			req, _ := http.NewRequest(m, e.srv.URL+path, strings.NewReader("x=1"))
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Origin", "https://evil.example")
			r := e.apiDo(req)
			if r.status != 405 || r.errorCode() != "method_not_allowed" || r.header.Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s = %d %s", m, path, r.status, r.body)
			}
		}
	}
	signedIn := e.client().login("admin@test.local")
	res := signedIn.get("/api/v1/indicators")
	if res.status != 401 || res.header.Get("Set-Cookie") != "" {
		t.Errorf("a signed-in browser without a key: %d, cookies %q", res.status, res.header.Get("Set-Cookie"))
	}
	if r := e.apiGet("/api/v1/indicators", key); len(r.header.Values("Set-Cookie")) != 0 {
		t.Errorf("the API set a cookie: %v", r.header.Values("Set-Cookie"))
	}
}
