package web

import (
	"net/http"
	"slices"

	"dxready/locale"
)

// languagePost switches the language: the cookie for everyone, and the
// account's stored language (used for messages sent to the user) for a
// signed-in user. It returns to the page the switch was on.
func (s *Server) languagePost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "lang", "next")
	if !ok {
		return
	}
	l := f.Get("lang")
	if !slices.Contains(locale.Languages, l) {
		s.renderError(w, r, http.StatusBadRequest, "error.bad_request")
		return
	}
	s.setLangCookie(w, l)
	if u := currentUser(r); u != nil && u.Lang != l {
		if err := s.store.SetUserLang(r.Context(), u.ID, l); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, safeNext(f.Get("next")), http.StatusSeeOther)
}
