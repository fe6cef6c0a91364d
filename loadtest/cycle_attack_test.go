package loadtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A cycle through the client's raw connection still fails on every wrong
// answer it failed on through net/http: a 500 to a post or to the page
// it leads to, a truncated or malformed answer, a start that names no
// draft, a review without its version form (or with a broken one); and
// it still goes through a page sent chunked, in pieces.
func TestCycleFailsOnEveryWrongAnswer(t *testing.T) {
	in := instrument(t)
	b, cleanup, err := newBareServer(context.Background(), pageSizes{"step/1": 6000, "review": 4000}, len(in.Pillars))
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	raw := func(w http.ResponseWriter, answer string) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		conn.Write([]byte(answer))
	}
	html := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(body))
	}
	cases := []struct {
		name  string
		match string // METHOD and path suffix of the request that goes wrong
		fault func(w http.ResponseWriter)
		fails bool
	}{
		{"all well", "", nil, false},
		{"a page sent chunked, flushed in pieces", "GET /step/2", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			for i := range 40 {
				fmt.Fprintf(w, "<p>%d %s</p>\n", i, strings.Repeat("x", 300))
				http.NewResponseController(w).Flush()
			}
		}, false},
		{"500 to a step post", "POST /step/3", func(w http.ResponseWriter) { http.Error(w, "boom", 500) }, true},
		{"500 to the page a step led to", "GET /step/4", func(w http.ResponseWriter) { http.Error(w, "boom", 500) }, true},
		{"404 to the result", "GET /result", func(w http.ResponseWriter) { http.Error(w, "gone", 404) }, true},
		{"a truncated page (the last of the cycle)", "GET /result", func(w http.ResponseWriter) {
			raw(w, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000\r\n\r\n<html><body>only a part")
		}, true},
		{"a truncated chunked page", "GET /step/5", func(w http.ResponseWriter) {
			raw(w, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n<html><body>0123\r\n40\r\nshort")
		}, true},
		{"a malformed status line", "GET /step/1", func(w http.ResponseWriter) { raw(w, "HTTP/1.1 2OO OK\r\n\r\n") }, true},
		{"a start that names no draft", "POST /assessment", func(w http.ResponseWriter) {
			w.Header().Set("Location", "/")
			w.WriteHeader(http.StatusSeeOther)
		}, true},
		{"a review without its version form", "GET /review", func(w http.ResponseWriter) {
			html(w, `<html><body><form method="post" action="submit"><button>Nộp</button></form></body></html>`)
		}, true},
		{"a review whose version is broken markup", "GET /review", func(w http.ResponseWriter) {
			html(w, `<html><body><form><input type="hidden" name="version" value="0a1b`)
		}, true},
		{"a review whose version is not hex", "GET /review", func(w http.ResponseWriter) {
			html(w, `<input type="hidden" name="version" value="zz">`)
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.fault != nil && strings.HasPrefix(tc.match, r.Method+" ") && strings.HasSuffix(r.URL.Path, strings.TrimPrefix(tc.match, r.Method+" ")) {
					tc.fault(w)
					return
				}
				b.ServeHTTP(w, r)
			})}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			go srv.Serve(ln)
			defer srv.Close()
			lt := &loadTest{base: "http://" + ln.Addr().String(), in: in, duration: time.Minute, maxReq: 1}
			cs := lt.newClients(1)
			defer closeClients(cs)
			cs[0].t.(*wireClient).timeout = 5 * time.Second // a client waiting for bytes never sent fails, not hangs
			var samples []string
			record := func(kind string, _ time.Duration, ok bool) { samples = append(samples, fmt.Sprintf("%s:%v", kind, ok)) }
			err = lt.cycle(context.Background(), cs[0], rand.New(rand.NewPCG(1, 2)), record)
			if tc.fails && err == nil {
				t.Fatalf("the cycle passed (samples %v)", samples)
			}
			if !tc.fails && (err != nil || samples[len(samples)-1] != "cycle:true") {
				t.Fatalf("the cycle failed: %v (samples %v)", err, samples)
			}
		})
	}
}
