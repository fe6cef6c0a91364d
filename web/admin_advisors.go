package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"dxready/auth"
	"dxready/store"
)

type adminAdvisorsPage struct {
	page
	Advisors []adminAdvisorRow
	Form     *form
	NewEmail string
	NewPass  string // the one-time password of an account just made
	NewID    int64
}

type adminAdvisorRow struct {
	*store.Advisor
	Pillars  string
	ThisWeek int
}

// adminAdvisors lists every advisor with their expertise and this week's
// load, and a form to add one.
func (s *Server) adminAdvisors(w http.ResponseWriter, r *http.Request) {
	s.renderAdminAdvisors(w, r, http.StatusOK, newForm(), nil)
}

func (s *Server) renderAdminAdvisors(w http.ResponseWriter, r *http.Request, status int, f *form, p *adminAdvisorsPage) {
	if p == nil {
		p = &adminAdvisorsPage{}
	}
	p.page, p.Form = s.newPage(w, r, "page.admin_advisors.title"), f
	as, err := s.store.Advisors(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loads, err := s.store.Loads(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, l := s.defaultInstrument(), lang(r)
	for _, a := range as {
		p.Advisors = append(p.Advisors, adminAdvisorRow{Advisor: a, Pillars: strings.Join(pillarNames(in, a.Pillars, l), ", "), ThisWeek: loads[a.ID].ThisWeek})
	}
	s.render(w, r, status, "admin_advisors", p)
}

// adminAdvisorPost creates an advisor account with a starting profile
// (Vietnamese, online, weekdays 08:00–11:45 and 13:30–17:00) and shows
// its password once; the advisor or the admin then completes the profile.
func (s *Server) adminAdvisorPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "email", "name")
	if !ok {
		return
	}
	email, err := auth.NormalizeEmail(f.Get("email"))
	if err != nil {
		f.Fail("email", string(auth.ErrEmailInvalid))
	}
	name := f.Get("name")
	if name == "" || len([]rune(name)) > 120 {
		f.Fail("name", "error.advisor.name_required")
	}
	if !f.Valid() {
		s.renderAdminAdvisors(w, r, http.StatusUnprocessableEntity, f, nil)
		return
	}
	password := auth.NewPassword()
	hash, err := s.hasher.Hash(r.Context(), password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := &auth.User{Email: email, Name: name, Status: auth.StatusActive, Lang: lang(r), PasswordHash: hash}
	a := store.StarterAdvisor(0)
	entry := store.AuditEntry{UserID: currentUser(r).ID, Action: "advisor.create", Detail: email} // subject: the new advisor
	v, err := s.newLink(u, auth.LinkVerify, currentUser(r).ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch err := s.store.CreateAdvisorAccount(r.Context(), u, a, v, entry); {
	case errors.Is(err, store.ErrConflict):
		f.Fail("email", "error.advisor.email_taken")
		s.renderAdminAdvisors(w, r, http.StatusConflict, f, nil)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.renderAdminAdvisors(w, r, http.StatusOK, newForm(), &adminAdvisorsPage{NewEmail: email, NewPass: password, NewID: u.ID})
}

// adminAdvisorActivePost disables or re-enables an advisor. Disabling
// stops new bookings only; confirmed ones stay for the advisor to hold,
// move or cancel.
func (s *Server) adminAdvisorActivePost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "active")
	if !ok {
		return
	}
	adv, err := s.advisorFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	active := f.Get("active") == "1"
	entry := store.AuditEntry{UserID: currentUser(r).ID, Action: "advisor.active", Subject: "advisor:" + strconv.FormatInt(adv.ID, 10),
		Detail: strconv.FormatBool(active)}
	if err := s.store.SetAdvisorActive(r.Context(), adv.ID, active, entry); err != nil {
		s.fail(w, r, err)
		return
	}
	flash := "flash.advisor_disabled"
	if active {
		flash = "flash.advisor_enabled"
	}
	s.redirect(w, r, "/admin/advisors", flash)
}
