package auth

import (
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
	}
	users := map[string]*User{
		"anonymous":     nil,
		"firm":          {ID: 1, Role: RoleFirm, Status: StatusActive, FirmID: ownFirm},
		"firm pending":  {ID: 2, Role: RoleFirm, Status: StatusPending, FirmID: ownFirm},
		"firm disabled": {ID: 3, Role: RoleFirm, Status: StatusDisabled, FirmID: ownFirm},
		"firm no firm":  {ID: 4, Role: RoleFirm, Status: StatusActive},
		"lead":          {ID: 5, Role: RoleLead, Status: StatusActive, AssociationID: ownAssoc},
		"lead no assoc": {ID: 6, Role: RoleLead, Status: StatusActive},
		"advisor":       {ID: 7, Role: RoleAdvisor, Status: StatusActive},
		"admin":         {ID: 8, Role: RoleAdmin, Status: StatusActive},
		"admin pending": {ID: 9, Role: RoleAdmin, Status: StatusPending},
		"unknown role":  {ID: 10, Role: "root", Status: StatusActive},
	}
	allowed := map[string]bool{}
	allow := func(user string, a Action, target string) { allowed[user+"|"+string(a)+"|"+target] = true }
	for _, a := range []Action{ActFirmView, ActFirmEdit, ActContactManage, ActFirmUsersApprove, ActAssessmentAnswer, ActResultView, ActResultsShare,
		ActAdvisorBook, ActBookingView, ActActionTick} {
		allow("firm", a, "own firm")
		allow("firm", a, "own booking")
	}
	for _, a := range []Action{ActAssociationView, ActMembersView, ActAssociationExport, ActMemberInvite} {
		allow("lead", a, "own assoc")
	}
	allow("lead", ActFirmView, "member firm")
	for _, tg := range []string{"own firm", "other firm", "member firm", "own booking", "other booking"} {
		allow("advisor", ActFirmView, tg)
	}
	allow("advisor", ActResultView, "own booking")
	for _, a := range []Action{ActBookingView, ActActionTick, ActAdvisorProfile} {
		allow("advisor", a, "own booking")
		allow("advisor", a, "own advisor")
	}
	for _, a := range Actions {
		for tg := range targets {
			allow("admin", a, tg)
		}
	}
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
