package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// get sends GET path with c and returns the answer and its body.
func get(c *wireClient, path string) (response, string, error) {
	var body bytes.Buffer
	res, err := c.roundTrip(context.Background(), &request{method: http.MethodGet, target: path}, &body)
	return res, body.String(), err
}

// A server that closes idle connections (its IdleTimeout, or Connection:
// close on an answer) costs the client a new connection, never a failed
// request: the request that found its kept connection closed is sent again
// on a new one, once.
func TestWireSurvivesTheServerClosingConnections(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/close" {
			w.Header().Set("Connection", "close")
		}
		w.Write([]byte("ok " + r.URL.Path))
	}))
	srv.Config.IdleTimeout = 20 * time.Millisecond
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := newWireClient(srv.URL)
	defer c.close()
	for i, p := range []string{"/a", "/b", "/close", "/c", "/d"} {
		if i == 4 {
			time.Sleep(200 * time.Millisecond) // the server closes the idle connection meanwhile
		}
		res, body, err := get(c, p)
		if err != nil || res.status != 200 || body != "ok "+p {
			t.Fatalf("GET %s: %+v %q %v", p, res, body, err)
		}
	}
	if n := conns.Load(); n != 3 { // /a /b /close; /c; /d after the idle close
		t.Errorf("%d connections, want 3", n)
	}
}

// A GET that finds its connection closed is sent again, once, and only
// when nothing of an answer came. A server that reads a request and drops
// the connection without an answer, every time, fails the request rather
// than looping. A POST dropped so is never sent again: the server read it
// and may have acted on it.
func TestWireRetriesOnceOnly(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int64
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			go func() {
				defer conn.Close()
				br := bufio.NewReader(conn)
				for {
					r, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					if r.URL.Path == "/drop" {
						return
					}
					conn.Write([]byte("HTTP/1.1 204 No Content\r\n\r\n"))
				}
			}()
		}
	}()
	c := newWireClient("http://" + ln.Addr().String())
	defer c.close()
	if res, _, err := get(c, "/ok"); err != nil || res.status != 204 {
		t.Fatalf("first: %+v %v", res, err)
	}
	if _, _, err := get(c, "/drop"); err == nil {
		t.Fatal("an answer that never came was taken")
	}
	if n := accepted.Load(); n != 2 { // the kept one, then one retry
		t.Errorf("%d connections, want 2: the request was sent again %d times", n, n-1)
	}
	if res, _, err := get(c, "/ok"); err != nil || res.status != 204 {
		t.Fatalf("after the drop: %+v %v", res, err)
	}
	before := accepted.Load()
	var body bytes.Buffer
	post := &request{method: http.MethodPost, target: "/drop", body: "a=1", form: true}
	if _, err := c.roundTrip(context.Background(), post, &body); err == nil {
		t.Fatal("a POST whose answer never came was taken")
	}
	if n := accepted.Load() - before; n != 0 {
		t.Errorf("the dropped POST was sent again on %d new connection(s)", n)
	}
}

// Chunked answers, bodies far larger than the client's buffer (with and
// without a length), and bodies beyond what a page may keep are read
// whole: what a page keeps is its first maxPage bytes, and the connection
// serves the next request.
func TestWireReadsChunkedAndLargeBodies(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 10_000) // 160 kB, ten times the buffer
	huge := strings.Repeat("x", maxPage+100_000)
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/chunked":
			w.Header().Set("Trailer", "X-Sum")
			for i := range 5 {
				w.Write([]byte(strings.Repeat(string(rune('a'+i)), 3000)))
				w.(http.Flusher).Flush()
			}
			w.Header().Set("X-Sum", "done")
		case "/big":
			w.Header().Set("Content-Length", "160000")
			w.Write([]byte(big))
		case "/bigchunked":
			w.Write([]byte(big[:100]))
			w.(http.Flusher).Flush()
			w.Write([]byte(big[100:]))
		case "/huge":
			w.Write([]byte(huge))
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := newWireClient(srv.URL)
	defer c.close()
	want := map[string]string{"/chunked": strings.Repeat("a", 3000) + strings.Repeat("b", 3000) + strings.Repeat("c", 3000) +
		strings.Repeat("d", 3000) + strings.Repeat("e", 3000), "/big": big, "/bigchunked": big, "/huge": huge[:maxPage]}
	for _, p := range []string{"/chunked", "/big", "/bigchunked", "/huge", "/chunked"} {
		res, body, err := get(c, p)
		if err != nil || res.status != 200 || body != want[p] {
			t.Fatalf("GET %s: %+v, %d bytes (want %d), %v", p, res, len(body), len(want[p]), err)
		}
	}
	var n int
	for range 2 { // discarded bodies too
		res, err := c.roundTrip(context.Background(), &request{method: http.MethodGet, target: "/huge"}, nil)
		if err != nil || res.status != 200 {
			t.Fatalf("discarding /huge: %+v %v", res, err)
		}
		n++
	}
	if conns.Load() != 1 {
		t.Errorf("%d connections: a body was not read to its end", conns.Load())
	}
}

