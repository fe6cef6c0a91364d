package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The language switch links to this page on this site, whatever the
// request line held: never to another host.
func TestLocalURLStaysOnSite(t *testing.T) {
	for _, tc := range []struct{ raw, lang, want string }{
		{"/profile", "en", "/profile?lang=en"},
		{"/admin/firms?q=g%E1%BB%97&lang=vi&page=2", "en", "/admin/firms?lang=en&page=2&q=g%E1%BB%97"},
		{"/admin/firms?lang=vi", "", "/admin/firms"},
		{"//evil.example/x", "en", "/evil.example/x?lang=en"},
		{"///evil.example/x", "en", "/evil.example/x?lang=en"},
		{"/%2F%2Fevil.example/x", "en", "/evil.example/x?lang=en"},
		{"/\\evil.example/x", "en", "/evil.example/x?lang=en"},
		{"/%5C%5Cevil.example", "vi", "/evil.example?lang=vi"},
		{"/a%20b/%22%3E%3Cscript%3E", "en", "/a%20b/%22%3E%3Cscript%3E?lang=en"},
		{"/x?next=//evil.example", "en", "/x?lang=en&next=%2F%2Fevil.example"},
		{"", "en", "/?lang=en"},
	} {
		u, err := url.ParseRequestURI(tc.raw)
		if tc.raw == "" {
			u, err = &url.URL{}, nil
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.raw, err)
		}
		got := localURL(u, tc.lang)
		if got != tc.want {
			t.Errorf("localURL(%q, %q) = %q, want %q", tc.raw, tc.lang, got, tc.want)
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.Contains(got, `\`) {
			t.Errorf("localURL(%q) = %q leaves the site", tc.raw, got)
		}
	}
}

// The attack from the issue: a link to //evil.example/x put on a page of
// ours must not come back as a language link to evil.example.
func TestLanguageLinkOfSchemeRelativePath(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"//evil.example/x", "/%2F%2Fevil.example/x", "/%5Cevil.example/x"} {
		r := e.client().get(path, "Accept-Language", "vi")
		must(t, r, http.StatusNotFound, `id="lang-switch"`)
		if strings.Contains(r.body, `"//evil`) || strings.Contains(r.body, `"/\evil`) || strings.Contains(r.body, "%5Cevil") {
			t.Errorf("GET %s renders a link off the site: %.2000s", path, r.body)
		}
		must(t, r, http.StatusNotFound, `href="/evil.example/x?lang=en"`)
	}
}

// ?lang= on a GET sets the cookie and renders, and changes nothing stored;
// the account's language changes by POST, which returns to the page.
func TestLanguageSwitchSignedIn(t *testing.T) {
	e := newEnv(t)
	u := e.client().login("lead@test.local")
	r := u.get("/associations?lang=en")
	if !strings.Contains(r.header.Get("Set-Cookie"), "lang=en") {
		t.Fatalf("GET ?lang=en set no cookie: %v", r.header)
	}
	if lead, _ := e.st.FindUserByEmail(ctx, "lead@test.local"); lead.Lang != "vi" {
		t.Fatalf("a GET changed the account's language to %q", lead.Lang)
	}
	// The signed-in header offers a POST form that returns to this page.
	home := u.get("/")
	must(t, home, http.StatusOK, `<form method="post" action="/language"`, `name="lang" value="vi"`, `name="next" value="/"`)

	p := u.post("/language", url.Values{"lang": {"en"}, "next": {"/firms/1?x=1"}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/firms/1?x=1" {
		t.Fatalf("POST /language = %d → %q", p.status, p.header.Get("Location"))
	}
	if lead, _ := e.st.FindUserByEmail(ctx, "lead@test.local"); lead.Lang != "en" {
		t.Fatalf("account language after POST = %q", lead.Lang)
	}
	must(t, u.get("/"), http.StatusOK, `<html lang="en">`)

	for _, next := range []string{"//evil.example/x", "https://evil.example/", `/\evil.example`} {
		p := u.post("/language", url.Values{"lang": {"vi"}, "next": {next}})
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/" {
			t.Errorf("POST /language next=%q = %d → %q", next, p.status, p.header.Get("Location"))
		}
	}
	must(t, u.post("/language", url.Values{"lang": {"fr"}}), http.StatusBadRequest)
	if lead, _ := e.st.FindUserByEmail(ctx, "lead@test.local"); lead.Lang != "vi" {
		t.Fatalf("account language after switching back = %q", lead.Lang)
	}
}

// Anonymous visitors get a plain link; POST works for them too (cookie only).
func TestLanguageSwitchAnonymous(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	must(t, c.get("/login?next=%2Fprofile"), http.StatusOK, `href="/login?lang=en&amp;next=%2Fprofile"`)
	p := c.post("/language", url.Values{"lang": {"en"}, "next": {"/login"}})
	if p.status != http.StatusSeeOther || !strings.Contains(p.header.Get("Set-Cookie"), "lang=en") {
		t.Fatalf("anonymous POST /language = %d %v", p.status, p.header)
	}
	must(t, c.get("/login"), http.StatusOK, `<html lang="en">`)
}

// eyes13 §3.6: an unknown address gave a signed-in English user a
// signed-out page in Vietnamese. The router's own answers run inside the
// session and the language, as every page does.
func TestUnknownAddressKeepsSessionAndLanguage(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("lead@test.local")
	must(t, c.get("/?lang=en"), http.StatusOK)
	r := c.get("/no-such-page")
	must(t, r, http.StatusNotFound, `<html lang="en"`, "The page or record you asked for was not found.", `id="logout"`, "Sign out")
	if strings.Contains(r.body, `href="/login"`) || strings.Contains(r.body, "Không thể hiển thị trang") {
		t.Errorf("a signed-out or Vietnamese 404: %.1500s", r.body)
	}
	req, _ := http.NewRequest("DELETE", e.srv.URL+"/glossary", nil)
	r = c.do(req)
	must(t, r, http.StatusMethodNotAllowed, `<html lang="en"`, "This action is not supported at this address.", `id="logout"`)
}
