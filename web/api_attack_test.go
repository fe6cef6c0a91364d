package web

import (
	"bytes"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"dxready/auth"
)

// The attacker holds a revoked key, or guesses one, or knows a live key's
// prefix (it is shown in lists): every such request gets the very same
// 401, body and headers byte for byte (but the Date), so nothing tells a
// revoked key from an unknown one, or a right prefix from a wrong one.
func TestAPIUnauthorizedIsOneAnswer(t *testing.T) {
	e := newEnv(t)
	live, _ := e.issueAPIKey("IOC")
	revoked, rk := e.issueAPIKey("old")
	if err := e.st.RevokeAPIKey(ctx, rk.ID, e.fx.Admin.ID); err != nil {
		t.Fatal(err)
	}
	e.web.apiKeys.invalidate()
	if r := e.apiGet("/api/v1/indicators", revoked); r.status != 401 {
		t.Fatalf("a revoked key: %d", r.status)
	}
	unknown, _, _ := auth.NewAPIKey()
	last := "A"
	if strings.HasSuffix(live, "A") {
		last = "Q"
	}
	rightPrefix := live[:len(live)-1] + last // the live key but its last character
	cases := map[string][]string{
		"no key":               nil,
		"revoked":              {"Authorization", "Bearer " + revoked},
		"revoked as X-API-Key": {"X-API-Key", revoked},
		"unknown":              {"Authorization", "Bearer " + unknown},
		"right prefix":         {"Authorization", "Bearer " + rightPrefix},
		"malformed":            {"Authorization", "Bearer dxr_<script>"},
		"empty bearer":         {"Authorization", "Bearer "},
		"basic":                {"Authorization", "Basic " + live},
		"key twice":            {"Authorization", "Bearer " + live + " " + live},
		"SQL":                  {"X-API-Key", "' OR 1=1 --"},
		"10 kB":                {"X-API-Key", strings.Repeat("dxr_", 2500)},
	}
	var first *apiResp
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		h := cases[name]
		r := e.apiGet("/api/v1/indicators/overall-mean/series", "", h...)
		if r.status != 401 || r.header.Get("WWW-Authenticate") != `Bearer realm="dxready"` {
			t.Errorf("%s: %d %q", name, r.status, r.header.Get("WWW-Authenticate"))
		}
		r.header.Del("Date")
		if first == nil {
			first = &r
			continue
		}
		if !bytes.Equal(r.body, first.body) || !maps.EqualFunc(r.header, first.header, slices.Equal) {
			t.Errorf("%s answers differently:\n%v %s\n%v %s", name, r.header, r.body, first.header, first.body)
		}
	}
	// A key in the query string is never read: without a header it is no key.
	q := e.apiGet("/api/v1/indicators?key="+url.QueryEscape(live), "")
	q.header.Del("Date")
	if q.status != 401 || !bytes.Equal(q.body, first.body) {
		t.Errorf("a key in the query string: %d %s", q.status, q.body)
	}
	if r := e.apiGet("/api/v1/indicators", "", "X-API-Key", live); r.status != 200 {
		t.Errorf("the live key as X-API-Key: %d", r.status)
	}
}

// A key of another scope (the table allows only indicators:read, so it
// can only come from a future scope or a hand-edited row) reads nothing.
func TestAPIKeyOfAnotherScope(t *testing.T) {
	e := newEnv(t)
	key, k := e.issueAPIKey("IOC")
	keys, err := e.web.apiKeys.load(ctx, e.st, e.fx.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	keys[k.Prefix].scope = "indicators:write"
	r := e.apiGet("/api/v1/indicators", key)
	if r.status != http.StatusForbidden || r.errorCode() != "insufficient_scope" {
		t.Errorf("a key of another scope: %d %s", r.status, r.body)
	}
}

// A burst over the rate gets 429 with Retry-After in whole seconds; the
// bucket refills with time; one key's burst does not spend another's.
func TestAPIRateLimitPerKey(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.APIRate, c.APIBurst = 2, 5 })
	key, _ := e.issueAPIKey("IOC")
	other, _ := e.issueAPIKey("other")
	for i := range 5 {
		if r := e.apiGet("/api/v1/indicators/overall-mean", key); r.status != 200 {
			t.Fatalf("request %d of the burst: %d", i+1, r.status)
		}
	}
	r := e.apiGet("/api/v1/indicators/overall-mean", key)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" || r.errorCode() != "rate_limited" {
		t.Fatalf("over the burst: %d, Retry-After %q, %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	if r := e.apiGet("/api/v1/indicators/overall-mean", other); r.status != 200 {
		t.Errorf("another key, spent by the first: %d", r.status)
	}
	e.fx.Clock.Add(500 * time.Millisecond) // one token at 2 a second
	if r := e.apiGet("/api/v1/indicators/overall-mean", key); r.status != 200 {
		t.Errorf("after half a second: %d", r.status)
	}
	if r := e.apiGet("/api/v1/indicators/overall-mean", key); r.status != 429 {
		t.Errorf("the refilled token spent twice: %d", r.status)
	}
}

