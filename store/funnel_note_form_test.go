package store

import (
	"context"
	"testing"
	"time"
)

// TestKeepsMarksCountsOnlyTheStoresOwnTimes: a submission after another
// the store wrote keeps the marks (the drain's short cut is still taken
// for the store's own rows), one after a time written in another zone
// does not (its text order is not its time order), nor does one after a
// later submission.
func TestKeepsMarksCountsOnlyTheStoresOwnTimes(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir()+"/t.db", Options{Clock: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC)
	exec := func(q string, args ...any) {
		if _, err := s.w.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO instruments (key, hash, first_used_at) VALUES ('x@1', 'h', ?)`, at)
	exec(`INSERT INTO firms (id, tax_code, name, name_folded, search_key, created_at, updated_at) VALUES (1, '3700000001', 'F', 'f', 'f', ?, ?)`, at, at)
	for _, c := range []struct {
		name  string
		other any
		keeps bool
	}{
		{"the store's own, an hour before", at.Add(-time.Hour), true},
		{"the store's own, the same instant", at, true},
		{"the store's own, a second after", at.Add(time.Second), false},
		{"another zone, two hours after", at.Add(2 * time.Hour).In(time.FixedZone("EDT", -4*3600)), false},
		{"another zone, an hour before", at.Add(-time.Hour).In(time.FixedZone("ICT", 7*3600)), false},
		{"another zone in the store's form, two hours after", "2026-03-31 14:00:00-04:00", false},
		{"UTC as time.Time.String() writes it, an hour before", "2026-03-31 15:00:00 +0000 UTC", false},
	} {
		exec(`DELETE FROM responses`)
		exec(`INSERT INTO responses (id, firm_id, instrument, status, created_at, updated_at, submitted_at) VALUES (1, 1, 'x@1', 'submitted', ?, ?, ?)`, c.other, c.other, c.other)
		exec(`INSERT INTO responses (id, firm_id, instrument, status, created_at, updated_at, submitted_at) VALUES (2, 1, 'x@1', 'submitted', ?, ?, ?)`, at, at, at)
		for _, submitted := range []bool{true, false} {
			tx, err := s.w.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			keeps, err := keepsMarks(ctx, tx, &funnelChange{firm: 1, response: 2, at: at, submitted: submitted})
			tx.Rollback()
			if err != nil || keeps != c.keeps {
				t.Errorf("%s (submitted %v): keeps %v, %v; want %v", c.name, submitted, keeps, err, c.keeps)
			}
		}
	}
}