// rawServer answers every request on a connection of its own with
// answer, written as it is, then closes the connection.
func rawServer(t *testing.T, answer string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				if _, err := http.ReadRequest(bufio.NewReader(conn)); err != nil {
					return
				}
				conn.Write([]byte(answer))
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// A malformed answer is an error, never a hang, a panic or a page: each
// below is written by a server that then closes the connection, and the
// client's timeout is long enough that a client waiting for more than
// was sent would be caught by the test's own timeout, not pass.
func TestWireRefusesMalformedAnswers(t *testing.T) {
	long := strings.Repeat("a", wireBufSize+10)
	for name, answer := range map[string]string{
		"not HTTP":               "garbage\r\n\r\n",
		"empty":                  "",
		"short status":           "HTTP/1.1 20\r\n\r\n",
		"status not a number":    "HTTP/1.1 2x0 OK\r\n\r\n",
		"status below 100":       "HTTP/1.1 099 Odd\r\n\r\n",
		"HTTP/2 line":            "HTTP/2 200 OK\r\n\r\n",
		"no colon":               "HTTP/1.1 200 OK\r\nX-Header\r\n\r\n",
		"bad length":             "HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\nabcd",
		"two lengths":            "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcd",
		"body cut short":         "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabcd",
		"head cut short":         "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n",
		"header too long":        "HTTP/1.1 200 OK\r\nX-Long: " + long + "\r\n\r\n",
		"bad chunk size":         "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
		"chunk cut short":        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc",
		"no CRLF after chunk":    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n",
		"no last chunk":          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
		"gzip transfer encoding": "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc",
		"negative chunk":         "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-3\r\nabc\r\n0\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			c := newWireClient(rawServer(t, answer))
			c.timeout = time.Minute
			defer c.close()
			if res, body, err := get(c, "/"); err == nil {
				t.Fatalf("taken: %+v %q", res, body)
			}
			if c.conn != nil {
				t.Error("the connection of a malformed answer was kept")
			}
		})
	}
	// A body that ends with the connection, having no length, is whole.
	c := newWireClient(rawServer(t, "HTTP/1.1 200 OK\r\n\r\nall of it"))
	if res, body, err := get(c, "/"); err != nil || res.status != 200 || body != "all of it" || c.conn != nil {
		t.Fatalf("a body ending with its connection: %+v %q %v", res, body, err)
	}
}

