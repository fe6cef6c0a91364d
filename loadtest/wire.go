package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The load tool's own HTTP/1.1 client. net/http's Client and cookiejar
// cost the tool 2.3-2.8 ms of CPU per firm cycle on the 2 cores it shares
// with the server it measures (a reader and a writer goroutine per
// connection, header maps, a URL parsed and a jar locked per request):
// a quarter of what the server could have used. This one is a single
// keep-alive connection per simulated client, written and read by the
// client's own goroutine: the request from a bufio.Writer, the answer's
// status line and the few headers the tool acts on (Set-Cookie, Location,
// Content-Type, Content-Length, Transfer-Encoding: chunked, Connection:
// close), its body into the client's buffer or discarded. It speaks plain
// http:// to the one loopback host of --target only.

// request is one request a client sends.
type request struct {
	method string
	target string // the path and query, as sent on the request line
	body   string // form-encoded when form
	form   bool
	xff    string // X-Forwarded-For, "" for none
}

// response is what the tool keeps of an answer; its body went into the
// buffer the caller gave, or was discarded.
type response struct {
	status   int
	location string // the first Location header, "" if none
	html     bool   // Content-Type text/html
}

// transport sends one request and reads its whole answer: wireClient,
// or (in the tests) net/http's Client with its cookiejar.
type transport interface {
	roundTrip(ctx context.Context, rq *request, body *bytes.Buffer) (response, error)
	close()
}

const (
	requestTimeout = 30 * time.Second // each request, connecting included, as the old http.Client's Timeout
	maxPage        = 8 << 20          // bytes of a body kept; the rest is read and discarded
	maxHeaderBytes = 1 << 20          // an answer's status line and headers at most
	wireBufSize    = 16 << 10         // the connection's read buffer: a header line at most
)

// wireClient is one simulated browser's connection to the target and its
// cookies. Not safe for concurrent use: a client sends one request at a
// time, as the tool's clients do.
type wireClient struct {
	addr, host string // dialed; sent in Host
	err        error  // a target it cannot speak to: every request fails with it
	jar        *cookieJar
	conn       net.Conn
	br         *bufio.Reader
	bw         *bufio.Writer
	setCookies []string // of the answer being read
	timeout    time.Duration
	idleSince  time.Time // when the kept connection's last answer was read
	watch      connWatch
}

// connWatch wakes the read or write in flight on a connection when the
// context its requests are sent under ends. It is set once per
// connection and context, not per request: context.AfterFunc and its stop
// were a tenth of the tool's own work in its CPU profile, and every
// request of a run is sent under the same context (requestContext).
type connWatch struct {
	mu   sync.Mutex      // held by the wake-up and by set/stop: a stopped watch's wake-up does nothing
	done <-chan struct{} // the context watched, by its Done; nil: none
	stop func() bool
}

// set watches ctx for conn, unless it watches ctx's Done already.
func (cw *connWatch) set(ctx context.Context, conn net.Conn) {
	done := ctx.Done()
	if done == nil || done == cw.done {
		return
	}
	cw.reset()
	cw.mu.Lock()
	defer cw.mu.Unlock()
	cw.done = done
	cw.stop = context.AfterFunc(ctx, func() {
		cw.mu.Lock()
		defer cw.mu.Unlock()
		if cw.done == done {
			conn.SetDeadline(time.Unix(1, 0)) // wakes the read or write in flight; fails only on a closed connection, which fails the request anyway
		}
	})
}

// reset ends the watch: its wake-up, even one already started, no longer
// touches the connection.
func (cw *connWatch) reset() {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	if cw.stop != nil {
		cw.stop()
	}
	cw.done, cw.stop = nil, nil
}

// staleAfter is how long a kept connection may lie idle before a POST is
// sent on a new one instead: a POST is never resent (roundTrip), so it must
// not meet a connection the server has just closed for idleness (the
// portal's IdleTimeout is 2 minutes; http.Server's default is its
// ReadTimeout). A var for tests.
var staleAfter = 30 * time.Second

