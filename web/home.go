package web

import "net/http"

type homePage struct {
	page
	Firms int
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		s.notFound(w, r)
		return
	}
	n, err := s.store.CountFirms(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "home", homePage{page: s.newPage(w, r, "page.home.title"), Firms: n})
}
