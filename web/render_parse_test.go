package web

import (
	"html/template"
	"io"
	"io/fs"
	"maps"
	"path"
	"regexp"
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

// Each page parsed once per process (parsedPages) holds, with the same
// trees, the templates of the page parsed whole with a server's functions
// that it can run (checkPruned), and has the same layout source.
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
	goOnly := goOnlyPartials(t)
	if !slices.Contains(goOnly, "choice") {
		t.Fatalf("partials no template calls: %v; want choice among them", goOnly)
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
		checkPruned(t, n, whole, p.tmpl, goOnly)
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

// goOnlyPartials are the templates the layout and the partials define
// that no template file calls, read from the files' text: those only the
// Go code runs.
func goOnlyPartials(t *testing.T) []string {
	files, err := fs.Glob(templates.FS, "*/*.html")
	if err != nil {
		t.Fatal(err)
	}
	called, defined := map[string]bool{}, []string{}
	for _, f := range files {
		src, err := fs.ReadFile(templates.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range regexp.MustCompile(`\{\{-? *(template|block|define) "([^"]+)"`).FindAllStringSubmatch(string(src), -1) {
			switch {
			case c[1] != "define":
				called[c[2]] = true
			case !strings.HasPrefix(f, "pages/"):
				defined = append(defined, c[2])
			}
		}
	}
	var out []string
	for _, d := range defined {
		if !called[d] && d != "base" {
			out = append(out, d)
		}
	}
	return out
}

// checkPruned checks page file n parsed once (got) against n parsed whole
// with the layout and every partial: got holds "base", every template n
// defines and the partials only the Go code runs (goOnly); every template
// got holds has the tree it has whole; every template a kept one calls is
// kept (when defined whole); and any other partial is gone. It finds the
// calls in the trees' text, so a walk that missed a kind of node (a call
// inside a range's else, say) fails.
func checkPruned(t *testing.T, n string, whole, got *template.Template, goOnly []string) {
	t.Helper()
	want, have := treesOf(whole), treesOf(got)
	for name, tree := range have {
		if want[name] != tree {
			t.Errorf("%s: %s parsed once differs from %s parsed whole", n, name, name)
		}
	}
	for _, u := range whole.Templates() {
		if u.Tree != nil && (u.Name() == "base" || u.Tree.ParseName == path.Base(n)) && !isFileTemplate(u.Name()) {
			if _, ok := have[u.Name()]; !ok {
				t.Errorf("%s: %s, which the page runs, is not kept", n, u.Name())
			}
		}
	}
	for _, name := range goOnly {
		if _, ok := have[name]; !ok {
			t.Errorf("%s: %s, which only the Go code runs, is not kept", n, name)
		}
	}
	called := map[string]bool{}
	for name, tree := range have {
		for _, c := range regexp.MustCompile(`\{\{template "([^"]+)"`).FindAllStringSubmatch(tree, -1) {
			called[c[1]] = true
			if _, defined := want[c[1]]; defined {
				if _, ok := have[c[1]]; !ok {
					t.Errorf("%s: %s calls %s, which is not kept", n, name, c[1])
				}
			}
		}
	}
	for name := range have {
		if name != "base" && !called[name] && got.Lookup(name).Tree.ParseName != path.Base(n) && !slices.Contains(goOnly, name) {
			t.Errorf("%s: %s is kept but nothing calls it", n, name)
		}
	}
}

// isFileTemplate: the template a file's own name makes, its text outside
// any define (blank lines): never run.
func isFileTemplate(name string) bool { return strings.HasSuffix(name, ".html") }
