package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// ATTACK16: the IOC feed and its keys, as someone without a key, with a
// key, or as a page of another site that an admin happens to visit.

// A page of another site makes the signed-in admin's browser POST the
// issue and revoke forms (CSRF): both refused, no key made, none revoked.
func TestAttack16CrossSiteIssueAndRevoke(t *testing.T) {
	e := newEnv(t)
	key, k := e.issueAPIKey("IOC")
	admin := e.client().login("admin@test.local")
	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		if r := admin.post("/admin/apikeys", url.Values{"name": {"evil"}, "owner": {"evil"}}, h...); r.status < 400 {
			t.Errorf("cross-site issue with %v: %d", h, r.status)
		}
		if r := admin.post(fmt.Sprintf("/admin/apikeys/%d/revoke", k.ID), nil, h...); r.status < 400 {
			t.Errorf("cross-site revoke with %v: %d", h, r.status)
		}
	}
	if keys, _ := e.st.APIKeys(ctx); len(keys) != 1 || keys[0].Revoked() {
		t.Errorf("after the cross-site posts: %d keys, revoked %v", len(keys), len(keys) > 0 && keys[0].Revoked())
	}
	if r := e.apiGet("/api/v1/indicators", key); r.status != 200 {
		t.Errorf("the key after the cross-site revoke: %d", r.status)
	}
}

// Smuggling a key: a key in the query string, a wrong Bearer beside a
// right X-API-Key, a non-Bearer Authorization beside a right X-API-Key,
// the key in lower case or with a trailing byte. One answer: 401. And
// the two headers share one bucket (no second rate by switching header).
func TestAttack16KeySmuggling(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.APIRate, c.APIBurst = 1, 4 })
	key, _ := e.issueAPIKey("IOC")
	wrong := "dxr_" + strings.Repeat("A", len(key)-4) // the shape of a key, issued to no one
	cases := []struct {
		path    string
		headers []string
	}{
		{"/api/v1/indicators?api_key=" + key, nil},
		{"/api/v1/indicators", []string{"Authorization", "Bearer " + wrong, "X-API-Key", key}},
		{"/api/v1/indicators", []string{"Authorization", "Basic " + key, "X-API-Key", key}},
		{"/api/v1/indicators", []string{"Authorization", "Bearer " + strings.ToLower(key)}},
		{"/api/v1/indicators", []string{"Authorization", "Bearer " + key + "="}},
		{"/api/v1/indicators", []string{"Authorization", "Bearer " + key[:len(key)-1]}},
	}
	for _, c := range cases {
		if r := e.apiGet(c.path, "", c.headers...); r.status != 401 || r.errorCode() != "unauthorized" {
			t.Errorf("%s %v: %d %s", c.path, c.headers, r.status, r.body)
		}
	}
	for i := range 4 {
		h := "X-API-Key"
		v := key
		if i%2 == 0 {
			h, v = "Authorization", "bearer "+key
		}
		if r := e.apiGet("/api/v1/indicators", "", h, v); r.status != 200 {
			t.Errorf("request %d of the burst of 4 through %s: %d", i+1, h, r.status)
		}
	}
	if r := e.apiGet("/api/v1/indicators", "", "X-API-Key", key); r.status != 429 {
		t.Errorf("the fifth through the other header: %d", r.status)
	}
}

// Memory through the feed's body cache: a key walks more distinct valid
// ranges (from, to) than the cache holds, and as many refused queries.
// The cache never passes apiBodyLimit and keeps no refused query.
func TestAttack16FeedCacheIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 4,400 requests")
	}
	e := newEnv(t, func(c *Config) { c.APIBurst = 1 << 20 })
	key, _ := e.issueAPIKey("IOC")
	get := func(path string) int {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
		req.Header.Set("X-API-Key", key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	size := func() int {
		e.web.apiBodies.mu.RLock()
		defer e.web.apiBodies.mu.RUnlock()
		return len(e.web.apiBodies.m)
	}
	for i := range 200 {
		for _, path := range []string{"/api/v1/indicators/overall-mean/series?code=" + fmt.Sprint(i),
			"/api/v1/indicators/no-such-" + fmt.Sprint(i) + "/series", "/api/v1/indicators/overall-mean/series?cursor=" + fmt.Sprint(i) + "&dimension=ward"} {
			if s := get(path); s != 404 && s != 400 {
				t.Fatalf("%s: %d", path, s)
			}
		}
	}
	if n := size(); n != 0 {
		t.Errorf("%d refused queries kept", n)
	}
	max, n := 0, 0
	for limit := 1; limit <= 100 && n < apiBodyLimit+100; limit++ {
		for y := 2000; y < 2050; y++ {
			if s := get(fmt.Sprintf("/api/v1/indicators/overall-mean/series?from=%d-Q1&limit=%d", y, limit)); s != 200 {
				t.Fatalf("from %d-Q1, limit %d: %d", y, limit, s)
			}
			n++
			max = maxInt(max, size())
		}
	}
	t.Logf("%d distinct valid queries, the cache held at most %d", n, max)
	if max > apiBodyLimit {
		t.Errorf("the cache grew to %d answers, past its %d", max, apiBodyLimit)
	}
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// Other methods and hostile numbers: HEAD gives the headers of GET and no
// body; OPTIONS (a CORS preflight) is a JSON 405 with no
// Access-Control-Allow-* (the feed is not for browsers of other sites);
// a 100 kB cursor, negative, signed, overflowing and unicode limits are
// 400s.
func TestAttack16FeedMethodsAndNumbers(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.APIBurst = 1 << 20 })
	key, _ := e.issueAPIKey("IOC")
	req, _ := http.NewRequest(http.MethodHead, e.srv.URL+"/api/v1/indicators", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	head, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(head.Body)
	head.Body.Close()
	if head.StatusCode != 200 || len(body) != 0 || head.Header.Get("ETag") == "" {
		t.Errorf("HEAD: %d, %d bytes, ETag %q", head.StatusCode, len(body), head.Header.Get("ETag"))
	}
	req, _ = http.NewRequest(http.MethodOptions, e.srv.URL+"/api/v1/indicators", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "authorization")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 405 || res.Header.Get("Access-Control-Allow-Origin") != "" || res.Header.Get("Access-Control-Allow-Headers") != "" {
		t.Errorf("preflight: %d %v", res.StatusCode, res.Header)
	}
	for _, q := range []string{"cursor=" + strings.Repeat("Zz", 50<<10) + "&dimension=ward", "limit=-1", "limit=+5", "limit=0", "limit=101",
		"limit=99999999999999999999", "limit=%EF%BC%95", "limit=5.0", "limit=0x10", "limit=%205"} {
		if r := e.apiGet("/api/v1/indicators/overall-mean/series?"+q, key); r.status != 400 {
			t.Errorf("%.60s: %d %s", q, r.status, truncate(r.body))
		}
	}
}