// last_used_at is written on the first use, then at most once a minute,
// however many requests come.
func TestAPIKeyUseRecordedAtMostOnceAMinute(t *testing.T) {
	e := newEnv(t)
	key, k := e.issueAPIKey("IOC")
	lastUsed := func() time.Time {
		keys, err := e.st.APIKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range keys {
			if x.ID == k.ID {
				return x.LastUsedAt
			}
		}
		t.Fatal("the key is gone")
		return time.Time{}
	}
	t0 := e.fx.Clock.Now()
	for range 3 {
		e.apiGet("/api/v1/datasets", key)
	}
	if got := lastUsed(); !got.Equal(t0) {
		t.Fatalf("last used %v, want %v", got, t0)
	}
	e.fx.Clock.Add(59 * time.Second)
	e.apiGet("/api/v1/datasets", key)
	if got := lastUsed(); !got.Equal(t0) {
		t.Errorf("written again within the minute: %v", got)
	}
	e.fx.Clock.Add(time.Second)
	e.apiGet("/api/v1/datasets", key)
	if got := lastUsed(); !got.Equal(t0.Add(time.Minute)) {
		t.Errorf("a minute later: %v", got)
	}
}

// Hostile parameters and paths never give a 500, and the answer never
// holds what was sent (the messages say which parameter, never its value).
func TestAPIHostileInput(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.APIBurst = 1 << 20 }) // every request reaches the handlers
	key, _ := e.issueAPIKey("IOC")
	values := []string{"<script>alert(1)</script>", strings.Repeat("A", 10<<10), "' OR 1=1; DROP TABLE api_keys; --", "a\x00b",
		"../../etc/passwd", "%00", "\u202e\u0000", "2026-Q1<img src=x>"}
	params := []string{"lang", "limit", "cursor", "dimension", "code", "from", "to", "<b>"}
	for _, v := range values {
		for _, p := range params {
			for _, path := range []string{"/api/v1/indicators", "/api/v1/indicators/overall-mean/series", "/api/v1/datasets/readiness-by-ward"} {
				checkHostile(t, e, path+"?"+url.QueryEscape(p)+"="+url.QueryEscape(v), key)
			}
		}
		checkHostile(t, e, "/api/v1/indicators/"+url.PathEscape(v), key)
		checkHostile(t, e, "/api/v1/indicators/"+url.PathEscape(v)+"/series", key)
		checkHostile(t, e, "/api/v1/datasets/"+url.PathEscape(v), key)
	}
	for _, path := range []string{"/api/v1/indicators/..%2F..%2Fopenapi.json", "/api/v1/indicators/%2e%2e/series",
		"/api/v1/datasets/..%2f..%2f..%2fetc%2fpasswd", "/api/v1/../v1/indicators", "/api/v1/indicators/overall-mean%00"} {
		r := checkHostile(t, e, path, key)
		if r.status == 200 && strings.Contains(path, "openapi") {
			t.Errorf("%s reached the document", path)
		}
	}
	// The store still holds the key: no SQL ran from any of it.
	if r := e.apiGet("/api/v1/indicators", key); r.status != 200 {
		t.Errorf("after the attack: %d", r.status)
	}
}

func checkHostile(t *testing.T, e *env, path, key string) apiResp {
	t.Helper()
	r := e.apiGet(path, key)
	if r.status >= 500 || r.status == 429 {
		t.Errorf("GET %.120s: %d", path, r.status)
	}
	if r.status != 200 {
		for _, bad := range []string{"<script", "<img", "<b>", "DROP TABLE", "passwd", "AAAAAAAAAA", "\x00"} {
			if bytes.Contains(r.body, []byte(bad)) {
				t.Errorf("GET %.120s: the answer holds %q: %s", path, bad, truncate(r.body))
			}
		}
	}
	return r
}

// A key revoked behind this server's back (another process) is refused
// within a minute; a reload of the keys (an issue here) keeps every
// bucket, so issuing keys does not refill a spent one.
func TestAPIKeysReloadKeepsBucketsAndSeesRevocations(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.APIRate, c.APIBurst = 1, 2 })
	key, k := e.issueAPIKey("IOC")
	for range 2 {
		e.apiGet("/api/v1/datasets", key)
	}
	e.issueAPIKey("another") // invalidates the loaded keys
	if r := e.apiGet("/api/v1/datasets", key); r.status != 429 {
		t.Errorf("the spent bucket after a reload: %d", r.status)
	}
	if err := e.st.RevokeAPIKey(ctx, k.ID, e.fx.Admin.ID); err != nil { // not through the admin page: no invalidate
		t.Fatal(err)
	}
	e.fx.Clock.Add(apiKeysReload)
	if r := e.apiGet("/api/v1/datasets", key); r.status != 401 {
		t.Errorf("a key revoked elsewhere, a minute later: %d", r.status)
	}
}

// Many clients at once while keys are issued: every request is answered
// 200 (within the burst) and the bucket counts each exactly once (run
// with -race, this is the check of the keyring's locking).
func TestAPIConcurrentClients(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.APIRate, c.APIBurst = 1, 160 })
	key, _ := e.issueAPIKey("IOC")
	var wg sync.WaitGroup
	statuses := make(chan int, 200)
	for range 8 {
		wg.Go(func() {
			for range 20 {
				req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/indicators/overall-mean/series?dimension=size", nil)
				req.Header.Set("X-API-Key", key)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				statuses <- res.StatusCode
			}
		})
	}
	wg.Go(func() {
		for range 5 {
			e.web.apiKeys.invalidate()
		}
	})
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != 200 {
			t.Errorf("a concurrent request: %d", s)
		}
	}
	if r := e.apiGet("/api/v1/indicators/overall-mean/series?dimension=size", key); r.status != 429 {
		t.Errorf("the 161st request of a burst of 160: %d", r.status)
	}
}
