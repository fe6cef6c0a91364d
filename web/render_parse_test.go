package web

import (
	"html/template"
	"io/fs"
	"maps"
	"slices"
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
