package web

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"dxready/auth"
	"dxready/locale"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

type env struct {
	t   *testing.T
	srv *httptest.Server
	st  *store.Store
	fx  *storetest.Fixtures
	web *Server
	api *apiChecker // validates the IOC feed's answers (api_spec_test.go)
}

// newEnv starts a portal on the fixtures; opts change its Config.
func newEnv(t *testing.T, opts ...func(*Config)) *env {
	t.Helper()
	st, fx := storetest.Open(t)
	b, err := loadBundle()
	if err != nil {
		t.Fatal(err)
	}
	b = b.WithReporter(failOnMissingIDs(t)) // every test that renders a page checks its messages
	ins, err := loadInstruments()
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Store: st, Bundle: b, Ref: fx.Ref, Hasher: auth.NewHasher(storetest.Cheap, 2), Instruments: ins,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Demo: true, Now: fx.Clock.Now}
	for _, o := range opts {
		o(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.layoutCheck = checkJoinedLayout(t) // every page a test shows, joined and whole
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, st: st, fx: fx, web: s}
}

// loadBundle and loadInstruments load the catalogues and the instruments
// once per test binary rather than once per newEnv (a tenth of a web test's
// CPU, most of it under the race detector). Both are read-only once loaded:
// WithReporter gives each test its own localizers and reporter, and the
// instruments are never written after survey.LoadFS
// (TestSharedBundleAndInstrumentsAreNotWritten).
var (
	loadBundle      = sync.OnceValues(locale.Load)
	loadInstruments = sync.OnceValues(survey.LoadEmbedded)
)

// failOnMissingIDs returns a reporter that records every message the
// portal could not give and fails the test with them when it ends.
func failOnMissingIDs(t *testing.T) locale.Reporter {
	var mu sync.Mutex
	seen := map[string]bool{}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for m := range seen {
			t.Errorf("the portal used a message it could not give: %s", m)
		}
	})
	return func(lang, id string, err error) {
		mu.Lock()
		defer mu.Unlock()
		seen[lang+":"+id+" ("+err.Error()+")"] = true
	}
}

// client is a browser: its own cookie jar, no automatic redirects.
type client struct {
	e *env
	c *http.Client
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type resp struct {
	status int
	body   string
	header http.Header
}

func (c *client) do(req *http.Request) resp {
	c.e.t.Helper()
	res, err := c.c.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, string(b), res.Header}
}

func (c *client) get(path string, headers ...string) resp {
	req, _ := http.NewRequest("GET", c.e.srv.URL+path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

func (c *client) post(path string, form url.Values, headers ...string) resp {
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// login signs c in and fails the test unless it worked.
func (c *client) login(email string) *client {
	c.e.t.Helper()
	if r := c.signIn(email, ""); r.status != http.StatusSeeOther || r.header.Get("Location") == "/login" {
		c.e.t.Fatalf("login %s: %d %s", email, r.status, r.body)
	}
	return c
}

// signIn sends the password (and next, when not empty) and, for a user
// with a second factor, a fresh code; it returns the last answer, whose
// Location is where the user lands.
func (c *client) signIn(email, next string) resp {
	c.e.t.Helper()
	form := url.Values{"email": {email}, "password": {storetest.Password}}
	if next != "" {
		form.Set("next", next)
	}
	r := c.post("/login", form)
	if r.status == http.StatusSeeOther && r.header.Get("Location") == "/login/code" {
		r = c.post("/login/code", url.Values{"code": {c.e.nextCode(email)}})
	}
	return r
}

// nextCode is a TOTP code of email's account that the portal has not
// seen: a code works once, so when this time step's code was used (the
// same user signed in twice in one test), the fixtures' clock moves on
// to the next step.
func (e *env) nextCode(email string) string {
	e.t.Helper()
	u, err := e.st.FindUserByEmail(ctx, email)
	if err != nil {
		e.t.Fatal(err)
	}
	t, err := e.st.FindTOTP(ctx, u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	for auth.TOTPStep(e.fx.Clock.Now()) <= t.LastStep {
		e.fx.Clock.Add(auth.TOTPPeriod)
	}
	return storetest.TOTPCode(e.t, t.Secret, e.fx.Clock.Now())
}

func must(t *testing.T, r resp, status int, contains ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body: %.600s", r.status, status, r.body)
	}
	text := html.UnescapeString(r.body)
	for _, s := range contains {
		if !strings.Contains(r.body, s) && !strings.Contains(text, s) {
			t.Fatalf("body lacks %q; body: %.1500s", s, r.body)
		}
	}
}

var ctx = context.Background()
