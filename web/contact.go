package web

import "net/http"

// contactPage is how to reach the Center's staff: for claims that wait,
// a lost second factor, a sign-in that fails, or anything the portal
// cannot do alone. Every page links it from the footer, and the messages
// that say to ask the Center link it.
type contactPage struct {
	page
	Phone, Email string
}

func (s *Server) contact(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "contact", contactPage{page: s.newPage(w, r, "page.contact.title"),
		Phone: s.cfg.CenterPhone, Email: s.cfg.CenterEmail})
}
