package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"unicode/utf8"

	"dxready/auth"
	"dxready/store"
)

// claimsLimit is how many open claims the queue lists at once.
const claimsLimit = 200

// maxReason bounds a decision's reason, in characters.
const maxReason = 500

type claimsPage struct {
	page
	Claims  []*store.Claim
	Limit   int
	Failed  int64               // the claim whose form has Problem
	Problem string              // message ID
	Decided *store.ClaimOutcome // what the decision just made did (?decided=ID); nil otherwise
}

// transferPage asks the admin to confirm a transfer, naming the users who
// will lose the firm.
type transferPage struct {
	page
	Claim  *store.Claim
	Losers []*auth.User
	Reason string
	Missed bool // the confirmation box was not ticked
	// Changed: the firm's users changed between this page and its answer;
	// the page names them again.
	Changed bool
}

// adminClaims is the Center's queue of open firm claims: who claims which
// firm, what they say they are, the registry's contact to check with, and
// whether the firm already has verified users (then approving may
// transfer it).
func (s *Server) adminClaims(w http.ResponseWriter, r *http.Request) {
	s.renderClaims(w, r, http.StatusOK, 0, "")
}

func (s *Server) renderClaims(w http.ResponseWriter, r *http.Request, status int, failed int64, problem string) {
	cs, err := s.store.OpenClaims(r.Context(), claimsLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := claimsPage{page: s.newPage(w, r, "page.claims.title"), Claims: cs, Limit: claimsLimit, Failed: failed, Problem: problem}
	if id, err := strconv.ParseInt(r.URL.Query().Get("decided"), 10, 64); err == nil && r.Method == http.MethodGet {
		switch p.Decided, err = s.store.DecidedClaim(r.Context(), id); {
		case errors.Is(err, store.ErrNotFound):
			p.Decided = nil
		case err != nil:
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, status, "admin_claims", p)
}

// adminClaimDecidePost approves, rejects (a reason required) or approves
// with transfer (a reason required, and a confirmation naming the users
// who lose the firm) an open claim; the audit entry is written with the
// decision, and the claimant (and, on transfer, each user who lost the
// firm) is told in their language.
func (s *Server) adminClaimDecidePost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "decision", "reason")
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, store.ErrNotFound)
		return
	}
	d := store.ClaimDecision{Reason: f.Get("reason"), By: currentUser(r).ID}
	switch f.Get("decision") {
	case "approve":
		d.Approve = true
	case "transfer":
		d.Approve, d.Transfer = true, true
	case "reject":
	default:
		s.renderClaims(w, r, http.StatusUnprocessableEntity, id, "error.claim.decision")
		return
	}
	switch n := utf8.RuneCountInString(d.Reason); {
	case f.Err("reason") != "":
		s.renderClaims(w, r, http.StatusUnprocessableEntity, id, f.Err("reason"))
		return
	case (!d.Approve || d.Transfer) && n == 0: // the claimant, or the users who lose the firm, read it
		s.renderClaims(w, r, http.StatusUnprocessableEntity, id, string(auth.ErrReasonRequired))
		return
	case n > maxReason:
		s.renderClaims(w, r, http.StatusUnprocessableEntity, id, "error.claim.reason_long")
		return
	}
	if d.Transfer && r.PostForm.Get("confirm") != "yes" {
		s.confirmTransfer(w, r, id, d.Reason, r.PostForm.Has("confirm_step"), false)
		return
	}
	if d.Transfer {
		for _, v := range r.PostForm["loser"] {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				d.Losers = append(d.Losers, n)
			} else {
				d.Losers = append(d.Losers, -1) // matches nobody: the page is shown again
			}
		}
	}
	s.decideClaim(w, r, id, d)
}

// confirmTransfer shows who will lose the firm if claim id is approved
// with transfer, and asks the admin to tick that they understand; missed
// says the box was left unticked on that page.
func (s *Server) confirmTransfer(w http.ResponseWriter, r *http.Request, id int64, reason string, missed, changed bool) {
	c, err := s.store.FindClaim(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if c.Status != auth.ClaimOpen {
		s.renderClaims(w, r, http.StatusConflict, id, "error.claim.closed")
		return
	}
	us, err := s.store.VerifiedUsersOf(r.Context(), c.FirmID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := transferPage{page: s.newPage(w, r, "page.claims.transfer_title"), Claim: c, Reason: reason, Missed: missed, Changed: changed}
	for _, u := range us {
		if u.ID != c.UserID {
			p.Losers = append(p.Losers, u)
		}
	}
	status := http.StatusOK
	if missed || changed {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "admin_claim_transfer", p)
}

func (s *Server) decideClaim(w http.ResponseWriter, r *http.Request, id int64, d store.ClaimDecision) {
	c, err := s.store.FindClaim(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	revoked, err := s.store.DecideClaim(r.Context(), id, d)
	switch {
	case errors.Is(err, store.ErrClaimClosed):
		s.renderClaims(w, r, http.StatusConflict, id, "error.claim.closed")
		return
	case errors.Is(err, store.ErrTransferChanged):
		s.confirmTransfer(w, r, id, d.Reason, false, true)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	kind := "rejected"
	if d.Approve {
		kind = "approved"
	}
	if u, err := s.store.FindUserByID(r.Context(), c.UserID); err == nil {
		s.tell(r.Context(), u, kind, store.DecidedClaimKey(id), "Reason", d.Reason)
	} else {
		s.log.Warn("claimant not found to tell", "claim", id, "err", err)
	}
	for _, u := range revoked {
		s.tell(r.Context(), u, "revoked", fmt.Sprintf("claim-revoked:%d:%d", id, u.ID), "Reason", d.Reason)
	}
	// The answer says what the store shows was done (who was mailed, who
	// lost the firm), not what was meant: an unconfirmed claimant gets no
	// mail, and the admin must know to call them.
	http.Redirect(w, r, "/admin/claims?decided="+strconv.FormatInt(id, 10)+"#decided", http.StatusSeeOther)
}
