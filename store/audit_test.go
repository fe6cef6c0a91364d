package store_test

import (
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"dxready/advisors"
	"dxready/auth"
	"dxready/store"
	"dxready/store/storetest"
)

// failAudits makes every audit write fail from now on, as a full disk or a
// broken table would.
func failAudits(t *testing.T, s *store.Store) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END"); err != nil {
		t.Fatal(err)
	}
}

// An action whose audit entry cannot be written is rolled back whole.
func TestFailedAuditRollsTheActionBack(t *testing.T) {
	s, fx := storetest.Open(t)
	a := *fx.AdvisorProfile
	a.BioVI = "Tiểu sử mới"
	entry := store.AuditEntry{UserID: fx.Admin.ID, Action: "advisor.profile", Subject: fmt.Sprintf("advisor:%d", a.ID)}
	if err := s.UpdateAdvisor(ctx, &a, store.AuditEntry{Action: "advisor.profile"}); err == nil {
		t.Fatal("an entry without a subject was accepted")
	}
	failAudits(t, s)
	if err := s.UpdateAdvisor(ctx, &a, entry); err == nil {
		t.Fatal("the update succeeded without its audit entry")
	}
	if err := s.SetAdvisorActive(ctx, a.ID, false, entry); err == nil {
		t.Fatal("disabling succeeded without its audit entry")
	}
	got, _ := s.FindAdvisor(ctx, a.ID)
	if got.BioVI != fx.AdvisorProfile.BioVI || !got.Active {
		t.Fatalf("the advisor changed: %q active=%v", got.BioVI, got.Active)
	}
	u := &auth.User{Email: "moi@test.local", Name: "Mới", Role: auth.RoleLead, Status: auth.StatusActive, Lang: "vi", AssociationID: fx.Wood.ID}
	if err := s.CreateUser(ctx, u, store.AuditEntry{Action: "association.lead", Subject: "association:1"}); err == nil {
		t.Fatal("the lead was created without its audit entry")
	}
	if _, err := s.FindUserByEmail(ctx, "moi@test.local"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the lead exists: %v", err)
	}
	if _, err := s.RecordAudit(ctx, entry); err == nil {
		t.Fatal("a read was recorded although the log refuses writes")
	}
}

// Audit entries land in the action's transaction, with what only the
// transaction knows (the counts of an import, a new advisor's ID).
func TestAuditEntriesWithTheirAction(t *testing.T) {
	s, fx := storetest.Open(t)
	a := &store.Advisor{Profile: advisors.Profile{Languages: []string{"vi"}, Online: true, WeeklyCapacity: 5}, Rules: advisors.DefaultRules()}
	u := &auth.User{Email: "advisor9@test.local", Name: "Chín", Status: auth.StatusActive, Lang: "vi"}
	if err := s.CreateAdvisor(ctx, u, a, store.AuditEntry{UserID: fx.Admin.ID, Action: "advisor.create", Detail: u.Email}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportMemberships(ctx, fx.Logistics.ID, nil, false, store.AuditEntry{UserID: fx.Admin.ID, Action: "association.members.import",
		Subject: "association:2", Detail: "mode="}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.AuditEntries(ctx, "", 10)
	if len(got) != 2 || got[1].Subject != fmt.Sprintf("advisor:%d", u.ID) || got[1].UserEmail != "admin@test.local" ||
		got[0].Detail != "mode= added=0 kept=0 removed=0" {
		t.Fatalf("entries: %+v", got)
	}
}