// newWireClient is a client of base, which must be http://HOST[:PORT] with
// HOST on loopback; for any other every request fails, saying why.
func newWireClient(base string) *wireClient {
	w := &wireClient{timeout: requestTimeout}
	if err := loopbackOnly(base); err != nil {
		w.err = err
		return w
	}
	u, _ := url.Parse(base) // loopbackOnly parsed it
	w.host, w.addr = u.Host, u.Host
	if u.Port() == "" {
		w.addr = net.JoinHostPort(u.Hostname(), "80")
	}
	w.jar = newCookieJar(u.Host)
	return w
}

// roundTrip sends rq and reads its answer. A GET or HEAD that finds its
// kept connection closed by the server (idle too long, or Connection:
// close not seen) before a byte of the answer came is sent once more on a
// new connection; every other failure is the request's. A POST is never
// sent twice, as net/http's Transport does not resend one: the server may
// have read it and acted on it (a submit, a booking) before it dropped
// the connection, and the report would then count one action for two.
func (w *wireClient) roundTrip(ctx context.Context, rq *request, body *bytes.Buffer) (response, error) {
	if w.err != nil {
		return response{}, w.err
	}
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return response{}, err
		}
		if w.conn != nil && !replayable(rq.method) && time.Since(w.idleSince) > staleAfter {
			w.close() // idle long enough for the server to be closing it
		}
		reused := w.conn != nil
		if !reused {
			if err := w.dial(ctx); err != nil {
				return response{}, err
			}
		}
		res, answered, err := w.exchange(ctx, rq, body)
		if err == nil {
			w.idleSince = time.Now()
			return res, nil
		}
		w.close()
		if ctx.Err() != nil {
			return res, fmt.Errorf("load: %s %s: %w", rq.method, rq.target, ctx.Err())
		}
		if !reused || answered || attempt > 0 || !closedByServer(err) || !replayable(rq.method) {
			return res, fmt.Errorf("load: %s %s: %w", rq.method, rq.target, err)
		}
	}
}

// replayable reports whether a request of method may be sent again
// after its connection failed without an answer.
func replayable(method string) bool { return method == "GET" || method == "HEAD" }

