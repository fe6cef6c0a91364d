package store_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"dxready/funnel"
	"dxready/store"
	"dxready/store/storetest"
)

// listReads runs every list and bounded read of the store once, with and
// without filters, on a first page and on the next one: the member pages
// (by name, by a short and a long name, by tax code, by status, sorted),
// the admin firm search, the people list, the audit list and its export
// walk, the outbox and its claims, the nudges' candidates, booking events,
// open claims, an advisor's ratings, and the funnel's lists.
func listReads(t *testing.T, s *store.Store, fx *storetest.Fixtures) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	registryReads(t, s, fx, must)
	peopleAuditReads(t, s, fx, must)
	queueReads(t, s, fx, must)
}

// registryReads reads the member pages and the admin search (listReads).
func registryReads(t *testing.T, s *store.Store, fx *storetest.Fixtures, must func(error)) {
	t.Helper()
	wood := fx.Wood.ID
	for _, f := range []store.MemberFilter{
		{AssociationID: wood, Limit: 25},
		{AssociationID: wood, Limit: 1},
		{AssociationID: wood, Limit: 25, Query: "Go"},
		{AssociationID: wood, Limit: 25, Query: "noi that"},
		{AssociationID: wood, Limit: 25, Query: "công ty gỗ"},
		{AssociationID: wood, Limit: 25, Query: "ty g"},
		{AssociationID: wood, Limit: 25, Query: "0100"},
		{AssociationID: wood, Limit: 25, Status: store.MemberNotStarted},
		{AssociationID: wood, Limit: 25, Sort: "overall", Desc: true},
	} {
		p, err := s.PageMembers(ctx, f)
		must(err)
		if p.Next != "" {
			f.Cursor = p.Next
			_, err = s.PageMembers(ctx, f)
			must(err)
		}
		f.Cursor = ""
		_, _, err = s.FindMembers(ctx, f)
		must(err)
	}
	for _, f := range []store.FirmFilter{
		{Limit: 25}, {Limit: 1}, {Limit: 25, Query: "go duc"}, {Limit: 25, Query: "ph"}, {Limit: 25, Query: "0100"},
		{Limit: 25, AssociationID: wood}, {Limit: 25, SizeClass: "small"},
	} {
		p, err := s.SearchFirms(ctx, f)
		must(err)
		if p.Next != "" {
			f.Cursor = p.Next
			_, err = s.SearchFirms(ctx, f)
			must(err)
		}
		f.Cursor = ""
		_, _, err = s.FindFirms(ctx, f)
		must(err)
	}
}

// peopleAuditReads reads the people list and the audit list (listReads).
func peopleAuditReads(t *testing.T, s *store.Store, fx *storetest.Fixtures, must func(error)) {
	t.Helper()
	wood := fx.Wood.ID
	for _, f := range []store.UserFilter{{Limit: 25}, {Limit: 1}, {Limit: 25, Query: "admin"}, {Limit: 25, Query: "0100"}, {Limit: 25, AssociationID: wood}} {
		p, err := s.SearchUsers(ctx, f)
		must(err)
		if p.Next != "" {
			f.Cursor = p.Next
			_, err = s.SearchUsers(ctx, f)
			must(err)
		}
	}
	for _, f := range []store.AuditFilter{{Limit: 50}, {Limit: 1}, {Limit: 50, Action: "test.list"}, {Limit: 50, UserID: fx.Admin.ID, Subject: "x"}} {
		p, err := s.AuditEntriesPage(ctx, f)
		must(err)
		if p.Next != "" {
			f.Cursor = p.Next
			_, err = s.AuditEntriesPage(ctx, f)
			must(err)
		}
		must(s.EachAuditEntry(ctx, f, func(store.AuditEntry) error { return nil }))
	}
}

// queueReads reads the outbox, nudges, booking events, claims, ratings
// and the funnel's lists (listReads).
func queueReads(t *testing.T, s *store.Store, fx *storetest.Fixtures, must func(error)) {
	t.Helper()
	wood := fx.Wood.ID
	_, err := s.AuditEntries(ctx, "", 10)
	must(err)
	_, err = s.OutboxIn(ctx, "", 200)
	must(err)
	_, err = s.Outbox(ctx, 200)
	must(err)
	_, err = s.ClaimDue(ctx, 20, time.Minute)
	must(err)
	w := store.NudgeWindow{Since: fx.Clock.Now().Add(-time.Hour), Before: fx.Clock.Now(), SinceDue: "2000-01-01", DueBy: "2100-01-01"}
	for _, k := range []string{store.NudgeDraft, store.NudgeAction, store.NudgeNoShow} {
		_, err = s.NudgeCandidates(ctx, k, w, 0, 200)
		must(err)
	}
	_, err = s.DueBookingEvents(ctx, 0, 100)
	must(err)
	_, err = s.OpenClaims(ctx, 200)
	must(err)
	_, _, _, err = s.AdvisorRatings(ctx, fx.Advisor.ID, 10)
	must(err)
	for _, k := range []funnel.Stage{0, 1} {
		_, err = s.FunnelFirms(ctx, k, store.FunnelFilter{}, "", 50)
		must(err)
		_, err = s.FunnelFirms(ctx, k, store.FunnelFilter{Associations: []int64{wood}}, "", 50)
		must(err)
	}
}

// Every list and bounded read of the store is kept by its connection and
// run again as it was prepared: the second and third runs of listReads
// parse and plan nothing again. SQLite prepares a kept statement again on
// every run when its plan reads a bound value: "LIMIT ?" or "OFFSET ?"
// (limitSQL), "column LIKE ?" (the LIKE optimisation reads the pattern), a
// bound value against a partial index's constant. This fails naming each
// statement of the lists that does.
func TestTheListsKeptStatementsAreNotPreparedAgain(t *testing.T) {
	s, fx := storetest.Open(t)
	for range 3 {
		if _, err := s.RecordAudit(ctx, store.AuditEntry{UserID: fx.Admin.ID, Action: "test.list", Subject: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	listReads(t, s, fx) // every statement prepared once
	before, err := store.Reprepares(s)
	if err != nil {
		t.Fatal(err)
	}
	listReads(t, s, fx)
	listReads(t, s, fx)
	after, err := store.Reprepares(s)
	if err != nil {
		t.Fatal(err)
	}
	maps.DeleteFunc(after, func(q string, n int) bool { return before[q] == n })
	for _, q := range slices.Sorted(maps.Keys(after)) {
		t.Errorf("prepared again %d times in two runs of the lists: %s", after[q]-before[q], q)
	}
}
