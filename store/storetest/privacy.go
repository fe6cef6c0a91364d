package storetest

import (
	"context"
	"database/sql"
	"testing"

	"dxready/auth"
	"dxready/store"
)

// FixRecordKeys gives every response and every firm a record key derived
// from its ID and seed, instead of SQLite's randomness, so that tests of
// protected figures are the same on every run. The keys are written
// behind the store's back, so its aggregates are then derived again.
func FixRecordKeys(t testing.TB, s *store.Store, seed uint64) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, table := range []string{"responses", "firms"} {
		fixKeys(t, db, table, seed)
	}
	if err := s.RebuildAggregates(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// fixKeys sets the record key of every row of table from its ID and seed.
func fixKeys(t testing.TB, db *sql.DB, table string, seed uint64) {
	t.Helper()
	rows, err := db.Query("SELECT id FROM " + table) // table is one of two literals above
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		key := int64(splitmix(uint64(id)^seed^uint64(len(table))<<40) & 0xffffffff)
		if _, err := db.Exec("UPDATE "+table+" SET record_key = ? WHERE id = ?", key, id); err != nil {
			t.Fatal(err)
		}
	}
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Lead adds the lead of association assocID, with the fixtures' password.
func Lead(t testing.TB, s *store.Store, email string, assocID int64) *auth.User {
	return addUser(t, s, &auth.User{Email: email, Name: "Trưởng hội " + email, Role: auth.RoleLead, AssociationID: assocID})
}

// FirmUser adds an active user of firm firmID, with the fixtures' password.
func FirmUser(t testing.TB, s *store.Store, email string, firmID int64) *auth.User {
	return addUser(t, s, &auth.User{Email: email, Name: "Người dùng " + email, Role: auth.RoleFirm, FirmID: firmID})
}

// addUser stores u, active, in Vietnamese, with the fixtures' password.
func addUser(t testing.TB, s *store.Store, u *auth.User) *auth.User {
	t.Helper()
	hash, err := auth.NewHasher(Cheap, 1).Hash(ctx, Password)
	if err != nil {
		t.Fatal(err)
	}
	u.Status, u.Lang, u.PasswordHash, u.EmailVerified = auth.StatusActive, "vi", hash, true
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	return u
}
