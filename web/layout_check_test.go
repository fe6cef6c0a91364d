package web

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"dxready/locale"
)

// layoutOf parses a layout (base) and a page (content) as parsePages does.
func layoutOf(t *testing.T, base string) (*template.Template, *layoutPieces) {
	t.Helper()
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	funcs := templateFuncs(b.For(locale.EN), nil)
	tmpl := template.Must(template.New("base").Funcs(funcs).Parse(
		`{{define "base"}}` + base + `{{end}}{{define "content"}}<p>{{.Step}} of {{.Steps}}</p>{{end}}`))
	lp, err := newLayoutPieces(tmpl, b.For(locale.EN), funcs)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl, lp
}

// A layout that branches on, or shows, what the pieces do not stand in
// for renders whole: its pieces would be wrong.
func TestLayoutUsingMoreOfThePageRendersWhole(t *testing.T) {
	for _, base := range []string{
		`<p>{{.Path}}</p>{{template "content" .}}`,                      // a field without a slot
		`{{if eq .Lang "vi"}}vi{{end}}{{template "content" .}}`,         // a branch on a value
		`{{if .Here}}x{{end}}{{template "content" .}}`,                  // the same
		`{{with .User}}{{.Name}}{{end}}{{template "content" .}}`,        // a field of the user without a slot
		`{{printf "%s!" .Here}}{{template "content" .}}`,                // a value changed by a function
		`{{t "page.home.title" "Name" .Here}}{{template "content" .}}`,  // a value inside a message
		`{{.}}{{template "content" .}}`,                                 // the data whole
		`{{$x := .Here}}{{$x}}{{template "content" .}}`,                 // a variable
		`{{template "content" .}}{{template "other" .User}}`,            // a template given other data
		`{{range $i, $n := .Nav}}{{$i}}{{end}}{{template "content" .}}`, // range variables
		`{{if .Demo}}{{.Step}}{{end}}{{template "content" .}}`,          // the page's own fields
		`<a href="/x?next={{.Here}}">{{template "content" .}}`,          // fine for checkLayout; see below
	} {
		_, lp := layoutOf(t, base)
		if strings.Contains(base, "next=") {
			// A value inside a URL's query is escaped by html/template's
			// urlEscaper, which the pieces lack: the probes refuse it.
			if sk, err := lp.skeleton(layoutShape{}); sk != nil || err == nil {
				t.Errorf("%s: cut, with a value escaped as no escaper of the pieces does", base)
			}
			continue
		}
		if lp.off == nil {
			t.Errorf("%s: accepted", base)
		}
	}
}

// A layout of the allowed kind, edited, is joined from its new pieces, and
// page data that hides a field of page from the template renders whole.
func TestLayoutEditedIsJoinedAsEditedAndHiddenFieldsRenderWhole(t *testing.T) {
	tmpl, lp := layoutOf(t, `<html lang="{{.Lang}}"><title>{{t .Title}}</title>{{if .Flash}}<b>{{t .Flash}}</b>{{end}}<i title="{{.Here}}">edited</i>{{template "content" .}}</html>`)
	if lp.off != nil {
		t.Fatal(lp.off)
	}
	bound := &boundPage{tmpl: tmpl}
	bound.once.Do(func() {}) // bound already
	s := &Server{pages: &pageSet{byLang: map[string]map[string]*boundPage{locale.EN: {"p": bound}},
		layouts: map[string]map[string]*layoutPieces{locale.EN: {"p": lp}}}}
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(contextWithLang(r, locale.EN))
	data := stepPage{page: page{Lang: "en", Title: "page.home.title", Flash: "flash.reset_sent", Here: `/x?a="b"&c`}, Step: 2, Steps: 6}
	var joined, whole bytes.Buffer
	if !s.renderJoined(&joined, r, tmpl, "p", data) {
		t.Fatal("not joined")
	}
	if err := tmpl.ExecuteTemplate(&whole, "base", data); err != nil {
		t.Fatal(err)
	}
	if joined.String() != whole.String() || !strings.Contains(joined.String(), "edited") {
		t.Fatalf("joined %q, whole %q", joined.String(), whole.String())
	}
	type ownTitle struct {
		stepPage
		Title string
	}
	if s.renderJoined(&joined, r, tmpl, "p", ownTitle{stepPage: data, Title: "x"}) {
		t.Error("a page with its own Title was joined with page's")
	}
	if s.renderJoined(&joined, r, tmpl, "p", struct{ Step, Steps int }{}) {
		t.Error("data without page was joined")
	}
}

func contextWithLang(r *http.Request, l string) context.Context {
	return context.WithValue(r.Context(), langKey, l)
}

// Every page's layout, as the templates are, is joined from pieces: a
// layout edit that turns that off for a page fails here, not only slows.
func TestEveryPagesLayoutIsJoinedFromPieces(t *testing.T) {
	e := newEnv(t)
	for l, pages := range e.web.pages.layouts {
		if len(pages) != len(e.web.pages.byLang[l]) {
			t.Errorf("%s: %d layouts for %d pages", l, len(pages), len(e.web.pages.byLang[l]))
		}
		for name, lp := range pages {
			if lp.off != nil {
				t.Errorf("%s %s: %v", l, name, lp.off)
			}
		}
	}
}
