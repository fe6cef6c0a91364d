package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"dxready/auth"
	"dxready/firms"
	"dxready/store"
)

// personPage is one account on the people pages: who it is, and the
// changes the rule lets the signed-in admin make to it.
type personPage struct {
	page
	Person       *auth.User
	Firm         *firms.Firm // nil for staff
	AssocName    string
	Associations []firms.Association
	Roles        []auth.Role
	Form         *form // the access form: role, association
	Problem      string
	// Toggle is the status the status button would set; ToggleRefused why
	// it is not drawn (message ID), when the rule refuses it.
	Toggle        auth.Status
	ToggleRefused string
	// AccessRefused: the role cannot change at all (one's own account).
	AccessRefused string
}

// personFromPath reads the account of the path's {id}; ErrNotFound when
// there is none.
func (s *Server) personFromPath(r *http.Request) (*auth.User, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, store.ErrNotFound
	}
	return s.store.FindUserByID(r.Context(), id)
}

// person shows one account with its forms.
func (s *Server) person(w http.ResponseWriter, r *http.Request) {
	s.renderPerson(w, r, http.StatusOK, nil, "")
}

// renderPerson draws the account of the path with the access form f (nil:
// the account's own values) and problem (a message ID, or "").
func (s *Server) renderPerson(w http.ResponseWriter, r *http.Request, status int, f *form, problem string) {
	u, err := s.personFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := personPage{page: s.newPage(w, r, "page.person.title"), Person: u, Roles: auth.RolesFor(u), Form: f, Problem: problem}
	if p.Form == nil {
		p.Form = newForm()
		p.Form.Values["role"], p.Form.Values["association"] = string(u.Role), strconv.FormatInt(u.AssociationID, 10)
	}
	if err := s.fillPerson(r, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "admin_user", p)
}

// fillPerson adds the account's firm, the associations, and what the rule
// says of the buttons.
func (s *Server) fillPerson(r *http.Request, p *personPage) error {
	ctx, u := r.Context(), p.Person
	var err error
	if u.FirmID != 0 {
		if p.Firm, err = s.store.FindFirmByID(ctx, u.FirmID); err != nil {
			return err
		}
	}
	if p.Associations, err = s.store.Associations(ctx); err != nil {
		return err
	}
	for _, a := range p.Associations {
		if a.ID == u.AssociationID {
			p.AssocName = a.Name(p.Lang)
		}
	}
	others, err := s.store.ActiveAdminsBesides(ctx, u.ID)
	if err != nil {
		return err
	}
	cu, to := currentUser(r), auth.AccessOf(u)
	p.Toggle, to.Status = auth.StatusDisabled, auth.StatusDisabled
	if u.Status != auth.StatusActive {
		p.Toggle, to.Status = auth.StatusActive, auth.StatusActive
	}
	if err := auth.CheckAccessChange(cu, u, to, others); err != nil {
		p.ToggleRefused = err.Error()
	}
	if cu.ID == u.ID {
		p.AccessRefused = string(auth.ErrAccessSelf)
	}
	return nil
}

// personStatusPost disables or enables an account: a disabled account's
// sessions and pending sign-ins end in the same transaction, and the
// session cache forgets them when it commits (store.OnUserChange), so its
// next request is refused.
func (s *Server) personStatusPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "status")
	if !ok {
		return
	}
	st := auth.Status(f.Get("status"))
	s.changeAccess(w, r, nil, func(a auth.Access) auth.Access { a.Status = st; return a }, map[auth.Status]string{
		auth.StatusActive: "flash.people.enabled", auth.StatusDisabled: "flash.people.disabled"}[st])
}

// personAccessPost changes an account's role and association (a lead's).
func (s *Server) personAccessPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "role", "association")
	if !ok {
		return
	}
	role := auth.Role(f.Get("role"))
	assoc, err := strconv.ParseInt(f.Get("association"), 10, 64)
	if f.Get("association") != "" && (err != nil || assoc < 0) {
		f.Fail("association", string(auth.ErrAccessAssocAbsent))
		s.renderPerson(w, r, http.StatusUnprocessableEntity, f, "")
		return
	}
	s.changeAccess(w, r, f, func(a auth.Access) auth.Access { a.Role, a.AssociationID = role, assoc; return a }, "flash.people.access_changed")
}

// changeAccess makes the change and answers: back to the account with
// flash, or the account again with the rule's refusal (422).
func (s *Server) changeAccess(w http.ResponseWriter, r *http.Request, f *form, change func(auth.Access) auth.Access, flash string) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, store.ErrNotFound)
		return
	}
	_, err = s.store.ChangeAccess(r.Context(), currentUser(r), id, change)
	var refused auth.Problem
	switch {
	case errors.As(err, &refused):
		s.log.Info("access change refused", "user", currentUser(r).ID, "target", id, "why", string(refused))
		s.renderPerson(w, r, http.StatusUnprocessableEntity, f, string(refused))
	case err != nil:
		s.fail(w, r, err)
	default:
		s.redirect(w, r, fmt.Sprintf("/admin/users/%d", id), flash)
	}
}

// personVerifyPost sends an unverified address its confirmation link
// again, through the outbox, as often as auth.LinkAllowed lets one
// account receive links.
func (s *Server) personVerifyPost(w http.ResponseWriter, r *http.Request) {
	u, err := s.personFromPath(r)
	if err == nil && u.Status == auth.StatusDisabled {
		err = store.ErrNotFound // a disabled account is sent nothing
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	back, flash := fmt.Sprintf("/admin/users/%d", u.ID), "flash.people.verify_sent"
	if u.EmailVerified {
		s.redirect(w, r, back, "flash.people.already_verified")
		return
	}
	entry := store.AuditEntry{UserID: currentUser(r).ID, Action: "user.verify_sent", Subject: fmt.Sprintf("user:%d", u.ID), Detail: u.Email}
	switch err := s.sendLink(r.Context(), u, auth.LinkVerify, currentUser(r).ID, entry); {
	case errors.Is(err, store.ErrLinkThrottled):
		flash = "flash.reset_wait"
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, back, flash)
}
