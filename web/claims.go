package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"dxready/auth"
	"dxready/locale"
	"dxready/store"
)

// claimPage is the profile of an open (or rejected, or revoked) claim:
// the firm's name, where the claim stands and how to verify it. Nothing
// else of the firm: tax codes are public.
type claimPage struct {
	page
	FirmName    string
	Claim       *store.Claim
	MaskedEmail string // the registry's address, masked; "" when it has none
	CanSend     bool   // another code may be sent now
	Unconfirmed bool   // no code until the claimant confirms their own address
	FirmLimit   bool   // the firm had its codes for the day, across its claims
	Tries       bool   // the claim's codes had all their wrong guesses
	HasCode     bool   // a sent code may still be entered
	Code        store.CodeState
	Problem     string // message ID
	Form        *form
}

// ownClaim returns the signed-in firm user's current claim, if auth.Can
// lets them see it.
func (s *Server) ownClaim(r *http.Request) (*store.Claim, error) {
	u := currentUser(r)
	if !auth.Can(u, auth.ActFirmClaim, auth.Target{FirmID: u.FirmID}) {
		return nil, errForbidden
	}
	c, err := s.store.CurrentClaim(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	if c.FirmID != u.FirmID {
		return nil, errForbidden
	}
	return c, nil
}

// renderClaim shows the claim page with status, problem (a message ID or
// "") and the code form.
func (s *Server) renderClaim(w http.ResponseWriter, r *http.Request, status int, problem string, fm *form) {
	c, err := s.ownClaim(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := claimPage{page: s.newPage(w, r, "page.claim.title"), FirmName: c.FirmName, Claim: c, Problem: problem, Form: fm}
	if c.Status == auth.ClaimOpen {
		if c.RegistryEmail != "" {
			p.MaskedEmail = auth.MaskEmail(c.RegistryEmail)
		}
		block := s.store.CodeBlock(r.Context(), c)
		var bp auth.Problem
		if block == nil || errors.As(block, &bp) {
			p.CanSend, p.Unconfirmed, p.FirmLimit = block == nil, bp == auth.ErrClaimantUnconfirmed, bp == auth.ErrFirmCodeLimit
			p.Tries = bp == auth.ErrCodeTries
			p.Code, err = s.store.ClaimCodeState(r.Context(), c.ID)
			p.HasCode = p.Code.Live
		} else {
			err = block
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, status, "claim", p)
}

// claimCodePost sends a new code to the firm's registry address, in the
// claimant's language; the code is never shown here. The message names
// only the claimant's confirmed address (the store sends none for an
// unconfirmed one) and tells the reader never to pass the code on, so it
// cannot serve as a lure for getting the code handed over.
func (s *Server) claimCodePost(w http.ResponseWriter, r *http.Request) {
	c, err := s.ownClaim(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := currentUser(r)
	code := auth.NewClaimCode()
	loc := s.bundle.For(u.Lang)
	m := &store.Message{Kind: store.KindClaimCode, Lang: loc.Lang, CreatedBy: u.ID,
		Subject: loc.T("mail.claims.code.subject", "Firm", c.FirmName),
		Body: loc.T("mail.claims.code.body", "Firm", c.FirmName, "TaxCode", c.TaxCode, "Email", u.Email,
			"Code", code, "Hours", int(auth.CodeTTL.Hours()), "Until", loc.DateTime(s.now().Add(auth.CodeTTL)),
			"Link", s.linkBase()+"/contact")}
	_, err = s.store.SendClaimCode(r.Context(), c.ID, u.ID, auth.HashClaimCode(c.ID, code), m)
	if err == nil {
		s.redirect(w, r, "/profile", "flash.claim_code_sent")
		return
	}
	s.claimCodeRefused(w, r, c, err)
}

// claimCodeRefused answers a code that was not sent with the claim page
// saying why (never a 500 for a refusal), and logs what staff may want to
// see: a firm's cap reached, a message the outbox refused.
func (s *Server) claimCodeRefused(w http.ResponseWriter, r *http.Request, c *store.Claim, err error) {
	var p auth.Problem
	switch {
	case errors.As(err, &p):
		st := http.StatusUnprocessableEntity
		if p == auth.ErrCodeLimit || p == auth.ErrFirmCodeLimit || p == auth.ErrCodeTries {
			st = http.StatusTooManyRequests
		}
		if p == auth.ErrFirmCodeLimit {
			s.log.Warn("claim code refused: the firm's daily cap is reached", "firm", c.FirmID, "claim", c.ID)
		}
		s.renderClaim(w, r, st, string(p), newForm())
	case errors.Is(err, store.ErrClaimClosed):
		s.renderClaim(w, r, http.StatusConflict, "error.claim.closed", newForm())
	case errors.Is(err, store.ErrUnverifiedRecipient):
		s.log.Error("claim code refused by the outbox", "firm", c.FirmID, "claim", c.ID, "err", err)
		s.renderClaim(w, r, http.StatusConflict, "error.claim.code_not_sent", newForm())
	default:
		s.fail(w, r, err)
	}
}

// claimVerifyPost checks a typed code; the right one verifies the claim.
func (s *Server) claimVerifyPost(w http.ResponseWriter, r *http.Request) {
	fm, ok := s.parseForm(w, r, "code")
	if !ok {
		return
	}
	c, err := s.ownClaim(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := currentUser(r)
	_, err = s.store.EnterClaimCode(r.Context(), c.ID, u.ID, fm.Get("code"))
	var p auth.Problem
	switch {
	case errors.As(err, &p):
		fm.Values["code"] = ""
		fm.Fail("code", string(p))
		s.renderClaim(w, r, http.StatusUnprocessableEntity, "", fm)
	case errors.Is(err, store.ErrClaimClosed):
		s.renderClaim(w, r, http.StatusConflict, "error.claim.closed", newForm())
	case err != nil:
		s.fail(w, r, err)
	default:
		s.redirect(w, r, "/profile", "flash.claim_verified")
	}
}

// statedRole reads what the registrant says they are at the firm
// (auth.StatedRoles; "other" when not given) into f's problems.
func statedRole(r *http.Request, f *form) string {
	role := r.PostForm.Get("stated_role")
	if role == "" {
		return "other"
	}
	if !auth.ValidStatedRole(role) {
		f.Fail("stated_role", string(auth.ErrStatedRole))
	}
	f.Values["stated_role"] = role
	return role
}

// claimRegistered tells the firm's verified users, each in their language,
// that claimant registered for their firm: they approve a colleague they
// know from their profile, and tell the Center of one they do not. The
// claimant is told nothing of it: the answer to a registration is the
// same whether the firm has users or not. Past
// auth.MaxSecondClaimNoticesPerDay claims on the firm in a day nobody is
// told (the Center's queue lists them all), so that many accounts cannot
// flood the firm's users.
func (s *Server) claimRegistered(ctx context.Context, claimant *auth.User, verified []*auth.User) {
	if len(verified) == 0 {
		return
	}
	switch n, err := s.store.ClaimsMadeSince(ctx, claimant.FirmID, s.now().Add(-24*time.Hour)); {
	case err != nil:
		s.log.Error("second claim notice: count claims", "firm", claimant.FirmID, "err", err)
		return
	case n > auth.MaxSecondClaimNoticesPerDay:
		s.log.Warn("second claim notice not sent: the firm's daily cap is reached", "firm", claimant.FirmID, "claimant", claimant.ID)
		return
	}
	for _, v := range verified {
		s.tell(ctx, v, "second", fmt.Sprintf("claim-second:%d:%d", claimant.ID, v.ID), "Claimant", claimant.Name,
			"ClaimantEmail", claimant.Email)
	}
}

// tell queues message kind to u (claimMessage) and logs what it could
// not queue: the decision it reports is already committed.
func (s *Server) tell(ctx context.Context, u *auth.User, kind, key string, args ...any) {
	if err := queueClaimMessage(ctx, s.store, s.bundle, s.linkBase(), u, kind, key, args...); err != nil {
		s.log.Warn("claim message not queued", "kind", kind, "user", u.ID, "err", err)
	}
}

// queueClaimMessage queues message kind (outbox kind claims.<kind>, text
// mail.claims.<kind>.subject and .body) to u in u's language, with u's name, the firm's name and the profile
// link on base. A taken dedupe key is no error; a refusal (the outbox
// refuses mail to an address not yet verified) is returned for the caller
// to log and skip.
func queueClaimMessage(ctx context.Context, st *store.Store, b *locale.Bundle, base string, u *auth.User, kind, key string, args ...any) error {
	loc := b.For(u.Lang)
	firm := ""
	if f, err := st.FindFirmByID(ctx, u.FirmID); err == nil {
		firm = f.Name
	}
	args = append(args, "Name", u.Name, "Firm", firm, "Link", base+"/profile")
	m := &store.Message{Kind: "claims." + kind, DedupeKey: key, To: u.Email, Lang: loc.Lang,
		Subject: loc.T("mail.claims."+kind+".subject", "Firm", firm), Body: loc.T("mail.claims."+kind+".body", args...)}
	if err := st.Queue(ctx, m); err != nil && !errors.Is(err, store.ErrDuplicate) {
		return err
	}
	return nil
}

// TellReopened tells each user whose claim a registry import reopened
// (store.ImportResult.Reopened), in their language, with links on base:
// the web import and the command line both call it after the import
// committed. It queues what it can and returns what it could not.
func TellReopened(ctx context.Context, st *store.Store, b *locale.Bundle, base string, users []*auth.User) error {
	var errs []error
	for _, u := range users {
		key := fmt.Sprintf("claim-reopened:%d:%d", u.ID, u.FirmID)
		if err := queueClaimMessage(ctx, st, b, base, u, "reopened", key); err != nil {
			errs = append(errs, fmt.Errorf("user %d: %w", u.ID, err))
		}
	}
	return errors.Join(errs...)
}

// firmUserApprovePost: a verified user verifies a colleague's open claim.
func (s *Server) firmUserApprovePost(w http.ResponseWriter, r *http.Request) {
	firmID, id, ok := s.colleagueClaim(w, r)
	if !ok {
		return
	}
	if err := s.store.ApproveColleague(r.Context(), id, firmID, currentUser(r).ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if u, err := s.store.FindUserByID(r.Context(), id); err == nil {
		s.tell(r.Context(), u, "approved", fmt.Sprintf("claim-approved:%d:%d", id, s.now().Unix()))
	} else {
		s.log.Warn("approved colleague not found to tell", "user", id, "err", err)
	}
	s.redirect(w, r, "/profile", "flash.user_approved")
}

// colleagueClaim reads the colleague {id} a verified user of the firm acts
// on (approve, report); on a refusal it has answered and ok is false.
func (s *Server) colleagueClaim(w http.ResponseWriter, r *http.Request) (firmID, id int64, ok bool) {
	d, err := s.ownFirm(r, auth.ActFirmUsersApprove)
	if err != nil {
		s.fail(w, r, err)
		return 0, 0, false
	}
	if id, err = strconv.ParseInt(r.PathValue("id"), 10, 64); err != nil {
		s.fail(w, r, store.ErrNotFound)
		return 0, 0, false
	}
	return d.Firm.ID, id, true
}

// firmUserReportPost: a verified user says they do not know a claimant of
// their firm. It is recorded (audit) and flags the claim in the Center's
// queue; the claimant still sees nothing of the firm, and is not told.
func (s *Server) firmUserReportPost(w http.ResponseWriter, r *http.Request) {
	firmID, id, ok := s.colleagueClaim(w, r)
	if !ok {
		return
	}
	if err := s.store.ReportClaim(r.Context(), id, firmID, currentUser(r).ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/profile#users", "flash.claim_reported")
}