// A server that never answers fails the request at the client's timeout,
// and the run's end (its context) stops a request at once.
func TestWireGivesUpOnAServerThatNeverAnswers(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer conn.Close(); bufio.NewReader(conn).ReadString(0) }() // reads for ever, never answers
		}
	}()
	c := newWireClient("http://" + ln.Addr().String())
	c.timeout = 100 * time.Millisecond
	if _, _, err := get(c, "/"); !errors.Is(err, context.DeadlineExceeded) && !isTimeout(err) {
		t.Fatalf("no timeout: %v", err)
	}
	c.timeout = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = c.roundTrip(ctx, &request{method: http.MethodPost, target: "/", form: true}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	if _, err := c.roundTrip(ctx, &request{method: http.MethodGet, target: "/"}, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("sent after the run ended: %v", err)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// The client speaks plain http:// to loopback only (load.go checks
// --target; the client refuses any other on its own), and follows a
// redirect only on its host: a Location to another host or scheme is an
// error, and one with spaces or dot segments is sent escaped and
// resolved, never as raw bytes on the request line.
func TestWireStaysOnItsTarget(t *testing.T) {
	for _, base := range []string{"https://127.0.0.1:1", "http://10.0.0.1:80", "http://user:pw@127.0.0.1:1", "ftp://127.0.0.1", "http://127.0.0.1:1/?q=1"} {
		if _, _, err := get(newWireClient(base), "/"); err == nil || loopbackOnly(base) == nil {
			t.Errorf("%s: taken", base)
		}
	}
	if err := loopbackOnly("https://127.0.0.1:8443"); err == nil || !strings.Contains(err.Error(), "https") {
		t.Errorf("https: %v", err)
	}
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.RequestURI)
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, "http://example.com/x", http.StatusSeeOther)
		case "/scheme":
			w.Header().Set("Location", "//example.com/x")
			w.WriteHeader(http.StatusSeeOther)
		case "/odd":
			w.Header().Set("Location", "a b/../c d?x=1 2#frag")
			w.WriteHeader(http.StatusSeeOther)
		}
	}))
	defer srv.Close()
	c := newLoadClient(srv.URL, &counts{})
	for _, p := range []string{"/away", "/scheme"} {
		if _, err := c.send(context.Background(), http.MethodGet, p, nil); err == nil || !strings.Contains(err.Error(), "leads away") {
			t.Errorf("%s: %v", p, err)
		}
	}
	s, err := c.send(context.Background(), http.MethodGet, "/odd", nil)
	if err != nil || s.url != "/c d" || got[len(got)-1] != "/c%20d?x=1%202" {
		t.Errorf("odd Location: %+v %v, sent %q", s, err, got)
	}
}

// An answer that says Connection: close ends its connection for the
// client even when the server leaves the socket open: the next request
// goes on a new connection rather than waiting for an answer that will
// never come on the old one (an HTTP/1.0 answer without keep-alive too).
func TestWireHonoursConnectionClose(t *testing.T) {
	for _, answer := range []string{"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
		"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		var conns atomic.Int64
		go func() {
			for {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				conns.Add(1)
				go func() {
					defer conn.Close()
					br := bufio.NewReader(conn)
					if _, err := http.ReadRequest(br); err != nil {
						return
					}
					conn.Write([]byte(answer))
					io.Copy(io.Discard, conn) // lingers: reads what comes, never answers, until the client closes
				}()
			}
		}()
		c := newWireClient("http://" + ln.Addr().String())
		c.timeout = time.Minute
		for i := range 3 {
			if res, body, err := get(c, "/"); err != nil || res.status != 200 || body != "ok" {
				t.Fatalf("%q, request %d: %+v %q %v", answer[:8], i, res, body, err)
			}
		}
		if conns.Load() != 3 {
			t.Errorf("%q: %d connections for 3 requests", answer[:8], conns.Load())
		}
		c.close()
	}
}

// A POST after the connection lay idle longer than staleAfter goes on a
// new connection: it is never resent, so it must not meet a connection
// the server is closing for idleness (the portal's IdleTimeout).
func TestWirePostsOnAFreshConnectionAfterIdling(t *testing.T) {
	defer func(d time.Duration) { staleAfter = d }(staleAfter)
	staleAfter = 50 * time.Millisecond
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok " + r.Method))
	}))
	srv.Config.IdleTimeout = 100 * time.Millisecond
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := newWireClient(srv.URL)
	defer c.close()
	post := func() error {
		var body bytes.Buffer
		res, err := c.roundTrip(context.Background(), &request{method: http.MethodPost, target: "/p", body: "a=1", form: true}, &body)
		if err == nil && (res.status != 200 || body.String() != "ok POST") {
			err = errors.New(body.String())
		}
		return err
	}
	if err := post(); err != nil {
		t.Fatal(err)
	}
	if err := post(); err != nil || conns.Load() != 1 { // at once: the kept connection
		t.Fatalf("second POST: %v, %d connections", err, conns.Load())
	}
	time.Sleep(300 * time.Millisecond) // past staleAfter and the server's IdleTimeout
	if err := post(); err != nil {
		t.Fatalf("a POST after idling failed: %v", err)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}
