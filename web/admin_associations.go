package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"dxready/auth"
	"dxready/firms"
	"dxready/store"
)

type adminAssocPage struct {
	page
	AssociationID int64
	Name          string
	Members       int
	Leads         []*auth.User
	LeadForm      *form
	NewLead       string // the one-time password of a lead account just made
	NewLeadEmail  string
	Imported      *store.MembershipImport
	Problem       string
	RowErrors     []string
	More          int
}

func (s *Server) loadAdminAssoc(w http.ResponseWriter, r *http.Request, leadForm *form) (*adminAssocPage, bool) {
	ac, err := s.loadAssociation(r, auth.ActAssociationManage)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	p := &adminAssocPage{page: s.newPage(w, r, "page.admin_assoc.title"), AssociationID: ac.assoc.ID, Name: ac.name, LeadForm: leadForm}
	if p.Members, err = s.store.CountMembers(r.Context(), ac.assoc.ID); err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	if p.Leads, err = s.store.Leads(r.Context(), ac.assoc.ID); err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return p, true
}

// adminAssociation shows an association's leads and member count, with
// forms to assign a lead and import a membership list.
func (s *Server) adminAssociation(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.loadAdminAssoc(w, r, newForm()); ok {
		s.render(w, r, http.StatusOK, "admin_association", p)
	}
}

// adminLeadPost makes the address given a lead of the association: an
// existing lead is moved, a new address gets an account whose password is
// shown once; any other role is refused.
func (s *Server) adminLeadPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "email", "name")
	if !ok {
		return
	}
	email, err := auth.NormalizeEmail(f.Get("email"))
	if err != nil {
		f.Fail("email", string(auth.ErrEmailInvalid))
	}
	if strings.TrimSpace(f.Get("name")) == "" {
		f.Fail("name", "error.lead.name_required")
	}
	p, ok := s.loadAdminAssoc(w, r, f)
	if !ok {
		return
	}
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, "admin_association", p)
		return
	}
	entry := store.AuditEntry{UserID: currentUser(r).ID, Action: "association.lead", Subject: fmt.Sprintf("association:%d", p.AssociationID), Detail: email}
	switch u, err := s.store.FindUserByEmail(r.Context(), email); {
	case err == nil && u.Role == auth.RoleLead:
		err = s.store.AssignLead(r.Context(), u.ID, p.AssociationID, entry)
		if err != nil {
			s.fail(w, r, err)
			return
		}
	case err == nil:
		f.Fail("email", "error.lead.other_role")
		s.render(w, r, http.StatusUnprocessableEntity, "admin_association", p)
		return
	case errors.Is(err, store.ErrNotFound):
		password := auth.NewPassword()
		hash, err := s.hasher.Hash(r.Context(), password)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		u := &auth.User{Email: email, Name: strings.TrimSpace(f.Get("name")), Role: auth.RoleLead, Status: auth.StatusActive,
			AssociationID: p.AssociationID, Lang: lang(r), PasswordHash: hash}
		v, err := s.newLink(u, auth.LinkVerify, currentUser(r).ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if err := s.store.CreateAccount(r.Context(), u, v, entry); err != nil {
			s.fail(w, r, err)
			return
		}
		p.NewLead, p.NewLeadEmail = password, email
	default:
		s.fail(w, r, err)
		return
	}
	if p.Leads, err = s.store.Leads(r.Context(), p.AssociationID); err != nil {
		s.fail(w, r, err)
		return
	}
	p.LeadForm = newForm()
	s.render(w, r, http.StatusOK, "admin_association", p)
}

// adminMembersPost imports a membership list (CSV of tax codes), all or
// nothing, listing every problem by line.
func (s *Server) adminMembersPost(w http.ResponseWriter, r *http.Request) {
	const limit = MaxUploadBytes + 1<<20
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	perr := r.ParseMultipartForm(1 << 20)
	p, ok := s.loadAdminAssoc(w, r, newForm())
	if !ok {
		return
	}
	reject := func(status int, problem string) {
		p.Problem = problem
		s.render(w, r, status, "admin_association", p)
	}
	if perr != nil {
		var tooBig *http.MaxBytesError
		if errors.As(perr, &tooBig) {
			reject(http.StatusRequestEntityTooLarge, "error.import.too_large")
			return
		}
		reject(http.StatusBadRequest, "error.import.no_file")
		return
	}
	defer r.MultipartForm.RemoveAll()
	file, _, err := r.FormFile("file")
	if err != nil {
		reject(http.StatusUnprocessableEntity, "error.import.no_file")
		return
	}
	defer file.Close()
	lines, rowErrs := firms.ParseMemberList(file)
	var res *store.MembershipImport
	if len(rowErrs) == 0 {
		entry := store.AuditEntry{UserID: currentUser(r).ID, Action: "association.members.import", Subject: fmt.Sprintf("association:%d", p.AssociationID),
			Detail: "mode=" + r.FormValue("mode")} // the store adds the counts
		if res, err = s.store.ImportMemberships(r.Context(), p.AssociationID, lines, r.FormValue("mode") == "replace", entry); err != nil {
			s.fail(w, r, err)
			return
		}
		rowErrs = res.Errors
	}
	if len(rowErrs) > 0 {
		l := s.loc(r)
		for _, e := range rowErrs[:min(len(rowErrs), maxShownImportErrors)] {
			p.RowErrors = append(p.RowErrors, RowErrorText(l, e))
		}
		p.More = len(rowErrs) - len(p.RowErrors)
		reject(http.StatusUnprocessableEntity, "error.import.rejected")
		return
	}
	p.Imported = res
	if p.Members, err = s.store.CountMembers(r.Context(), p.AssociationID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin_association", p)
}
