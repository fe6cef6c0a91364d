package web

import (
	"cmp"
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
	Refused       string // why the rule does not invite the firm, a message ID; "" it may be invited
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

// memberInvite asks for an address when the firm has none on file;
// otherwise the invitation goes to it without showing the lead where. A
// member the rule does not invite (firms.InviteDecision) is said so at
// once, with no form: no address typed would change it.
func (s *Server) memberInvite(w http.ResponseWriter, r *http.Request) {
	ac, f, err := s.inviteTarget(r)
	if err != nil {
		s.inviteFail(w, r, err)
		return
	}
	p := invitePage{page: s.newPage(w, r, "page.invite.title"), AssociationID: ac.assoc.ID, FirmID: f.ID, FirmName: f.Name, Form: newForm()}
	_, why, err := s.singleInvite(r, ac, f, "")
	if err != nil {
		s.inviteFail(w, r, err)
		return
	}
	p.Refused = inviteRefusals[why]
	s.render(w, r, http.StatusOK, "member_invite", p)
}

// memberInvitePost invites one member by the rule and the store path of
// the bulk press (a selection of one): to the address typed, else to the
// address on file (the consenting contact's, else the registry's), else
// it asks for one. An address typed corrects where the invitation goes,
// never whether it goes: a member invited within 30 days, that erased its
// contact or that has a result is refused, and the page says why.
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
	p := invitePage{page: s.newPage(w, r, "page.invite.title"), AssociationID: ac.assoc.ID, FirmID: f.ID, FirmName: f.Name, Form: form}
	typed := form.Get("email")
	if typed != "" {
		if typed, err = auth.NormalizeEmail(typed); err != nil {
			form.Fail("email", string(auth.ErrEmailInvalid))
		}
	}
	c, why, err := s.singleInvite(r, ac, f, typed)
	if err != nil {
		s.inviteFail(w, r, err)
		return
	}
	if why == "" && form.Valid() {
		entry := store.AuditEntry{UserID: currentUser(r).ID, Action: "association.invite", Subject: "association:" + strconv.FormatInt(ac.assoc.ID, 10),
			Detail: fmt.Sprintf("firm=%d typed=%t", f.ID, typed != "")}
		inv := store.Invitation{FirmID: f.ID, Message: s.inviteMessage(r, ac, f, c.Address, c.Lang)}
		sent, _, err := s.store.QueueInvites(r.Context(), ac.assoc.ID, currentUser(r).ID, []store.Invitation{inv}, entry)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if sent == 1 {
			s.redirect(w, r, assocURL(ac.assoc.ID, "/members", ""), "flash.invite_queued")
			return
		}
		why = firms.SkipRecent // invited meanwhile, by another press
	}
	s.refuseInvite(w, r, p, why)
}

// singleInvite is member f of ac as the bulk press sees it
// (store.InviteCandidates) with the address typed, if any, in place of the
// one on file, and why the rule does not invite it now ("" it does).
func (s *Server) singleInvite(r *http.Request, ac *assocCtx, f *firms.Firm, typed string) (store.InviteCandidate, firms.InviteSkip, error) {
	cs, err := s.store.InviteCandidates(r.Context(), ac.assoc.ID, []int64{f.ID})
	if err != nil || len(cs) != 1 {
		return store.InviteCandidate{}, "", cmp.Or(err, store.ErrNotFound)
	}
	c := cs[0]
	if typed != "" {
		c.Address = typed
	}
	switch why := firms.InviteDecision(c.Invitee, s.now()); why {
	case firms.SkipNotMember:
		return c, why, store.ErrNotFound
	case firms.SkipRegistered:
		return c, why, errHasAccount
	default:
		return c, why, nil
	}
}

// inviteRefusals says, by message ID, why the rule does not invite one
// member; a missing address is asked for at the field instead.
var inviteRefusals = map[firms.InviteSkip]string{
	firms.SkipAssessed: "error.invite.assessed",
	firms.SkipOptedOut: "error.invite.opted_out",
	firms.SkipRecent:   "error.invite.recent",
}

// refuseInvite draws the invitation page again with why nothing was sent:
// the rule's reason (409, no form), or what to fix in the address (422).
func (s *Server) refuseInvite(w http.ResponseWriter, r *http.Request, p invitePage, why firms.InviteSkip) {
	if p.Refused = inviteRefusals[why]; p.Refused != "" {
		s.render(w, r, http.StatusConflict, "member_invite", p)
		return
	}
	if p.Form.Valid() {
		p.Form.Fail("email", "error.invite.address_needed")
	}
	s.render(w, r, http.StatusUnprocessableEntity, "member_invite", p)
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
