package auth

import (
	"strings"
	"testing"
)

// The matrix: every role (and an anonymous, a pending and a disabled user)
// against every action and every kind of target. allowed lists exactly the
// cells that are true; every other cell must be false.
func TestCanMatrix(t *testing.T) {
	const ownFirm, otherFirm, ownAssoc, otherAssoc = 10, 20, 1, 2
	targets := map[string]Target{
		"none":        {},
		"own firm":    {FirmID: ownFirm, FirmAssociationIDs: []int64{otherAssoc}},
		"other firm":  {FirmID: otherFirm, FirmAssociationIDs: []int64{otherAssoc}},
		"member firm": {FirmID: otherFirm, FirmAssociationIDs: []int64{otherAssoc, ownAssoc}},
		"own assoc":   {AssociationID: ownAssoc},
		"other assoc": {AssociationID: otherAssoc},
		// A booking (or action item) of the own firm with advisor 7.
		"own booking": {FirmID: ownFirm, AdvisorID: 7, AdvisedBy: []int64{7}},
		// A booking of another firm with another advisor.
		"other booking": {FirmID: otherFirm, AdvisorID: 11, AdvisedBy: []int64{11}},
		// Advisor 7's own profile.
		"own advisor": {AdvisorID: 7},
		// Private drafts of the own firm: the claimant's (user 12), and
		// another claimant's.
		"claimant's draft":       {FirmID: ownFirm, DraftOwner: 12},
		"other claimant's draft": {FirmID: ownFirm, DraftOwner: 99},
	}
	users := map[string]*User{
		"anonymous": nil,
		"firm":      {ID: 1, Role: RoleFirm, Status: StatusActive, FirmID: ownFirm, FirmVerified: true},
		// An open claim: registered with the firm's (public) tax code.
		"firm claim":    {ID: 12, Role: RoleFirm, Status: StatusActive, FirmID: ownFirm},
		"firm pending":  {ID: 2, Role: RoleFirm, Status: StatusPending, FirmID: ownFirm, FirmVerified: true},
		"firm disabled": {ID: 3, Role: RoleFirm, Status: StatusDisabled, FirmID: ownFirm, FirmVerified: true},
		"firm no firm":  {ID: 4, Role: RoleFirm, Status: StatusActive, FirmVerified: true},
		"lead":          {ID: 5, Role: RoleLead, Status: StatusActive, AssociationID: ownAssoc},
		"lead no assoc": {ID: 6, Role: RoleLead, Status: StatusActive},
		"advisor":       {ID: 7, Role: RoleAdvisor, Status: StatusActive},
		"admin":         {ID: 8, Role: RoleAdmin, Status: StatusActive},
		"admin pending": {ID: 9, Role: RoleAdmin, Status: StatusPending},
		"unknown role":  {ID: 10, Role: "root", Status: StatusActive},
	}
	allowed := map[string]bool{}
	allow := func(user string, a Action, target string) { allowed[user+"|"+string(a)+"|"+target] = true }
	for _, a := range []Action{ActFirmView, ActFirmEdit, ActContactManage, ActFirmUsersApprove, ActFirmClaim, ActAssessmentAnswer,
		ActAssessmentSubmit, ActResultView, ActResultsShare, ActAdvisorBook, ActBookingView, ActActionTick, ActBookingRate} {
		for _, tg := range []string{"own firm", "own booking", "claimant's draft", "other claimant's draft"} {
			// A verified user works on the firm's shared draft, never a
			// claimant's private one.
			if a != ActAssessmentAnswer || !strings.HasSuffix(tg, "draft") {
				allow("firm", a, tg)
			}
		}
	}
	// A claimant sees the firm's name and its claim, and answers its own
	// draft: nothing else, not even the firm's shared draft.
	for _, tg := range []string{"own firm", "own booking", "claimant's draft", "other claimant's draft"} {
		allow("firm claim", ActFirmClaim, tg)
	}
	allow("firm claim", ActAssessmentAnswer, "claimant's draft")
	for _, a := range []Action{ActAssociationView, ActMembersView, ActAssociationExport, ActMemberInvite} {
		allow("lead", a, "own assoc")
	}
	allow("lead", ActFirmView, "member firm")
	for _, tg := range []string{"own firm", "other firm", "member firm", "own booking", "other booking", "claimant's draft", "other claimant's draft"} {
		allow("advisor", ActFirmView, tg)
	}
	allow("advisor", ActResultView, "own booking")
	for _, a := range []Action{ActBookingView, ActActionTick, ActAdvisorProfile, ActRatingsView} {
		allow("advisor", a, "own booking")
		allow("advisor", a, "own advisor")
	}
	for _, a := range Actions {
		for tg := range targets {
			// The Center reads ratings (ActRatingsView, ActQualityView)
			// but never rates for a firm.
			if a != ActBookingRate {
				allow("admin", a, tg)
			}
		}
	}
	// The audit log (who did what to whom, with addresses) is the Center's
	// alone: no lead, advisor or firm reads it, whatever the target; the
	// admin's row above is the only one that allows ActAuditView.
	cells := 0
	for un, u := range users {
		for _, a := range Actions {
			for tn, tg := range targets {
				want := allowed[un+"|"+string(a)+"|"+tn]
				if got := Can(u, a, tg); got != want {
					t.Errorf("Can(%s, %s, %s) = %v, want %v", un, a, tn, got, want)
				}
				cells++
			}
		}
	}
	if want := len(users) * len(Actions) * len(targets); cells != want {
		t.Fatalf("checked %d cells, want %d", cells, want)
	}
	t.Logf("%d cells checked, %d allowed", cells, len(allowed))
}

