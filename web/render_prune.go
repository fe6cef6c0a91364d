package web

import (
	"html/template"
	"maps"
	"path"
	"slices"
	"strings"
	"text/template/parse"
)

// prunePage is page set t, file's page parsed over the layout and every
// partial (parsePage), with only the templates the page can run: "base",
// those file defines, the partials only the Go code runs (goOnly, see
// uncalledPartials), and every template they call, however deeply. The
// trees are t's own (t is not used again).
//
// Why: each page held a copy of every partial's tree, and each server
// binds a copy of each page in each language (boundPage, WarmPages), so
// that the partials of the review, the result and the questions were
// copied into the login page 126 times. Those parse trees were some 24 MB
// of the server's 52 MB of live heap, all of it pointers the collector
// marks on every cycle (docs/PERFORMANCE.md). What a page cannot reach it
// cannot run: a {{template}} names its template in the text, so the
// templates a page calls are known from its trees, and every name the Go
// code runs ("base", "content", "step-questions", "question") is a page's
// own or called from one, but for a partial no template calls ("choice",
// whose options the step page's frames render), kept in every page
// (TestParsedPagesAreParsedWhole).
func prunePage(t *template.Template, file string, goOnly []string) (*template.Template, error) {
	own := path.Base(file)
	roots := append([]string{"base"}, goOnly...)
	for _, u := range t.Templates() {
		if u.Tree != nil && u.Tree.ParseName == own {
			roots = append(roots, u.Name())
		}
	}
	keep := reachableTemplates(t, roots)
	p := template.New("base").Funcs(unboundFuncs())
	for _, name := range slices.Sorted(maps.Keys(keep)) {
		if _, err := p.AddParseTree(name, t.Lookup(name).Tree); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// uncalledPartials are the templates of common (the layout and the
// partials) that no template of any page set calls: only the Go code can
// run them, by name, so every page keeps them.
func uncalledPartials(common *template.Template, pages []*template.Template) []string {
	called := map[string]bool{}
	for _, p := range pages {
		for _, u := range p.Templates() {
			if u.Tree != nil {
				templateCalls(u.Tree.Root, func(name string) { called[name] = true })
			}
		}
	}
	var out []string
	for _, u := range common.Templates() {
		if name := u.Name(); u.Tree != nil && name != "base" && !called[name] && !strings.HasSuffix(name, ".html") {
			out = append(out, name) // a file's own template (its text outside any define) is never run
		}
	}
	slices.Sort(out)
	return out
}

// reachableTemplates is the set of templates of t that roots are or call,
// directly or through others; a name t does not define is left out (its
// call fails when escaped, as it does in t).
func reachableTemplates(t *template.Template, roots []string) map[string]bool {
	keep := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		if keep[name] {
			return
		}
		u := t.Lookup(name)
		if u == nil || u.Tree == nil {
			return
		}
		keep[name] = true
		templateCalls(u.Tree.Root, visit)
	}
	for _, r := range roots {
		visit(r)
	}
	return keep
}

// templateCalls calls call with the name of each {{template}} in the tree
// under n.
func templateCalls(n parse.Node, call func(name string)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			templateCalls(c, call)
		}
	case *parse.IfNode:
		templateCalls(n.List, call)
		templateCalls(n.ElseList, call)
	case *parse.RangeNode:
		templateCalls(n.List, call)
		templateCalls(n.ElseList, call)
	case *parse.WithNode:
		templateCalls(n.List, call)
		templateCalls(n.ElseList, call)
	case *parse.TemplateNode:
		call(n.Name)
	}
}
