package store_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dxready/store"
	"dxready/store/storetest"
)

// auditFile opens the store's file as an operator with the sqlite3 shell
// would, the triggers of migration 0020 dropped first when unguard.
func auditFile(t *testing.T, s *store.Store, unguard bool) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if unguard {
		for _, tr := range []string{"audit_log_no_update", "audit_log_no_delete", "audit_log_sealed"} {
			if _, err := db.Exec("DROP TRIGGER " + tr); err != nil {
				t.Fatal(err)
			}
		}
	}
	return db
}

// auditLog writes n entries through the store, one a second, and returns
// their IDs.
func auditLog(t *testing.T, s *store.Store, fx *storetest.Fixtures, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := range n {
		fx.Clock.Add(time.Second + time.Duration(i)*time.Millisecond)
		id, err := s.RecordAudit(ctx, store.AuditEntry{UserID: fx.Admin.ID, Action: "contact.view", Subject: fmt.Sprintf("firm:%d", i),
			Detail: fmt.Sprintf("entry %d, with: colons\nand a line", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func verify(t *testing.T, s *store.Store, anchor *store.AuditAnchor) store.AuditCheck {
	t.Helper()
	c, err := s.VerifyAudit(ctx, anchor)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantBreak(t *testing.T, c store.AuditCheck, id int64, reason string) {
	t.Helper()
	if c.Broken == nil || c.Broken.ID != id || c.Broken.Reason != reason {
		t.Fatalf("verify found %+v, want entry %d %s", c.Broken, id, reason)
	}
}

// A log written by the store is a whole chain, and verify says so.
func TestAuditChainIntact(t *testing.T) {
	s, fx := storetest.Open(t)
	ids := auditLog(t, s, fx, 5)
	c := verify(t, s, nil)
	if c.Broken != nil || c.Entries != 5 || c.HeadID != ids[4] || len(c.HeadHash) != sha256.Size || !c.Guarded {
		t.Fatalf("check: %+v", c)
	}
	if c := verify(t, s, &store.AuditAnchor{ID: ids[2], Hash: nil}); c.Broken == nil || c.Broken.Reason != store.AuditAnchorMoved {
		t.Fatalf("a wrong anchor passed: %+v", c.Broken)
	}
}

// ATTACK: an operator with the file drops the triggers and edits an
// entry's detail with the shell; verify names that entry.
func TestAuditEditedEntryIsNamed(t *testing.T) {
	s, fx := storetest.Open(t)
	ids := auditLog(t, s, fx, 5)
	db := auditFile(t, s, true)
	if _, err := db.Exec("UPDATE audit_log SET detail = 'nothing to see' WHERE id = ?", ids[2]); err != nil {
		t.Fatal(err)
	}
	c := verify(t, s, nil)
	wantBreak(t, c, ids[2], store.AuditAltered)
	if c.Guarded || c.Broken.At.IsZero() {
		t.Fatalf("check: %+v (the triggers are gone, and the entry's time is known)", c)
	}
	// Who did it, or when, edited instead: the same.
	for _, set := range []string{"user_id = NULL", "at = '2026-01-01 00:00:00+00:00'", "subject = 'firm:0'", "action = 'export'"} {
		t.Run(set, func(t *testing.T) {
			s, fx := storetest.Open(t)
			ids := auditLog(t, s, fx, 3)
			if _, err := auditFile(t, s, true).Exec("UPDATE audit_log SET "+set+" WHERE id = ?", ids[1]); err != nil {
				t.Fatal(err)
			}
			wantBreak(t, verify(t, s, nil), ids[1], store.AuditAltered)
		})
	}
}

// ATTACK: the edited entry given a new hash of its own; the next entry
// no longer follows it.
func TestAuditRehashedEntryBreaksTheNext(t *testing.T) {
	s, fx := storetest.Open(t)
	ids := auditLog(t, s, fx, 4)
	db := auditFile(t, s, true)
	if _, err := db.Exec("UPDATE audit_log SET detail = 'rewritten' WHERE id = ?", ids[1]); err != nil {
		t.Fatal(err)
	}
	if err := store.Rechain(db, ids[1], 0); err != nil {
		t.Fatal(err)
	}
	// Rewriting the rest of the chain too hides it from the chain alone…
	if c := verify(t, s, nil); c.Broken != nil {
		t.Fatalf("a rewritten chain: %+v", c.Broken)
	}
	// …not from a hash noted before (an anchor): that is what it is for.
	s2, fx2 := storetest.Open(t)
	ids2 := auditLog(t, s2, fx2, 4)
	before := verify(t, s2, nil)
	anchor := &store.AuditAnchor{ID: before.HeadID, Hash: before.HeadHash}
	db2 := auditFile(t, s2, true)
	if _, err := db2.Exec("UPDATE audit_log SET detail = 'rewritten' WHERE id = ?", ids2[1]); err != nil {
		t.Fatal(err)
	}
	if err := store.Rechain(db2, ids2[1], 0); err != nil {
		t.Fatal(err)
	}
	wantBreak(t, verify(t, s2, anchor), anchor.ID, store.AuditAnchorMoved)
	// Only the one entry re-hashed: the next names it.
	s3, fx3 := storetest.Open(t)
	ids3 := auditLog(t, s3, fx3, 4)
	db3 := auditFile(t, s3, true)
	if _, err := db3.Exec("UPDATE audit_log SET detail = 'rewritten' WHERE id = ?", ids3[1]); err != nil {
		t.Fatal(err)
	}
	if err := store.Rechain(db3, ids3[1], ids3[1]); err != nil {
		t.Fatal(err)
	}
	wantBreak(t, verify(t, s3, nil), ids3[2], store.AuditUnlinked)
}

// ATTACK: an entry in the middle deleted by hand; verify names the entry
// after the gap and the one it should follow.
func TestAuditDeletedEntryIsFound(t *testing.T) {
	s, fx := storetest.Open(t)
	ids := auditLog(t, s, fx, 5)
	if _, err := auditFile(t, s, true).Exec("DELETE FROM audit_log WHERE id = ?", ids[2]); err != nil {
		t.Fatal(err)
	}
	c := verify(t, s, nil)
	wantBreak(t, c, ids[3], store.AuditUnlinked)
	if c.Broken.PrevID != ids[1] {
		t.Fatalf("the gap is after %d, want %d", c.Broken.PrevID, ids[1])
	}
}

// ATTACK: entries appended by hand: with a made-up hash after the real
// head, without any hash, and (triggers in place) refused outright.
func TestAuditForgedEntryIsFound(t *testing.T) {
	s, fx := storetest.Open(t)
	ids := auditLog(t, s, fx, 3)
	guarded := auditFile(t, s, false)
	if _, err := guarded.Exec("INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES ('2026-11-22 03:00:09+00:00', NULL, 'x', 'y', '')"); err == nil ||
		!strings.Contains(err.Error(), "hash") {
		t.Fatalf("an entry without a hash was accepted: %v", err)
	}
	db := auditFile(t, s, true)
	forged := sha256.Sum256([]byte("looks like a hash"))
	_, err := db.Exec(`INSERT INTO audit_log (id, at, user_id, action, subject, detail, hash, prev_hash)
		VALUES (?, '2026-11-22 03:00:09+00:00', ?, 'claims.approve', 'claim:7', '', ?, (SELECT hash FROM audit_log WHERE id = ?))`,
		ids[2]+1, fx.Admin.ID, forged[:], ids[2])
	if err != nil {
		t.Fatal(err)
	}
	wantBreak(t, verify(t, s, nil), ids[2]+1, store.AuditAltered)
	if _, err := db.Exec("UPDATE audit_log SET hash = NULL WHERE id = ?", ids[2]+1); err != nil {
		t.Fatal(err)
	}
	wantBreak(t, verify(t, s, nil), ids[2]+1, store.AuditUnsealed)
	// The portal refuses to write after an unsealed entry rather than
	// chain from nothing.
	if _, err := s.RecordAudit(ctx, store.AuditEntry{Action: "a", Subject: "b"}); err == nil {
		t.Fatal("an entry was chained after an unsealed one")
	}
}

// ATTACK: the portal's own connection cannot change or remove an entry;
// the log stays whole.
func TestAuditPortalCannotRewrite(t *testing.T) {
	s, fx := storetest.Open(t)
	ids := auditLog(t, s, fx, 3)
	for _, q := range []string{"UPDATE audit_log SET detail = 'x' WHERE id = ?", "DELETE FROM audit_log WHERE id = ?",
		"UPDATE audit_log SET hash = NULL WHERE id = ?"} {
		if err := store.ExecWriter(s, q, ids[1]); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if c := verify(t, s, nil); c.Broken != nil || c.Entries != 3 {
		t.Fatalf("check: %+v", c)
	}
}

// A database made before migration 0020 keeps its entries: the migration
// seals them in id order, and entries written after chain on from them.
func TestAuditMigrationSealsOldEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	clock := storetest.NewClock()
	s, err := store.Open(context.Background(), path, store.Options{Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := store.MigrateTo(s, 19); err != nil { // all before the audit chain (0020)
		t.Fatal(err)
	}
	for i := range 2500 { // more than one sealing batch
		if err := store.ExecWriter(s, "INSERT INTO audit_log (at, user_id, action, subject, detail) VALUES (?, ?, 'old', ?, 'd')",
			clock.Now().Add(time.Duration(i)*time.Second), nil, fmt.Sprintf("s:%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordAudit(ctx, store.AuditEntry{Action: "new", Subject: "s"}); err != nil {
		t.Fatal(err)
	}
	if c := verify(t, s, nil); c.Broken != nil || c.Entries != 2501 || !c.Guarded {
		t.Fatalf("check: %+v", c)
	}
	if es, _ := s.AuditEntries(ctx, "old", 1); len(es) != 1 || !es[0].At.Equal(clock.Now().Add(2499*time.Second)) {
		t.Fatalf("old entries: %+v", es)
	}
}

// Anchors read as verify prints them, and nothing else.
func TestParseAuditAnchor(t *testing.T) {
	h := sha256.Sum256([]byte("x"))
	a := store.AuditAnchor{ID: 42, Hash: h[:]}
	got, err := store.ParseAuditAnchor(a.String())
	if err != nil || got.ID != 42 || got.String() != a.String() {
		t.Fatalf("round trip: %v %v", got, err)
	}
	for _, bad := range []string{"", "42", "42:", "x:" + fmt.Sprintf("%x", h), "-1:" + fmt.Sprintf("%x", h), "42:abcd", "42abc:" + fmt.Sprintf("%x", h)} {
		if _, err := store.ParseAuditAnchor(bad); err == nil {
			t.Errorf("%q was read as an anchor", bad)
		}
	}
}

// Entries written at once from many goroutines, and from a second store
// on the same file (a command run beside the portal), still make one
// line: each write reads the head inside its immediate transaction.
func TestAuditChainStaysLinearUnderRacingWriters(t *testing.T) {
	s, fx := storetest.Open(t)
	other, err := store.Open(context.Background(), s.Path(), store.Options{Clock: fx.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			w := s
			if g%2 == 1 {
				w = other
			}
			var err error
			for i := 0; i < 25 && err == nil; i++ {
				_, err = w.RecordAudit(ctx, store.AuditEntry{UserID: fx.Admin.ID, Action: "race", Subject: fmt.Sprintf("g:%d", g), Detail: fmt.Sprint(i)})
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if c := verify(t, s, nil); c.Broken != nil || c.Entries != 200 {
		t.Fatalf("check: %+v", c)
	}
}
