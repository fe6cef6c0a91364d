package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// stdTransport is what the tool used before wire.go: net/http's Client
// with a cookiejar, never following redirects itself. The tests hold the
// tool's own client to it.
type stdTransport struct {
	c      *http.Client
	origin string
}

func newStdTransport(origin string) *stdTransport {
	jar, _ := cookiejar.New(nil)
	return &stdTransport{origin: origin, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		Transport:     &http.Transport{},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (s *stdTransport) roundTrip(ctx context.Context, rq *request, body *bytes.Buffer) (response, error) {
	var r io.Reader
	if rq.form {
		r = strings.NewReader(rq.body)
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, s.origin+rq.target, r)
	if err != nil {
		return response{}, err
	}
	if rq.form {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Encoding", "br, gzip")
	if rq.xff != "" {
		req.Header.Set("X-Forwarded-For", rq.xff)
	}
	res, err := s.c.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	out := response{status: res.StatusCode, location: res.Header.Get("Location"), html: strings.HasPrefix(res.Header.Get("Content-Type"), "text/html")}
	if body == nil {
		_, err = io.Copy(io.Discard, res.Body)
	} else {
		_, err = body.ReadFrom(io.LimitReader(res.Body, maxPage))
	}
	return out, err
}

func (s *stdTransport) close() { s.c.CloseIdleConnections() }

// exchangeLog records every request a server receives, as it received
// it: method, target, protocol, Host, each header with its values (the
// order net/http's parser gives), length and body. The server's own
// address is replaced by HOST.
type exchangeLog struct {
	mu   sync.Mutex
	reqs []string
}

func (l *exchangeLog) record(r *http.Request, host string) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s\nHost: %s\n", r.Method, r.RequestURI, r.Proto, strings.ReplaceAll(r.Host, host, "HOST"))
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range r.Header {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %q\n", k, r.Header[k])
	}
	fmt.Fprintf(&b, "length %d, transfer %q\n%s", r.ContentLength, r.TransferEncoding, body)
	l.mu.Lock()
	l.reqs = append(l.reqs, b.String())
	l.mu.Unlock()
}

// cookieSetter sets and clears cookies as the portal does (session.go,
// middleware.go, device.go), and some the portal might: a session on the
// start, a flash on each post cleared by the page it leads to, a cookie
// of a narrower path, one with Expires, a quoted one.
func cookieSetter(next http.Handler, log *exchangeLog, host func() string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.record(r, host())
		h := w.Header()
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/assessment":
			h.Add("Set-Cookie", "dxready_session=tok-"+r.Header.Get("X-Forwarded-For")+"; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax")
			h.Add("Set-Cookie", "lang=vi; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax")
			h.Add("Set-Cookie", `draft="d 1"; Path=/assessment`)
			h.Add("Set-Cookie", "seen=1; Expires="+time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
		case r.Method == http.MethodPost:
			h.Add("Set-Cookie", "flash=saved; Path=/; Max-Age=60; HttpOnly; SameSite=Lax")
		default:
			if _, err := r.Cookie("flash"); err == nil {
				h.Add("Set-Cookie", "flash=; Path=/; Max-Age=0")
			}
		}
		if strings.HasSuffix(r.URL.Path, "/submit") {
			h.Add("Set-Cookie", "seen=; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
			h.Add("Set-Cookie", "draft=x; Path=/assessment; Max-Age=-1")
		}
		next.ServeHTTP(w, r)
	})
}

// recordCycles runs cycles whole cycles of one client on a fresh bare
// cycle server behind cookieSetter, sending with the transport mk makes,
// and returns what the server received.
func recordCycles(t *testing.T, mk func(origin string) transport, cycles int) []string {
	t.Helper()
	in := instrument(t)
	b, cleanup, err := newBareServer(context.Background(), pageSizes{}, len(in.Pillars))
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	log := &exchangeLog{}
	var srv *httptest.Server
	srv = httptest.NewServer(cookieSetter(b, log, func() string { return srv.Listener.Addr().String() }))
	defer srv.Close()
	lt := &loadTest{base: srv.URL, in: in}
	c := lt.newClients(1)[0]
	c.t.close()
	c.t = mk(srv.URL)
	defer c.t.close()
	rng := rand.New(rand.NewPCG(3, 4))
	for range cycles {
		if err := lt.cycle(context.Background(), c, rng, func(string, time.Duration, bool) {}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.send(context.Background(), http.MethodGet, "/assessment/1/review", nil); err != nil {
		t.Fatal(err)
	}
	return log.reqs
}

// The server receives, from the tool's own client, the very requests it
// received from net/http's Client and cookiejar for two whole cycles
// (start, every step, submit, each redirect followed and each asset
// fetched once): method, target, Host, every header (the cookies the
// server set and cleared among them) and body, byte for byte.
func TestWireSendsWhatNetHTTPSent(t *testing.T) {
	want := recordCycles(t, func(o string) transport { return newStdTransport(o) }, 2)
	got := recordCycles(t, func(o string) transport { return newWireClient(o) }, 2)
	if len(want) < 20 {
		t.Fatalf("only %d requests recorded", len(want))
	}
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Fatalf("request %d of %d/%d differs:\nwire:\n%s\nnet/http:\n%s", i, len(got), len(want), g, w)
		}
	}
	var cookies int
	for _, r := range want {
		if strings.Contains(r, "Cookie: ") {
			cookies++
		}
	}
	if cookies < len(want)/2 || !slices.ContainsFunc(want, func(r string) bool { return strings.Contains(r, `draft=\"d 1\"`) }) {
		t.Fatalf("the cookies set were not sent back (%d of %d requests had some): the test cannot tell", cookies, len(want))
	}
}
