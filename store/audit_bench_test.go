package store_test

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"dxready/store"
)

// Issue 15, point 6: the audit log viewer at demo scale (68,000 firms) with
// 300,000 entries, every page and filter under 50 ms. Each operation is
// what a page view asks the store: the actions of the filter's list and
// one page with its capped count.
//
//	go test ./store -run '^$' -bench 'AuditViewer' -benchtime 20x
//	DXREADY_BENCH_AUDIT_DB=/path/d68.db go test ./store -run '^$' -bench 'AuditViewer' -benchtime 20x
//
// With DXREADY_BENCH_AUDIT_DB the entries are added to that database (a
// copy of a demo: it is changed) unless it has them already, so that the
// portal can then be measured over HTTP on the same data.
func BenchmarkAuditViewer(b *testing.B) {
	const entries = 300_000
	s := auditBenchStore(b, entries)
	ctx := context.Background()
	page, err := s.AuditEntriesPage(ctx, store.AuditFilter{})
	if err != nil || len(page.Entries) == 0 {
		b.Fatal(page, err)
	}
	head := page.Entries[0].ID
	deep, err := store.AuditCursorAfter(s, head-entries/2)
	if err != nil {
		b.Fatal(err)
	}
	oldest, err := store.AuditCursorAfter(s, head-entries+60)
	if err != nil {
		b.Fatal(err)
	}
	day := page.Entries[0].At.Add(-100 * 24 * time.Hour).Truncate(24 * time.Hour)
	cases := []struct {
		name string
		f    store.AuditFilter
	}{
		{"first_page", store.AuditFilter{}},
		{"middle_page", store.AuditFilter{Cursor: deep}},
		{"last_page", store.AuditFilter{Cursor: oldest}},
		{"action_common", store.AuditFilter{Action: "contact.view"}},
		{"action_rare", store.AuditFilter{Action: "claims.reopen_registry"}},
		{"action_common_middle", store.AuditFilter{Action: "contact.view", Cursor: deep}},
		{"actor", store.AuditFilter{UserID: 2}},
		{"target_firm", store.AuditFilter{Subject: "firm:4242"}},
		{"target_association_prefix", store.AuditFilter{Subject: "association:3"}},
		{"one_old_day", store.AuditFilter{From: day, To: day.Add(24 * time.Hour)}},
		{"action_and_month", store.AuditFilter{Action: "export", From: day, To: day.AddDate(0, 1, 0)}},
		{"actor_and_action", store.AuditFilter{UserID: 2, Action: "export.end"}},
		{"nothing_matches", store.AuditFilter{Action: "contact.view", UserID: 999_999}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.AuditActions(ctx); err != nil {
					b.Fatal(err)
				}
				if _, err := s.AuditEntriesPage(ctx, tc.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("export_all", func(b *testing.B) {
		for b.Loop() {
			n := 0
			if err := s.EachAuditEntry(ctx, store.AuditFilter{}, func(e store.AuditEntry) error {
				n++
				_, err := io.WriteString(io.Discard, e.Detail)
				return err
			}); err != nil || n < entries {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			if c, err := s.VerifyAudit(ctx, nil); err != nil || c.Broken != nil {
				b.Fatal(c.Broken, err)
			}
		}
	})
}

// auditBenchStore is the demo province (or DXREADY_BENCH_AUDIT_DB) with at
// least n audit entries, a minute apart until the fixtures' clock.
func auditBenchStore(b *testing.B, n int) *store.Store {
	var s *store.Store
	if path := os.Getenv("DXREADY_BENCH_AUDIT_DB"); path == "" {
		s = demoProvince(b)
	} else {
		var err error
		if s, err = store.Open(context.Background(), path, store.Options{Clock: time.Now}); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		if _, err := s.Migrate(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	page, err := s.AuditEntriesPage(context.Background(), store.AuditFilter{})
	if err != nil {
		b.Fatal(err)
	}
	if page.Count.N < store.CountCap {
		start := time.Now().UTC().Add(-time.Duration(n) * time.Minute)
		users := []int64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 21, 22, 23, 30}
		t0 := time.Now()
		if err := store.FillAudit(s, n, start, time.Minute, users, 68_000); err != nil {
			b.Fatal(err)
		}
		b.Logf("%d entries written in %v", n, time.Since(t0))
	}
	return s
}
