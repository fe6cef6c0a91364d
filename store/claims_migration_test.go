package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// Migration 0009 on a database of before claims: active firm users stay as
// they were (verified, by 'migration', or 'demo' on a demo firm); a user
// pending a colleague's approval becomes an open claim and may sign in.
func TestClaimsMigrationKeepsExistingAccounts(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	s, err := Open(ctx, filepath.Join(t.TempDir(), "old.db"), Options{Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DATETIME NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.runMigrations(ctx, ms[:8]); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO firms (id, tax_code, name, name_folded, search_key, demo, created_at, updated_at) VALUES
			(1, '3709000012', 'A', 'a', 'a', 0, '2026-01-01', '2026-01-01'), (2, '3709000037', 'B', 'b', 'b', 1, '2026-01-01', '2026-01-01')`,
		`INSERT INTO users (id, email, role, status, firm_id, password_hash, created_at) VALUES
			(1, 'owner@x.vn', 'firm', 'active', 1, 'h', '2026-02-01'), (2, 'waiting@x.vn', 'firm', 'pending', 1, 'h', '2026-03-01'),
			(3, 'demo@x.vn', 'firm', 'active', 2, 'h', '2026-02-01'), (4, 'admin@x.vn', 'admin', 'active', NULL, 'h', '2026-02-01')`,
	} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]struct {
		verified bool
		status   string
		method   string
	}{1: {true, "verified", "migration"}, 2: {false, "open", ""}, 3: {true, "verified", "demo"}} {
		u, err := s.FindUserByID(ctx, id)
		if err != nil || u.FirmVerified != want.verified || u.Status != "active" {
			t.Errorf("user %d = %+v %v", id, u, err)
			continue
		}
		c, err := s.CurrentClaim(ctx, id)
		if err != nil || string(c.Status) != want.status || string(c.Method) != want.method {
			t.Errorf("claim of user %d = %+v %v", id, c, err)
		}
	}
	if _, err := s.CurrentClaim(ctx, 4); err == nil {
		t.Error("the admin got a claim")
	}
}
