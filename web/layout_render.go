package web

import (
	"bytes"
	"html/template"
	"net/http"
	"reflect"
	"sync"
)

// layoutPage is the page a page's data embeds (every page's data does).
func (p page) layoutPage() page { return p }

// layoutData is page data whose layout can be joined from pieces.
type layoutData interface{ layoutPage() page }

// layoutFields are the fields of page the layout reads from the data.
var layoutFields = []string{"Lang", "OtherLang", "Here", "LangURL", "Title", "User", "Flash", "Nav", "Demo"}

// layoutTypes remembers, by page data type, whether the layout reads its
// fields from the embedded page: a type with a field or method of the same
// name as one of them (its own Title, say) hides the page's from the
// template, and renders whole. Bounded by the types of page data.
var layoutTypes sync.Map

func layoutReadsPage(data any) bool {
	t := reflect.TypeOf(data)
	if ok, seen := layoutTypes.Load(t); seen {
		return ok.(bool)
	}
	ok := readsPage(t)
	layoutTypes.Store(t, ok)
	return ok
}

func readsPage(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[page]() {
		return true
	}
	if t.Kind() != reflect.Struct {
		return false
	}
	embedded, ok := t.FieldByName("page")
	if !ok || !embedded.Anonymous || embedded.Type != reflect.TypeFor[page]() {
		return false
	}
	for _, n := range layoutFields {
		f, ok := t.FieldByName(n)
		if !ok || len(f.Index) != 2 || f.Index[0] != embedded.Index[0] {
			return false
		}
		if _, ok := reflect.PointerTo(t).MethodByName(n); ok {
			return false
		}
	}
	return true
}

// renderJoined writes page name (template t) for data into b, its layout
// joined from pieces around its content; false when it cannot (then b
// holds part of a page, and the caller renders it whole).
func (s *Server) renderJoined(b *bytes.Buffer, r *http.Request, t *template.Template, name string, data any) bool {
	lp := s.pages.layouts[lang(r)][name]
	d, ok := data.(layoutData)
	if lp == nil || !ok || !layoutReadsPage(data) {
		return false
	}
	p := d.layoutPage()
	sh, ok := shapeOf(&p)
	if !ok {
		return false
	}
	sk, err := lp.skeleton(sh)
	if err != nil {
		s.log.Error("layout: pieces not cut: the page renders whole", "page", name, "err", err)
	}
	if sk == nil {
		return false
	}
	return sk.write(b, &p, lp.loc, func() error { return s.writeContent(b, r, t, name, data) }) == nil
}

// writeContent writes page name's content, the step page's from its kept
// frame (layout_step.go) and the review page's from its pieces
// (layout_review.go) when they can.
func (s *Server) writeContent(b *bytes.Buffer, r *http.Request, t *template.Template, name string, data any) error {
	start := b.Len()
	var done bool
	var err error
	switch p := data.(type) {
	case stepPage:
		if name == "assessment_step" && s.stepFrames != nil {
			done, err = s.stepFrames.write(b, lang(r), t, &p)
		}
	case reviewPage:
		if name == "assessment_review" && s.reviewFrames != nil {
			done, err = s.reviewFrames.write(b, lang(r), t, &p)
		}
	}
	if done && err == nil {
		return nil
	}
	if err != nil {
		s.log.Error("content in pieces: it renders whole", "page", name, "err", err)
	}
	b.Truncate(start)
	return t.ExecuteTemplate(b, "content", data)
}

// reportLayouts logs, once at the start, each page whose layout cannot be
// joined from pieces (checkLayout): it renders whole, correct but slower.
func (s *Server) reportLayouts() {
	for l, pages := range s.pages.layouts {
		for name, lp := range pages {
			if lp.off != nil {
				s.log.Error("layout: the page renders whole", "page", name, "lang", l, "err", lp.off)
			}
		}
	}
}
