package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"dxready/auth"
	"dxready/firms"
	"dxready/store"
)

// bulkInvitePage reports one press of "invite": how many invitations went
// out, how many members were left out and why.
type bulkInvitePage struct {
	page
	AssociationID int64
	Name          string
	Sent          int
	Preview       bool // "every member without a result" asks first: Sent is how many would go
	Skipped       []skipCount
	Form          *form // a refused press (nothing chosen, too many): why
}

type skipCount struct {
	Reason string // message ID (firms.InviteSkip)
	Count  int
}

// memberInvitesPost invites many members at once: every member without a
// result (scope=all) or the members ticked in the list (firm=ID…), each
// through the outbox in the member's language, at most
// firms.MaxBulkInvite per press, none invited twice within
// firms.InviteAgainAfter (firms.InviteDecision), audited; it answers with
// what it sent and skipped. "Every member without a result" first shows
// how many would go and why the others would not, and sends only when
// that is confirmed (confirm=1).
func (s *Server) memberInvitesPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "scope", "confirm")
	if !ok {
		return
	}
	ac, err := s.loadAssociation(r, auth.ActMemberInvite)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := bulkInvitePage{page: s.newPage(w, r, "page.bulk_invite.title"), AssociationID: ac.assoc.ID, Name: ac.name, Form: f}
	var ids []int64 // nil: every member without a result
	bad := 0        // ticked values that are no firm id
	if f.Get("scope") != "all" {
		ids, bad, err = selectedFirms(r.PostForm["firm"])
		if err != nil {
			f.Fail("firm", err.Error())
			s.render(w, r, http.StatusUnprocessableEntity, "members_invited", p)
			return
		}
	}
	cands, err := s.store.InviteCandidates(r.Context(), ac.assoc.ID, ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	invs, skipped := s.bulkInvitations(r, ac, cands)
	if ids != nil {
		skipped[firms.SkipNotMember] += bad + len(ids) - len(cands) // ids of no firm at all
	}
	if ids == nil && f.Get("confirm") != "1" {
		p.Preview, p.Sent, p.Skipped = true, len(invs), skipCounts(skipped)
		s.render(w, r, http.StatusOK, "members_invited", p)
		return
	}
	entry := store.AuditEntry{UserID: currentUser(r).ID, Action: "association.invite_bulk", Subject: "association:" + strconv.FormatInt(ac.assoc.ID, 10),
		Detail: fmt.Sprintf("scope=%s chosen=%d", scopeName(ids), len(cands))}
	sent, recent, err := s.store.QueueInvites(r.Context(), ac.assoc.ID, currentUser(r).ID, invs, entry)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	skipped[firms.SkipRecent] += recent
	p.Sent, p.Skipped = sent, skipCounts(skipped)
	s.render(w, r, http.StatusOK, "members_invited", p)
}

// skipCounts lists the reasons members were (or would be) left out, in
// firms.InviteSkips order, each with its count.
func skipCounts(skipped map[firms.InviteSkip]int) []skipCount {
	var out []skipCount
	for _, why := range firms.InviteSkips {
		if skipped[why] > 0 {
			out = append(out, skipCount{Reason: string(why), Count: skipped[why]})
		}
	}
	return out
}

func scopeName(ids []int64) string {
	if ids == nil {
		return "not_assessed"
	}
	return "selected"
}

// selectedFirms reads the ticked members: at most firms.MaxBulkInvite
// values, at least one; it returns the distinct ids and how many values
// were no id at all (counted as no member).
func selectedFirms(vs []string) (ids []int64, bad int, err error) {
	if len(vs) > firms.MaxBulkInvite {
		return nil, 0, errTooManyInvites
	}
	if len(vs) == 0 {
		return nil, 0, errNoneChosen
	}
	ids = []int64{}
	for _, v := range vs {
		id, err := strconv.ParseInt(v, 10, 64)
		switch {
		case err != nil || id <= 0:
			bad++
		case !slices.Contains(ids, id):
			ids = append(ids, id)
		}
	}
	return ids, bad, nil
}

// Refusals of a press, by message ID.
var (
	errTooManyInvites = firms.Problem("error.bulk_invite.too_many")
	errNoneChosen     = firms.Problem("error.bulk_invite.none")
)

// bulkInvitations decides, for each candidate, whether it is invited now
// and composes its message; the first firms.MaxBulkInvite invited go out,
// the rest wait for the next press. It returns the invitations and the
// count of each reason a member was left out.
func (s *Server) bulkInvitations(r *http.Request, ac *assocCtx, cands []store.InviteCandidate) ([]store.Invitation, map[firms.InviteSkip]int) {
	now, skipped := s.now(), map[firms.InviteSkip]int{}
	var invs []store.Invitation
	for _, c := range cands {
		why := firms.InviteDecision(c.Invitee, now)
		if why == "" && len(invs) >= firms.MaxBulkInvite {
			why = firms.SkipOverLimit
		}
		if why != "" {
			skipped[why]++
			continue
		}
		f := &firms.Firm{ID: c.FirmID, TaxCode: c.TaxCode, Name: c.Name}
		invs = append(invs, store.Invitation{FirmID: c.FirmID, Message: s.inviteMessage(r, ac, f, c.Address, c.Lang)})
	}
	return invs, skipped
}
