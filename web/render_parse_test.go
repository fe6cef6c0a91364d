package web

import (
	"html/template"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"sync"
	"testing"

	"dxready/locale"
	"dxready/static"
	"dxready/templates"
)

// TestPagesParsedOnCommonAreParsedWhole: a page parsed into a clone of the
// shared layout and partials (parsePage) holds the same templates, with
// the same trees, as the page parsed together with the layout and the
// partials from scratch, for every page in both languages, and parsing a
// page leaves the common set as it was (a page's "content" or a page's
// own partial never leaks into the next page).
func TestPagesParsedOnCommonAreParsedWhole(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	assets, err := static.Load()
	if err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(templates.FS, "pages/*.html")
	if err != nil || len(names) < 2 {
		t.Fatalf("pages: %v %v", names, err)
	}
	for _, l := range locale.Languages {
		funcs := templateFuncs(b.For(l), assets)
		funcs["t"] = newKeptMessages(b, l).t
		common, err := parseCommon(funcs)
		if err != nil {
			t.Fatal(err)
		}
		before := treesOf(common)
		for _, n := range names {
			whole, err := template.New("base").Funcs(funcs).ParseFS(templates.FS, "layouts/base.html", "partials/*.html", n)
			if err != nil {
				t.Fatal(err)
			}
			got, err := parsePage(common, n)
			if err != nil {
				t.Fatal(err)
			}
			want, have := treesOf(whole), treesOf(got)
			if !maps.Equal(want, have) {
				t.Errorf("%s %s: parsed on the common set: %v; parsed whole: %v", l, n, slices.Sorted(maps.Keys(have)), slices.Sorted(maps.Keys(want)))
			}
			if !maps.Equal(before, treesOf(common)) {
				t.Fatalf("%s: parsing %s changed the common set", l, n)
			}
		}
	}
}

// treesOf is each template of t's set by name, as its tree's text.
func treesOf(t *template.Template) map[string]string {
	out := map[string]string{}
	for _, u := range t.Templates() {
		if u.Tree != nil && u.Tree.Root != nil {
			out[u.Name()] = u.Tree.Root.String()
		}
	}
	return out
}

