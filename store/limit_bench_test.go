package store_test

import (
	"context"
	"fmt"
	"testing"

	"dxready/store"
	"dxready/store/storetest"
)

// BenchmarkKeptListStatements: one page of the lists whose statements were
// parsed and planned again on every run while their LIMIT was bound (and
// the people search's LIKE pattern): the audit list, the people search,
// a member page, the admin search by size, the outbox and the open claims,
// on a small store so that the parse and plan is a visible part of each.
// Build it on both sides and run them in turn for the before and after:
//
//	go test ./store -run '^$' -bench KeptListStatements -benchmem -count 5
func BenchmarkKeptListStatements(b *testing.B) {
	s, fx := storetest.Open(b)
	ctx := context.Background()
	for i := range 300 {
		if _, err := s.RecordAudit(ctx, store.AuditEntry{UserID: fx.Admin.ID, Action: "bench.a", Subject: fmt.Sprint(i)}); err != nil {
			b.Fatal(err)
		}
	}
	cases := []struct {
		name string
		read func() error
	}{
		{"audit-page", func() error {
			_, err := s.AuditEntriesPage(ctx, store.AuditFilter{Limit: 50})
			return err
		}},
		{"audit-page-action", func() error {
			_, err := s.AuditEntriesPage(ctx, store.AuditFilter{Action: "bench.a", Limit: 50})
			return err
		}},
		{"people", func() error { _, err := s.SearchUsers(ctx, store.UserFilter{Limit: 50}); return err }},
		{"people-query", func() error { _, err := s.SearchUsers(ctx, store.UserFilter{Query: "nguyen", Limit: 50}); return err }},
		{"members", func() error {
			_, err := s.PageMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Limit: 50})
			return err
		}},
		{"members-legal-name", func() error {
			_, err := s.PageMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Query: "ty g", Limit: 50})
			return err
		}},
		{"firms-size", func() error {
			_, err := s.SearchFirms(ctx, store.FirmFilter{SizeClass: "small", Limit: 50})
			return err
		}},
		{"outbox", func() error { _, err := s.OutboxIn(ctx, "", 200); return err }},
		{"open-claims", func() error { _, err := s.OpenClaims(ctx, 200); return err }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := c.read(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
