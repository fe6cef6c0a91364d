package web

import (
	"net/http"

	"dxready/disclosure"
)

type homePage struct {
	page
	Firms int
	// Assessed: firms with a current result, shown only from
	// disclosure.MinGroup on, like any other figure over results.
	Assessed     int
	ShowAssessed bool
}

// home is the public start page. Its figures are read from the counters
// the store keeps as firms and results are written (migration 0017), so a
// view costs the same at 68,000 firms as at a million.
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
	assessed, _, err := s.store.AssessmentCounts(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "home", homePage{page: s.newPage(w, r, "page.home.title"), Firms: n,
		Assessed: assessed, ShowAssessed: assessed >= disclosure.MinGroup})
}
