package loadtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
)

// A post answered 303 is followed with a GET of the page it leads to, and
// that page's redirect too (its fragment dropped), until a page is shown;
// the page's CSS and JS are fetched once per client, as a browser's cache
// keeps them; a redirect loop ends after maxHops instead of spinning.
func TestSendFollowsRedirectsAndCachesAssets(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	mux := http.NewServeMux()
	count := func(r *http.Request) {
		mu.Lock()
		hits[r.Method+" "+r.URL.Path]++
		mu.Unlock()
	}
	mux.HandleFunc("POST /form", func(w http.ResponseWriter, r *http.Request) {
		count(r)
		http.Redirect(w, r, "/next", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /next", func(w http.ResponseWriter, r *http.Request) {
		count(r)
		http.Redirect(w, r, "/page#q-7", http.StatusFound)
	})
	mux.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) {
		count(r)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<link rel="stylesheet" href="/static/app.ab12.css"><script src="/static/app.cd34.js" defer></script><a href="/other">x</a>`))
	})
	mux.HandleFunc("GET /static/", func(w http.ResponseWriter, r *http.Request) { count(r) })
	mux.HandleFunc("GET /loop", func(w http.ResponseWriter, r *http.Request) {
		count(r)
		http.Redirect(w, r, "/loop", http.StatusSeeOther)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	lt := &loadTest{base: srv.URL}
	c := lt.newClients(1)[0]
	for range 2 {
		s, err := c.send(context.Background(), http.MethodPost, "/form", url.Values{"a": {"1"}})
		if err != nil || s.status != http.StatusSeeOther || s.loc != "/next" || s.final != http.StatusOK || s.url != "/page" {
			t.Fatalf("send: %+v, %v", s, err)
		}
	}
	want := map[string]int{"POST /form": 2, "GET /next": 2, "GET /page": 2, "GET /static/app.ab12.css": 1, "GET /static/app.cd34.js": 1}
	for k, n := range want {
		if hits[k] != n {
			t.Errorf("%s: %d requests, want %d (all: %v)", k, hits[k], n, hits)
		}
	}
	if lt.counts.pages.Load() != 2 || lt.counts.assets.Load() != 2 {
		t.Errorf("pages %d, assets %d; want 2 and 2", lt.counts.pages.Load(), lt.counts.assets.Load())
	}
	s, err := c.send(context.Background(), http.MethodGet, "/loop", nil)
	if err != nil || s.final != http.StatusSeeOther || hits["GET /loop"] != maxHops+1 {
		t.Errorf("loop: %+v, %v, %d requests", s, err, hits["GET /loop"])
	}
}
