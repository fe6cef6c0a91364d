package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"syscall"
	"testing"
)

// logEnv is a server whose log a test reads, driven in the test's own
// goroutine (ServeHTTP), with the cookies of a signed-in firm.
type logEnv struct {
	e       *env
	logs    *bytes.Buffer
	cookies []*http.Cookie
}

func newLogEnv(t *testing.T) *logEnv {
	e := newEnv(t)
	firm := e.client().login("firm@test.local")
	u, _ := url.Parse(e.srv.URL)
	le := &logEnv{e: e, logs: &bytes.Buffer{}, cookies: firm.c.Jar.Cookies(u)}
	e.web.log = slog.New(slog.NewTextHandler(le.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return le
}

// serve answers one request; signedIn sends the firm's cookies.
func (le *logEnv) serve(ctx context.Context, w http.ResponseWriter, path string, signedIn bool) {
	req := httptest.NewRequest("GET", path, nil).WithContext(ctx)
	if signedIn {
		for _, c := range le.cookies {
			req.AddCookie(c)
		}
	}
	le.e.web.Handler().ServeHTTP(w, req)
}

// logged returns the log since the last call.
func (le *logEnv) logged() string {
	s := le.logs.String()
	le.logs.Reset()
	return s
}

func wantLog(t *testing.T, log string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(log, w) {
			t.Errorf("log lacks %q:\n%s", w, log)
		}
	}
}

// A client that went away is not an error: neither when its request's
// context ends before the store answers, nor when the answer cannot be
// written (broken pipe). A refusal is logged at info with its reason, a
// failure at error.
func TestFailureLogLevels(t *testing.T) {
	le := newLogEnv(t)
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	le.serve(gone, httptest.NewRecorder(), "/", false)
	log := le.logged()
	wantLog(t, log, "level=DEBUG", `msg="client went away"`, "context canceled")
	if strings.Contains(log, "level=ERROR") {
		t.Errorf("a client that went away was logged as an error:\n%s", log)
	}

	le.serve(context.Background(), brokenPipe{httptest.NewRecorder()}, "/", false)
	log = le.logged()
	wantLog(t, log, "level=DEBUG", "client went away while the answer was written", "broken pipe")
	if strings.Contains(log, "level=ERROR") {
		t.Errorf("a broken pipe was logged as an error:\n%s", log)
	}

	rec := httptest.NewRecorder()
	le.serve(context.Background(), rec, "/bookings/999999", true)
	if rec.Code != http.StatusNotFound {
		t.Fatalf("status %d", rec.Code)
	}
	wantLog(t, le.logged(), "level=INFO", `msg="request refused"`, "status=404", "not found", "path=/bookings/999999", "user=")
	le.serve(context.Background(), httptest.NewRecorder(), "/no/such/page", false)
	wantLog(t, le.logged(), "level=INFO", "status=404", "no such page")

	le.e.st.Close() // now every query fails: a real error
	rec = httptest.NewRecorder()
	le.serve(context.Background(), rec, "/", false)
	if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "closed") {
		t.Fatalf("status %d, body %.300s", rec.Code, rec.Body.String())
	}
	wantLog(t, le.logged(), "level=ERROR", `msg="request failed"`, "status=500", "database is closed")
}

// brokenPipe is a response writer whose client has gone: every write fails.
type brokenPipe struct{ *httptest.ResponseRecorder }

func (brokenPipe) Write([]byte) (int, error) { return 0, syscall.EPIPE }