// closedByServer tells the errors of a connection the server had closed.
func closedByServer(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func (w *wireClient) dial(ctx context.Context) error {
	d := net.Dialer{Timeout: w.timeout}
	conn, err := d.DialContext(ctx, "tcp", w.addr)
	if err != nil {
		return fmt.Errorf("load: connecting to %s: %w", w.addr, err)
	}
	w.conn = conn
	if w.br == nil {
		rw := wireIO(conn)
		w.br, w.bw = bufio.NewReaderSize(rw, wireBufSize), bufio.NewWriterSize(rw, 4<<10)
	} else {
		rw := wireIO(conn)
		w.br.Reset(rw)
		w.bw.Reset(rw)
	}
	return nil
}

// close closes the connection; the next request opens another.
func (w *wireClient) close() {
	if w.conn != nil {
		w.watch.reset()
		w.conn.Close() // nothing more is read from it or written to it: its error says nothing
		w.conn = nil
	}
}

// exchange writes rq and reads its answer on the open connection, within
// the request's timeout and until ctx ends. answered: some of the answer
// had come.
func (w *wireClient) exchange(ctx context.Context, rq *request, body *bytes.Buffer) (res response, answered bool, err error) {
	w.watch.set(ctx, w.conn)
	if err := w.conn.SetDeadline(time.Now().Add(w.timeout)); err != nil {
		return res, false, err
	}
	if err := ctx.Err(); err != nil {
		return res, false, err // ended before the deadline above was set: the watch's wake-up may have come before it
	}
	w.writeRequest(rq)
	if err := w.bw.Flush(); err != nil {
		return res, false, err
	}
	if _, err := w.br.Peek(1); err != nil {
		return res, false, err
	}
	res, keep, err := w.readResponse(rq, body)
	if err != nil {
		return res, true, err
	}
	if !keep {
		w.close()
	}
	return res, true, nil
}

// writeRequest writes rq with the headers net/http's Client sent for the
// tool (wire_test.go holds the two equal): Host, User-Agent,
// Content-Length, Accept-Encoding, Content-Type, Cookie, X-Forwarded-For.
func (w *wireClient) writeRequest(rq *request) {
	b := w.bw
	b.WriteString(rq.method)
	b.WriteByte(' ')
	b.WriteString(rq.target)
	b.WriteString(" HTTP/1.1\r\nHost: ")
	b.WriteString(w.host)
	b.WriteString("\r\nUser-Agent: Go-http-client/1.1\r\n")
	if rq.body != "" || rq.method != "GET" && rq.method != "HEAD" {
		b.WriteString("Content-Length: ")
		b.Write(strconv.AppendInt(b.AvailableBuffer(), int64(len(rq.body)), 10))
		b.WriteString("\r\n")
	}
	b.WriteString("Accept-Encoding: br, gzip\r\n") // as a browser; the body is not decoded, only counted
	if rq.form {
		b.WriteString("Content-Type: application/x-www-form-urlencoded\r\n")
	}
	w.jar.writeHeader(b, targetPath(rq.target), time.Now)
	if rq.xff != "" {
		b.WriteString("X-Forwarded-For: ")
		b.WriteString(rq.xff)
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	b.WriteString(rq.body)
}

// targetPath is the path of a request target, unescaped, as the jar
// matches it.
func targetPath(target string) string {
	p, _, _ := strings.Cut(target, "?")
	if strings.IndexByte(p, '%') >= 0 {
		if u, err := url.PathUnescape(p); err == nil {
			return u
		}
	}
	return p
}

// errMalformed: the server's answer is not HTTP/1.x the client can read.
var errMalformed = errors.New("malformed answer")

// readResponse reads the answer to rq: its status line and headers (an
// interim 1xx answer is skipped), its cookies into the jar, and its body.
// keep: the connection may carry the next request.
func (w *wireClient) readResponse(rq *request, body *bytes.Buffer) (res response, keep bool, err error) {
	var h header
	budget := maxHeaderBytes
	for {
		if h, err = w.readHeader(&budget); err != nil {
			return res, false, err
		}
		if h.status >= 200 || h.status == 101 {
			break
		}
	}
	res = response{status: h.status, location: h.location, html: h.html}
	if len(w.setCookies) > 0 {
		w.jar.setCookies(targetPath(rq.target), w.setCookies, time.Now())
	}
	switch {
	case h.status == 204 || h.status == 304 || h.status == 101 || rq.method == "HEAD":
		return res, h.keep && h.status != 101, nil
	case h.chunked:
		return res, h.keep, w.readChunked(body)
	case h.length >= 0:
		return res, h.keep, w.readBody(h.length, body)
	}
	return res, false, w.readBody(-1, body) // no length: the body ends with the connection

}

// header is what the tool reads of an answer's head.
type header struct {
	status   int
	location string
	html     bool
	keep     bool  // the connection stays open after the body
	chunked  bool  // Transfer-Encoding: chunked
	length   int64 // Content-Length, -1 if none
}

// readHeader reads one answer's status line and headers, keeping the
// Set-Cookie lines in w.setCookies; budget bounds the bytes read.
func (w *wireClient) readHeader(budget *int) (h header, err error) {
	w.setCookies = w.setCookies[:0]
	line, err := w.line(budget)
	if err != nil {
		return h, err
	}
	// HTTP/1.x NNN reason
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' || (len(line) > 12 && line[12] != ' ') {
		return h, fmt.Errorf("%w: status line %q", errMalformed, truncate(line))
	}
	if h.status, err = strconv.Atoi(string(line[9:12])); err != nil || h.status < 100 {
		return h, fmt.Errorf("%w: status line %q", errMalformed, truncate(line))
	}
	h.keep, h.length = line[7] == '1', -1
	for {
		if line, err = w.line(budget); err != nil {
			return h, err
		}
		if len(line) == 0 {
			return h, nil
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return h, fmt.Errorf("%w: header line %q", errMalformed, truncate(line))
		}
		if err := h.field(w, name, bytes.Trim(value, " \t")); err != nil {
			return h, err
		}
	}
}

// field takes one header field into h.
func (h *header) field(w *wireClient, name, value []byte) error {
	switch {
	case fold(name, "Set-Cookie"):
		w.setCookies = append(w.setCookies, string(value))
	case fold(name, "Location"):
		if h.location == "" {
			h.location = string(value)
		}
	case fold(name, "Content-Type"):
		h.html = h.html || bytes.HasPrefix(value, []byte("text/html"))
	case fold(name, "Content-Length"):
		n, err := strconv.ParseInt(string(value), 10, 64)
		if err != nil || n < 0 || h.length >= 0 && h.length != n {
			return fmt.Errorf("%w: Content-Length %q", errMalformed, truncate(value))
		}
		h.length = n
	case fold(name, "Transfer-Encoding"):
		if !fold(value, "chunked") {
			return fmt.Errorf("%w: Transfer-Encoding %q", errMalformed, truncate(value))
		}
		h.chunked = true
	case fold(name, "Connection"):
		for _, tok := range bytes.Split(value, []byte(",")) {
			tok = bytes.TrimSpace(tok)
			if fold(tok, "close") {
				h.keep = false
			} else if fold(tok, "keep-alive") {
				h.keep = true
			}
		}
	}
	return nil
}

func fold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		d := s[i]
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}

