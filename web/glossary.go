package web

import (
	"net/http"

	"dxready/locale"
)

// glossaryPage lists the portal's terms with their definitions, in the
// reader's language. The terms are the ones the catalogues are held to
// (locale/glossary.toml), so the page and the rest of the portal cannot
// use different words for the same idea.
type glossaryPage struct {
	page
	Terms     []glossaryTerm
	OtherLang string // the language of each term's translation
}

type glossaryTerm struct{ Name, Other, Definition string }

func (s *Server) glossary(w http.ResponseWriter, r *http.Request) {
	p := glossaryPage{page: s.newPage(w, r, "page.glossary.title")}
	p.OtherLang = locale.EN
	if p.Lang == locale.EN {
		p.OtherLang = locale.VI
	}
	for _, t := range s.bundle.Glossary() {
		p.Terms = append(p.Terms, glossaryTerm{Name: t.Name(p.Lang), Other: t.Name(p.OtherLang), Definition: t.Definition(p.Lang)})
	}
	s.render(w, r, http.StatusOK, "glossary", p)
}