// DraftOwner: a verified user works on the firm's shared draft (0); an
// open claim on its own; other roles have no firm draft.
func TestDraftOwner(t *testing.T) {
	for _, tc := range []struct {
		name string
		u    *User
		want int64
	}{
		{"nil", nil, 0},
		{"verified", &User{ID: 3, Role: RoleFirm, FirmID: 1, FirmVerified: true}, 0},
		{"claim", &User{ID: 3, Role: RoleFirm, FirmID: 1}, 3},
		{"admin", &User{ID: 3, Role: RoleAdmin}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := DraftOwner(tc.u); got != tc.want {
				t.Fatalf("DraftOwner = %d, want %d", got, tc.want)
			}
		})
	}
}

// The funnel's lists name firms that never shared anything, with the dates
// of their steps: Center staff only, whatever the target.
func TestFunnelCenterStaffOnly(t *testing.T) {
	for _, u := range []*User{
		{ID: 1, Role: RoleFirm, Status: StatusActive, FirmID: 10, FirmVerified: true},
		{ID: 5, Role: RoleLead, Status: StatusActive, AssociationID: 1},
		{ID: 7, Role: RoleAdvisor, Status: StatusActive},
		{ID: 9, Role: RoleAdmin, Status: StatusDisabled},
	} {
		for _, tg := range []Target{{}, {FirmID: 10}, {AssociationID: 1}} {
			if Can(u, ActFunnelView, tg) {
				t.Errorf("%s (%s) may see the funnel of %+v", u.Role, u.Status, tg)
			}
		}
	}
	if !Can(&User{ID: 8, Role: RoleAdmin, Status: StatusActive}, ActFunnelView, Target{}) {
		t.Error("Center staff may not see the funnel")
	}
}

// Booking on a firm's behalf (the 1022 hotline) is the Center's alone: a
// firm's own verified user, a lead of its association and an advisor may
// not, for that firm or any other.
func TestBookOnBehalfIsTheCentersAlone(t *testing.T) {
	target := Target{FirmID: 10, FirmAssociationIDs: []int64{1}}
	for _, u := range []*User{
		{ID: 1, Role: RoleFirm, Status: StatusActive, FirmID: 10, FirmVerified: true},
		{ID: 5, Role: RoleLead, Status: StatusActive, AssociationID: 1},
		{ID: 7, Role: RoleAdvisor, Status: StatusActive},
		{ID: 9, Role: RoleAdmin, Status: StatusDisabled},
	} {
		if Can(u, ActBookOnBehalf, target) || Can(u, ActBookOnBehalf, Target{}) {
			t.Errorf("%s (%s) may book on a firm's behalf", u.Role, u.Status)
		}
	}
	if !Can(&User{ID: 8, Role: RoleAdmin, Status: StatusActive}, ActBookOnBehalf, target) {
		t.Error("Center staff may not book on a firm's behalf")
	}
}

// API keys open open data to machines: only the Center's admin issues and
// revokes them, whatever the target; a disabled admin may not.
func TestAPIKeysAreTheCentersAlone(t *testing.T) {
	for _, u := range []*User{
		{ID: 1, Role: RoleFirm, Status: StatusActive, FirmID: 10, FirmVerified: true},
		{ID: 5, Role: RoleLead, Status: StatusActive, AssociationID: 1},
		{ID: 7, Role: RoleAdvisor, Status: StatusActive},
		{ID: 9, Role: RoleAdmin, Status: StatusDisabled},
		{ID: 10, Role: "root", Status: StatusActive},
	} {
		for _, tg := range []Target{{}, {FirmID: 10}, {AssociationID: 1}} {
			if Can(u, ActAPIKeysManage, tg) {
				t.Errorf("%s (%s) may manage API keys (%+v)", u.Role, u.Status, tg)
			}
		}
	}
	if !Can(&User{ID: 8, Role: RoleAdmin, Status: StatusActive}, ActAPIKeysManage, Target{}) {
		t.Error("the Center's admin may not manage API keys")
	}
}
