package web

import (
	"errors"
	"net/http"
	"unicode/utf8"

	"dxready/auth"
	"dxready/firms"
	"dxready/store"
)

type formPage struct {
	page
	Form *form
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	f := newForm()
	// An invitation links here with the firm's tax code filled in.
	if tc, err := firms.ParseTaxCode(r.URL.Query().Get("tax_code")); err == nil {
		f.Values["tax_code"] = string(tc)
	}
	s.render(w, r, http.StatusOK, "register", formPage{s.newPage(w, r, "page.register.title"), f})
}

func (s *Server) registerPost(w http.ResponseWriter, r *http.Request) {
	if !s.registerAllowed(w, r) {
		return
	}
	f, ok := s.parseForm(w, r, "tax_code", "firm_name", "name", "email", "password", "password_confirm")
	if !ok {
		return
	}
	tc, err := firms.ParseTaxCode(f.Get("tax_code"))
	if err != nil {
		f.Fail("tax_code", err.Error())
	}
	email, err := auth.NormalizeEmail(f.Get("email"))
	if err != nil {
		f.Fail("email", err.Error())
	}
	switch n := utf8.RuneCountInString(firms.NormalizeName(f.Get("name"))); {
	case n == 0:
		f.Fail("name", "error.account.name_required")
	case n > maxPersonName:
		f.Fail("name", "error.account.name_too_long")
	}
	if utf8.RuneCountInString(firms.NormalizeName(f.Get("firm_name"))) > firms.MaxNameLen {
		f.Fail("firm_name", string(firms.ErrNameTooLong))
	}
	failPassword(f, auth.CheckPassword(f.Values["password"], f.Values["password_confirm"]))
	role := statedRole(r, f)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, "register", formPage{s.newPage(w, r, "page.register.title"), f})
		return
	}
	var newFirm *firms.Firm
	if name := firms.NormalizeName(f.Get("firm_name")); name != "" {
		newFirm = &firms.Firm{TaxCode: tc, Name: name, VSICVersion: firms.VSICVersion2018}
	}
	hash, err := s.hashForRegistration(r.Context(), f.Values["password"])
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := &auth.User{Email: email, Name: firms.NormalizeName(f.Get("name")), Lang: lang(r), PasswordHash: hash}
	verified, err := s.registerAccount(r.Context(), string(tc), newFirm, u, role)
	switch {
	case errors.Is(err, store.ErrNotFound):
		f.Fail("firm_name", "error.register.firm_name_needed")
	case err != nil:
		s.fail(w, r, err)
		return
	}
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, "register", formPage{s.newPage(w, r, "page.register.title"), f})
		return
	}
	s.claimRegistered(r.Context(), u, verified)
	// The same answer whether the address was new or taken (registerAccount).
	s.redirect(w, r, loginWith(u.Email), "flash.registered_check_inbox")
}

// maxPersonName bounds a user's display name, in characters.
const maxPersonName = 200
