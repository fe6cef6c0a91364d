package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"dxready/auth"
	"dxready/firms"
	"dxready/locale"
	"dxready/scoring"
	"dxready/store"
)

type invitePage struct {
	page
	AssociationID int64
	FirmID        int64
	FirmName      string
	Form          *form
}

// inviteTarget loads the member firm {firm} of association {id} for an
// invitation: the lead may invite, the firm is a member, and no one of it
// has an account yet.
func (s *Server) inviteTarget(r *http.Request) (*assocCtx, *firms.Firm, error) {
	ac, err := s.loadAssociation(r, auth.ActMemberInvite)
	if err != nil {
		return nil, nil, err
	}
	id, err := strconv.ParseInt(r.PathValue("firm"), 10, 64)
	if err != nil {
		return nil, nil, store.ErrNotFound
	}
	ids, err := s.store.FirmAssociationIDs(r.Context(), id)
	if err != nil || !containsID(ids, ac.assoc.ID) {
		return nil, nil, store.ErrNotFound
	}
	f, err := s.store.FindFirmByID(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	users, err := s.store.UsersOfFirm(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	for _, u := range users {
		if u.Status == auth.StatusActive && u.FirmVerified { // an open claim may be a stranger: the firm is still invited
			return nil, nil, errHasAccount
		}
	}
	return ac, f, nil
}

var errHasAccount = errors.New("web: the firm already has an account")

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// memberInvite asks for an address when the firm has no contact on file;
// otherwise the invitation goes to the contact without showing the lead
// where.
func (s *Server) memberInvite(w http.ResponseWriter, r *http.Request) {
	ac, f, err := s.inviteTarget(r)
	if err != nil {
		s.inviteFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "member_invite", invitePage{page: s.newPage(w, r, "page.invite.title"),
		AssociationID: ac.assoc.ID, FirmID: f.ID, FirmName: f.Name, Form: newForm()})
}

// memberInvitePost queues the invitation: to the address typed, else to
// the firm's consenting contact person, else it asks for an address.
func (s *Server) memberInvitePost(w http.ResponseWriter, r *http.Request) {
	form, ok := s.parseForm(w, r, "email")
	if !ok {
		return
	}
	ac, f, err := s.inviteTarget(r)
	if err != nil {
		s.inviteFail(w, r, err)
		return
	}
	to := form.Get("email")
	if to == "" {
		c, err := s.store.FindContact(r.Context(), f.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			s.fail(w, r, err)
			return
		}
		if c != nil && c.Email != "" {
			to = c.Email
		}
	} else if to, err = auth.NormalizeEmail(to); err != nil {
		form.Fail("email", string(auth.ErrEmailInvalid))
	}
	if to == "" || !form.Valid() {
		if form.Valid() {
			form.Fail("email", "error.invite.address_needed")
		}
		s.render(w, r, http.StatusUnprocessableEntity, "member_invite", invitePage{page: s.newPage(w, r, "page.invite.title"),
			AssociationID: ac.assoc.ID, FirmID: f.ID, FirmName: f.Name, Form: form})
		return
	}
	m := s.inviteMessage(r, ac, f, to, "")
	switch err := s.store.QueueInvite(r.Context(), ac.assoc.ID, f.ID, currentUser(r).ID, m); {
	case errors.Is(err, store.ErrUnverifiedRecipient):
		// The address is an unverified account's: it gets nothing but its
		// verification link. The lead is told what any queued invitation
		// tells, so the page does not reveal whose address it is.
		s.log.Info("invitation skipped: address not verified", "association", ac.assoc.ID, "firm", f.ID)
		s.redirect(w, r, assocURL(ac.assoc.ID, "/members", ""), "flash.invite_queued")
	case errors.Is(err, store.ErrDuplicate):
		s.redirect(w, r, assocURL(ac.assoc.ID, "/members", ""), "flash.invite_already")
	case err != nil:
		s.fail(w, r, err)
	default:
		s.redirect(w, r, assocURL(ac.assoc.ID, "/members", ""), "flash.invite_queued")
	}
}

// inviteMessage is the invitation of firm f to address to, in language l
// when the firm's language is known (someone of it has an account), else
// in both: a firm without an account has told nobody its language.
func (s *Server) inviteMessage(r *http.Request, ac *assocCtx, f *firms.Firm, to, l string) *store.Message {
	link := s.linkBase() + "/register?tax_code=" + string(f.TaxCode)
	day := s.now().In(scoring.Zone).Format("2006-01-02")
	m := &store.Message{Kind: "member_invite", DedupeKey: fmt.Sprintf("invite:%d:%d:%s", ac.assoc.ID, f.ID, day), To: to, CreatedBy: currentUser(r).ID}
	body := func(l string) string {
		name := ac.assoc.NameVI
		if l == locale.EN {
			name = ac.assoc.NameEN
		}
		return s.bundle.For(l).T("mail.invite.body", "Association", name, "Firm", f.Name, "Link", link+"&lang="+l)
	}
	if slices.Contains(locale.Languages, l) {
		m.Lang, m.Subject, m.Body = l, s.bundle.For(l).T("mail.invite.subject"), body(l)
		return m
	}
	vi, en := s.bundle.For(locale.VI), s.bundle.For(locale.EN)
	m.Lang, m.Subject = locale.VI, vi.T("mail.invite.subject")+" / "+en.T("mail.invite.subject")
	m.Body = body(locale.VI) + "\n\n---\n\n" + body(locale.EN)
	return m
}

func (s *Server) inviteFail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errHasAccount) {
		s.renderError(w, r, http.StatusConflict, "error.invite.has_account")
		return
	}
	s.fail(w, r, err)
}