// truncate is the start of b, to quote in an error.
func truncate(b []byte) string {
	if len(b) > 64 {
		return string(b[:64]) + "…"
	}
	return string(b)
}

// line reads one line of the answer's head without its CRLF; the slice
// is valid until the next read.
func (w *wireClient) line(budget *int) ([]byte, error) {
	line, err := w.br.ReadSlice('\n')
	*budget -= len(line)
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, fmt.Errorf("%w: a header line longer than %d bytes", errMalformed, wireBufSize)
	case err != nil:
		return nil, err
	case *budget < 0:
		return nil, fmt.Errorf("%w: a head longer than %d bytes", errMalformed, maxHeaderBytes)
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// readBody reads n bytes of body (n < 0: until the connection ends) into
// dst, keeping at most maxPage of them, or discards them when dst is nil.
func (w *wireClient) readBody(n int64, dst *bytes.Buffer) error {
	for n != 0 {
		chunk := w.br.Size()
		if n > 0 && n < int64(chunk) {
			chunk = int(n)
		}
		p, err := w.br.Peek(chunk)
		if len(p) == 0 && err != nil {
			if n < 0 && errors.Is(err, io.EOF) {
				return nil
			}
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		if dst != nil && dst.Len() < maxPage {
			dst.Write(p[:min(len(p), maxPage-dst.Len())])
		}
		w.br.Discard(len(p)) // p is buffered: discarding it cannot fail
		if n > 0 {
			n -= int64(len(p))
		}
	}
	return nil
}

// readChunked reads a chunked body, and its trailer, into dst.
func (w *wireClient) readChunked(dst *bytes.Buffer) error {
	budget := maxHeaderBytes
	for {
		line, err := w.line(&budget)
		if err != nil {
			return noEOF(err)
		}
		hex, _, _ := bytes.Cut(line, []byte(";"))
		n, err := strconv.ParseInt(string(bytes.TrimSpace(hex)), 16, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("%w: chunk size %q", errMalformed, truncate(line))
		}
		if n == 0 {
			break
		}
		if err := w.readBody(n, dst); err != nil {
			return err
		}
		if line, err = w.line(&budget); err != nil || len(line) != 0 {
			return fmt.Errorf("%w: no CRLF after a chunk (%v)", errMalformed, err)
		}
	}
	for { // the trailer, up to its empty line
		line, err := w.line(&budget)
		if err != nil {
			return noEOF(err)
		}
		if len(line) == 0 {
			return nil
		}
	}
}

// noEOF: a body cut short is an unexpected end.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
