package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestSecurityHeadersAndStatic(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	r := c.get("/")
	must(t, r, http.StatusOK, "Doanh nghiệp của bạn đã sẵn sàng", "Dữ liệu minh hoạ", "Danh bạ hiện có 3 doanh nghiệp")
	csp := r.header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Error("CSP allows inline code")
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Referrer-Policy") == "" || r.header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("headers = %v", r.header)
	}
	if strings.Contains(r.body, "<script>") || strings.Contains(r.body, " style=") || strings.Contains(r.body, "onclick") {
		t.Error("inline script or style in a page")
	}
	css := e.web.assets.URL("css/app.css")
	s := c.get(css)
	if s.status != 200 || !strings.Contains(s.header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(s.header.Get("Content-Type"), "text/css") {
		t.Fatalf("static = %d %v", s.status, s.header)
	}
	if !strings.Contains(r.body, css) {
		t.Fatal("page does not link the hashed stylesheet")
	}
	old := c.get("/static/000000000000/css/app.css")
	if old.status != 200 || old.header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("stale hash = %d %v", old.status, old.header)
	}
	must(t, c.get("/static/x/nope.js"), http.StatusNotFound)
}

func TestLanguageChoice(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	must(t, c.get("/", "Accept-Language", "en-GB,en;q=0.9"), http.StatusOK, `<html lang="en">`, "How ready is your firm")
	must(t, c.get("/", "Accept-Language", "fr-FR"), http.StatusOK, `<html lang="vi">`)
	r := c.get("/login?lang=en")
	must(t, r, http.StatusOK, "Sign in", `href="/login?lang=vi"`)
	// The choice sticks through the cookie, over Accept-Language.
	must(t, c.get("/register", "Accept-Language", "vi"), http.StatusOK, `<html lang="en">`, "Register a firm account")
	must(t, c.get("/register?lang=xx-bad"), http.StatusOK, `<html lang="en">`)
}

func TestCrossOriginPostsAreRejected(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	login := url.Values{"email": {"admin@test.local"}, "password": {"mật khẩu thử nghiệm"}}
	if r := c.post("/login", login, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"); r.status != http.StatusForbidden {
		t.Fatalf("cross-site login = %d", r.status)
	}
	if r := c.post("/login", login, "Sec-Fetch-Site", "same-origin"); r.status != http.StatusSeeOther {
		t.Fatalf("same-origin login = %d", r.status)
	}
	// The refusal is the portal's own page, in the signed-in user's
	// language and under its security headers, not net/http's English text.
	for lang, want := range map[string]string{"vi": "được gửi từ một trang web khác", "en": "was sent from another website"} {
		r := c.post("/profile/sharing?lang="+lang, nil, "Origin", "https://evil.example")
		must(t, r, http.StatusForbidden, `<html lang="`+lang+`">`, want)
		if strings.Contains(r.body, "cross-origin request detected") || r.header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: the refusal is net/http's text or lacks the security headers: %q", lang, r.body)
		}
		// It touches nothing of the user's: no cookie is set or cleared.
		if got := r.header.Values("Set-Cookie"); len(got) != 0 {
			t.Errorf("%s: the refusal sets cookies: %q", lang, got)
		}
	}
}

// /metrics is not on the portal's listener at all, even to a loopback
// client (a reverse proxy on the same host makes every client loopback);
// it is served by MetricsHandler on the separate --metrics-addr listener.
func TestMetricsNotOnThePublicListener(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.get("/")
	must(t, c.get("/metrics"), http.StatusNotFound)
	must(t, c.get("/healthz"), http.StatusOK, "ok")
	metrics := httptest.NewServer(e.web.MetricsHandler())
	defer metrics.Close()
	m := &client{e: &env{t: t, srv: metrics}, c: http.DefaultClient}
	must(t, m.get("/metrics"), http.StatusOK, "dxready_firms 3", `dxready_users{role="admin"} 1`,
		`dxready_http_request_duration_seconds_bucket{route="/",method="GET",code="200",le="0.005"}`,
		`dxready_http_request_duration_seconds_count{route="unmatched",method="GET",code="404"} 1`)
	must(t, m.get("/healthz"), http.StatusOK, "ok")
	must(t, m.get("/"), http.StatusNotFound)
}

// Hostile and malformed input: never a 500, never script injection.
func TestBadInputNever500(t *testing.T) {
	e := newEnv(t)
	hostile := `<script>alert(1)</script>"'><img src=x onerror=alert(2)>`
	c := e.client()
	must(t, c.post("/register", values("tax_code", "3709000132", "firm_name", hostile, "name", hostile, "email", "x@example.vn",
		"password", "mật khẩu đủ dài", "password_confirm", "mật khẩu đủ dài")), http.StatusSeeOther)
	must(t, c.confirm("x@example.vn", "mật khẩu đủ dài").post("/login", values("email", "x@example.vn", "password", "mật khẩu đủ dài")), http.StatusSeeOther)
	r := c.get("/profile")
	must(t, r, http.StatusOK, "&lt;script&gt;alert(1)&lt;/script&gt;")
	if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "<img src=x") {
		t.Fatal("hostile firm name rendered as markup")
	}
	admin := e.client().login("admin@test.local")
	must(t, admin.get("/admin/firms?q=script"), http.StatusOK, "&lt;script&gt;")
	// Oversized form bodies get 413, not a 500 or a hang.
	big := url.Values{"email": {strings.Repeat("a", 2<<20)}}
	must(t, c.post("/login", big), http.StatusRequestEntityTooLarge)
	// Odd methods and paths.
	req, _ := http.NewRequest("DELETE", e.srv.URL+"/profile", nil)
	if r := c.do(req); r.status != http.StatusMethodNotAllowed {
		t.Fatalf("DELETE = %d", r.status)
	}
	for _, p := range []string{"/firms/-1", "/firms/1e9", "/firms/99999999999999999999", "/profile/users/x/approve", "/%2e%2e/etc/passwd"} {
		if r := admin.get(p); r.status >= 500 {
			t.Fatalf("GET %s = %d", p, r.status)
		}
	}
	flash := e.client()
	u, _ := url.Parse(e.srv.URL)
	flash.c.Jar.SetCookies(u, []*http.Cookie{{Name: "flash", Value: "<b>injected</b>"}})
	if r := flash.get("/"); strings.Contains(r.body, "injected") {
		t.Fatal("an unknown flash cookie was shown")
	}
}

// Every page names its icon (a hashed, long-cached SVG the browser can
// fetch) and describes the portal for search results, in its language.
func TestFaviconAndDescription(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for lang, words := range map[string]string{"vi": "Tự đánh giá miễn phí", "en": "Free digital-readiness self-assessment"} {
		r := c.get("/?lang=" + lang)
		must(t, r, http.StatusOK, `<meta name="description" content="`+words)
		icon := e.web.assets.URL("img/favicon.svg")
		if icon == "" || !strings.Contains(r.body, `<link rel="icon" type="image/svg+xml" href="`+icon+`">`) {
			t.Fatalf("%s: no icon link to %q", lang, icon)
		}
		got := c.get(icon)
		if got.status != http.StatusOK || !strings.HasPrefix(got.header.Get("Content-Type"), "image/svg+xml") ||
			!strings.Contains(got.header.Get("Cache-Control"), "immutable") {
			t.Fatalf("the icon answers %d %q %q", got.status, got.header.Get("Content-Type"), got.header.Get("Cache-Control"))
		}
	}
}