// mustPage is page name in language l of ps, bound.
func mustPage(t testing.TB, ps *pageSet, l, name string) *template.Template {
	t.Helper()
	tmpl, err := ps.page(l, name)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// Each page parsed once per process (parsedPages) holds the same
// templates, with the same trees, as the page parsed whole with a
// server's functions, and the same layout source.
func TestParsedPagesAreParsedWhole(t *testing.T) {
	b, err := loadBundle()
	if err != nil {
		t.Fatal(err)
	}
	assets, err := static.Load()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := parsedPages()
	if err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(templates.FS, "pages/*.html")
	if err != nil || len(names) != len(parsed) {
		t.Fatalf("%d pages parsed, %d files (%v)", len(parsed), len(names), err)
	}
	for _, n := range names {
		whole, err := template.New("base").Funcs(serverFuncs(b, locale.VI, assets)).ParseFS(templates.FS, "layouts/base.html", "partials/*.html", n)
		if err != nil {
			t.Fatal(err)
		}
		p := parsed[strings.TrimSuffix(path.Base(n), ".html")]
		if p == nil {
			t.Fatalf("%s not parsed", n)
		}
		if want, have := treesOf(whole), treesOf(p.tmpl); !maps.Equal(want, have) {
			t.Errorf("%s: parsed once: %v; parsed whole: %v", n, slices.Sorted(maps.Keys(have)), slices.Sorted(maps.Keys(want)))
		}
		if p.layout != layoutSource(whole) {
			t.Errorf("%s: the layout source differs from the page parsed whole", n)
		}
	}
}

// A server's pages, cloned from the pages parsed once, render what pages
// parsed afresh for that server render, in both languages: signed-out
// pages, a signed-in page and the error page, joined from pieces or whole.
func TestPagesServedFromOneParseEqualAFreshParse(t *testing.T) {
	e := newEnv(t)
	firm := e.client().login("firm@test.local")
	firm.get("/account") // takes the sign-in's flash
	anon := e.client()
	paths := []string{"/", "/login", "/register", "/contact", "/glossary", "/no/such/page"}
	serve := func() []string {
		var bodies []string
		for _, l := range locale.Languages {
			for _, p := range paths {
				bodies = append(bodies, anon.get(p+"?lang="+l).body)
			}
			bodies = append(bodies, firm.get("/account?lang="+l).body)
		}
		return bodies
	}
	shared := serve()
	fresh := &pageSet{byLang: map[string]map[string]*boundPage{}, layouts: e.web.pages.layouts}
	names, err := fs.Glob(templates.FS, "pages/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range locale.Languages {
		fresh.byLang[l] = map[string]*boundPage{}
		funcs := serverFuncs(e.web.bundle, l, e.web.assets)
		for _, n := range names {
			whole, err := template.New("base").Funcs(funcs).ParseFS(templates.FS, "layouts/base.html", "partials/*.html", n)
			if err != nil {
				t.Fatal(err)
			}
			bp := &boundPage{tmpl: whole}
			bp.once.Do(func() {}) // bound: parsed with the server's functions
			fresh.byLang[l][strings.TrimSuffix(path.Base(n), ".html")] = bp
		}
	}
	e.web.pages = fresh
	for i, body := range serve() {
		if body != shared[i] {
			at := 0
			for at < len(body) && at < len(shared[i]) && body[at] == shared[i][at] {
				at++
			}
			t.Errorf("page %d differs at byte %d: from one parse %.300q, fresh %.300q", i, at, shared[i][at:], body[at:])
		}
	}
	if len(shared) != 2*(len(paths)+1) {
		t.Fatalf("%d pages", len(shared))
	}
}

// Two servers bind their own functions to their clones of the pages
// parsed once: a message each runs reaches its own bundle's reporter, not
// the other's, and not an unbound function. Both serve their pages at
// once, and one page's first use by many requests at once binds it once
// (the race detector checks the shared parse is only read).
func TestServersBindTheirOwnFunctions(t *testing.T) {
	base, err := loadBundle()
	if err != nil {
		t.Fatal(err)
	}
	type seen struct {
		mu  sync.Mutex
		ids []string
	}
	var seenA, seenB seen
	withReporter := func(s *seen) func(*Config) {
		return func(c *Config) {
			c.Bundle = base.WithReporter(func(lang, id string, err error) {
				s.mu.Lock()
				defer s.mu.Unlock()
				s.ids = append(s.ids, lang+":"+id)
			})
		}
	}
	a, b := newEnv(t, withReporter(&seenA)), newEnv(t, withReporter(&seenB))
	var wg sync.WaitGroup
	// Many requests' first use of one page at once: one clone, the same
	// for all (under -race, also no unsynchronised binding).
	first := make([]*template.Template, 8)
	errs := make([]error, len(first))
	start := make(chan struct{})
	for i := range first {
		wg.Go(func() {
			<-start
			first[i], errs[i] = b.web.pages.page(locale.VI, "register")
		})
	}
	close(start)
	wg.Wait()
	for i := range first {
		if errs[i] != nil || first[i] != first[0] {
			t.Fatalf("first use %d: %p (%v), another %p", i, first[i], errs[i], first[0])
		}
	}
	bodies := make([][]string, 4)
	for g := range bodies {
		e := []*env{a, b}[g%2]
		wg.Go(func() {
			c := e.client()
			for range 10 {
				bodies[g] = append(bodies[g], c.get("/glossary?lang=en").body, c.get("/login").body)
			}
		})
	}
	wg.Wait()
	for g := range bodies {
		for i, body := range bodies[g] {
			if body != bodies[0][i%2] {
				t.Fatalf("server %d served a different page %d: %.300q", g%2, i%2, body)
			}
		}
	}
	probe := func(e *env, l string) {
		t.Helper()
		c, err := mustPage(t, e.web.pages, l, "contact").Clone()
		if err == nil {
			_, err = c.New("probe").Parse(`{{t "test.no_such_message"}}`)
		}
		if err == nil {
			err = c.ExecuteTemplate(io.Discard, "probe", nil)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	probe(a, locale.EN)
	probe(b, locale.VI)
	if !slices.Equal(seenA.ids, []string{"en:test.no_such_message"}) || !slices.Equal(seenB.ids, []string{"vi:test.no_such_message"}) {
		t.Fatalf("server A's reporter saw %v, B's %v", seenA.ids, seenB.ids)
	}
}
