package auth

import "slices"

// Action is something a user may try to do.
type Action string

// Actions. Each handler asks Can for exactly one of them.
const (
	ActFirmView          Action = "firm.view"           // see a firm's registry record
	ActFirmEdit          Action = "firm.edit"           // change a firm's registry record
	ActContactManage     Action = "firm.contact"        // see, change, export, erase a firm's contact person
	ActFirmUsersApprove  Action = "firm.users.approve"  // verify a colleague's open claim on the firm
	ActFirmClaim         Action = "firm.claim"          // see the firm's name and one's own claim on it, and verify it by code
	ActFirmSearch        Action = "firms.search"        // search all firms of the province
	ActFirmImport        Action = "firms.import"        // import the registry from CSV
	ActAssociationView   Action = "association.view"    // see an association's dashboard (aggregates only)
	ActMembersView       Action = "association.members" // see its member list, with the results members share
	ActAssociationExport Action = "association.export"  // download its member list and aggregates
	ActMemberInvite      Action = "association.invite"  // invite member firms without an account, one or many at once
	ActAssociationManage Action = "association.manage"  // import memberships and assign leads
	ActResultsShare      Action = "firm.sharing"        // give or withdraw a firm's consent to share results with an association
	ActUserManage        Action = "users.manage"        // the people pages: search accounts, change their role, association and status, send their links
	ActAssessmentAnswer  Action = "assessment.answer"   // start and answer a draft (Target.DraftOwner says whose)
	ActAssessmentSubmit  Action = "assessment.submit"   // submit a firm's self-assessment, making it the firm's result
	ActResultView        Action = "result.view"         // see a firm's assessment results
	ActAdvisorBook       Action = "advisor.book"        // see advisors' free slots and book one for a firm
	ActBookingView       Action = "booking.view"        // see a booking, its meeting link, its .ics and its action plan; what a party may change, and when, is advisors.CanChange
	ActActionTick        Action = "action.tick"         // tick off an item of a firm's action plan
	ActAdvisorProfile    Action = "advisor.profile"     // edit an advisor's profile, hours and leave
	ActAdvisorManage     Action = "advisors.manage"     // add and disable advisors; read the outbox
	ActCenterView        Action = "center.view"         // the Center's start page: the programme's counts and work queues
	ActFunnelView        Action = "center.funnel"       // the programme funnel, each stage's list of firms (names, stage dates) and its export
	ActClaimsDecide      Action = "claims.decide"       // see open firm claims; verify, reject or transfer
	ActAuditView         Action = "audit.view"          // read the audit log (who did what, to what, when) and export it
	ActBookOnBehalf      Action = "booking.on_behalf"   // book a consultation for a firm on its behalf (the 1022 hotline)
	ActQualityView       Action = "center.quality"      // the consultation quality page: rates, utilisation, score change, advisors' mean ratings
	ActBookingRate       Action = "booking.rate"        // rate a held consultation of one's firm (the firm's voice: nobody rates for it)
	ActRatingsView       Action = "ratings.view"        // read the ratings and comments an advisor was given
	ActAPIKeysManage     Action = "apikeys.manage"      // issue and revoke the IOC feed's API keys (machines' read access to open data)
)

// Actions lists every action, for matrix tests.
var Actions = []Action{ActFirmView, ActFirmEdit, ActContactManage, ActFirmUsersApprove, ActFirmClaim,
	ActFirmSearch, ActFirmImport, ActAssociationView, ActMembersView, ActAssociationExport, ActMemberInvite,
	ActAssociationManage, ActResultsShare, ActUserManage, ActAssessmentAnswer, ActAssessmentSubmit, ActResultView,
	ActAdvisorBook, ActBookingView, ActActionTick, ActAdvisorProfile, ActAdvisorManage, ActCenterView, ActFunnelView, ActClaimsDecide, ActAuditView,
	ActBookOnBehalf, ActQualityView, ActBookingRate, ActRatingsView, ActAPIKeysManage}

// Target is what an action is aimed at. Zero fields mean "not about a firm"
// or "not about an association".
type Target struct {
	FirmID             int64
	FirmAssociationIDs []int64 // the associations the target firm belongs to
	AssociationID      int64
	AdvisorID          int64   // the advisor a booking or profile belongs to
	AdvisedBy          []int64 // advisors a booking (not cancelled) shares the target result with
	// DraftOwner is, for a draft, the claimant whose private draft it is;
	// 0 for the firm's shared draft (see DraftOwner).
	DraftOwner int64
}

// Can reports whether u may do a to t. It is the one place where roles turn
// into permissions. A nil, pending or disabled user may do nothing.
func Can(u *User, a Action, t Target) bool {
	if u == nil || u.Status != StatusActive {
		return false
	}
	switch u.Role {
	case RoleAdmin:
		// A rating is the firm's own word on its consultation: the Center
		// reads ratings, it never gives one.
		return a != ActBookingRate
	case RoleFirm:
		return canFirm(u, a, t)
	case RoleLead:
		return canLead(u, a, t)
	case RoleAdvisor:
		return canAdvisor(u, a, t)
	}
	return false
}

// canFirm: a verified user may do everything about their own firm; an
// open claim may see the firm's name and its own claim, and answer a draft
// of its own, nothing more (no figures, results, sharing, contact, users,
// submissions or bookings): tax codes are public.
func canFirm(u *User, a Action, t Target) bool {
	ownFirm := u.FirmID != 0 && t.FirmID == u.FirmID
	switch a {
	case ActFirmClaim:
		return ownFirm
	case ActAssessmentAnswer:
		return ownFirm && t.DraftOwner == DraftOwner(u)
	}
	if !u.FirmVerified {
		return false
	}
	switch a {
	case ActFirmView, ActFirmEdit, ActContactManage, ActFirmUsersApprove, ActAssessmentSubmit, ActResultView, ActResultsShare,
		ActAdvisorBook, ActBookingView, ActActionTick, ActBookingRate:
		return ownFirm
	}
	return false
}

// DraftOwner is whose draft u works on: 0, the firm's shared draft, for a
// verified firm user; u's own private draft for an open claim, so that a
// claimant never reads a colleague's answers, nor they the claimant's.
func DraftOwner(u *User) int64 {
	if u == nil || u.Role != RoleFirm || u.FirmVerified {
		return 0
	}
	return u.ID
}

func canLead(u *User, a Action, t Target) bool {
	if u.AssociationID == 0 {
		return false
	}
	switch a {
	case ActAssociationView, ActMembersView, ActAssociationExport, ActMemberInvite:
		return t.AssociationID == u.AssociationID
	case ActFirmView:
		return t.FirmID != 0 && slices.Contains(t.FirmAssociationIDs, u.AssociationID)
	}
	return false
}

// canAdvisor: advisors are Center staff; they may read any firm's registry
// record (not its contact person) to prepare consultations, the results
// of firms that booked them (booking shares the latest result, and the
// firm is told so before it confirms), and their own bookings, profile
// and consultations.
func canAdvisor(u *User, a Action, t Target) bool {
	own := t.AdvisorID != 0 && t.AdvisorID == u.ID
	switch a {
	case ActFirmView:
		return t.FirmID != 0
	case ActResultView:
		return t.FirmID != 0 && slices.Contains(t.AdvisedBy, u.ID)
	case ActBookingView, ActActionTick, ActAdvisorProfile, ActRatingsView:
		return own
	}
	return false
}
