package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"testing"
)

// TestWarmPagesEscapesEveryPageAndChangesNoPage: after WarmPages every page
// in both languages is bound and escaped (html/template refuses to clone a
// template once it has escaped it, so a clone that fails is the proof),
// and the pages then served are the ones a server that did not warm serves.
func TestWarmPagesEscapesEveryPageAndChangesNoPage(t *testing.T) {
	warm, cold := newEnv(t), newEnv(t)
	if err := warm.web.WarmPages(context.Background()); err != nil {
		t.Fatalf("warm pages: %v", err)
	}
	n := 0
	for l, pages := range warm.web.pages.byLang {
		for name, p := range pages {
			n++
			if p.tmpl == nil {
				t.Errorf("%s (%s): not bound after warming", name, l)
				continue
			}
			if _, err := p.tmpl.Clone(); err == nil {
				t.Errorf("%s (%s): html/template would still clone it: not escaped by warming", name, l)
			}
		}
	}
	if n < 2*60 {
		t.Fatalf("warmed %d pages, want every page in both languages", n)
	}
	for _, path := range []string{"/?lang=vi", "/?lang=en", "/login?lang=vi", "/login?lang=en", "/register?lang=en"} {
		w, c := warm.client().get(path), cold.client().get(path)
		if w.status != http.StatusOK || w.body != c.body {
			t.Errorf("%s: warmed server %d (%d bytes), cold server %d (%d bytes): want the same page", path, w.status, len(w.body), c.status, len(c.body))
		}
	}
	lead := warm.client().login(warm.fx.Lead.Email)
	page := "/associations/" + strconv.FormatInt(warm.fx.Wood.ID, 10)
	must(t, lead.get(page), http.StatusOK, "")
}

// TestEscapeOnlyReturnsOnlyEscapingErrors: a template html/template cannot
// escape (a branch that ends inside an attribute, the other outside) is
// an error; a template whose run on no data stops at its first field or
// its first write is not.
func TestEscapeOnlyReturnsOnlyEscapingErrors(t *testing.T) {
	bad := template.Must(template.New("base").Parse(`<a {{if .}}href="/a"{{else}}href="/b{{end}}>x</a>`))
	err := escapeOnly(bad, "base")
	if _, ok := errors.AsType[*template.Error](err); !ok {
		t.Fatalf("a template that cannot be escaped: %v, want html/template's escaping error", err)
	}
	if err := escapeOnly(template.Must(template.New("other").Parse(`<p>x</p>`)), "base"); err == nil {
		t.Fatal("warming a template that is not there: no error")
	}
	for _, src := range []string{`{{.User.Name}}<p>x</p>`, `<p>{{.X}}</p>`, `{{with .Y}}{{.}}{{end}}<b>{{len .Z}}</b>`, `{{index .M "k"}}<i>`} {
		good := template.Must(template.New("base").Parse(src))
		if err := escapeOnly(good, "base"); err != nil {
			t.Errorf("%s: %v, want no error", src, err)
		}
		if _, err := good.Clone(); err == nil {
			t.Errorf("%s: not escaped", src)
		}
	}
}

// TestWarmPagesStopsWithItsContext: a server stopping while it warms stops
// warming, with the context's error, and binds no page New had not.
func TestWarmPagesStopsWithItsContext(t *testing.T) {
	e := newEnv(t)
	bound := func() map[string]bool {
		out := map[string]bool{}
		for l, pages := range e.web.pages.byLang {
			for name, p := range pages {
				if p.tmpl != nil {
					out[name+" ("+l+")"] = true
				}
			}
		}
		return out
	}
	before := bound()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.web.WarmPages(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("warm pages after its context ended: %v", err)
	}
	for p := range bound() {
		if !before[p] {
			t.Errorf("%s: bound by a warming that was stopped", p)
		}
	}
}

// TestWarmPagesBesideRequests: serve warms the pages while the first
// requests are answered; each page's binding and escaping happen once,
// whoever comes first (run under -race in CI).
func TestWarmPagesBesideRequests(t *testing.T) {
	e := newEnv(t)
	done := make(chan error, 1)
	go func() { done <- e.web.WarmPages(context.Background()) }()
	lead := e.client().login(e.fx.Lead.Email)
	for _, path := range []string{"/?lang=en", "/login?lang=vi", "/associations/" + strconv.FormatInt(e.fx.Wood.ID, 10), "/?lang=vi"} {
		must(t, lead.get(path), http.StatusOK, "")
	}
	if err := <-done; err != nil {
		t.Fatalf("warm pages beside requests: %v", err)
	}
}
