package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Ways the audit chain can break, in AuditBreak.Reason.
const (
	// AuditAltered: the entry's fields do not give its hash: it was
	// changed after it was written (or its hash was).
	AuditAltered = "altered"
	// AuditUnlinked: the entry's previous hash is not the hash of the
	// entry before it: an entry between them was removed, or the one
	// before was changed and given a new hash.
	AuditUnlinked = "unlinked"
	// AuditUnsealed: the entry has no hash at all: it was added by hand.
	AuditUnsealed = "unsealed"
	// AuditAnchorMoved: the entry named by the anchor has another hash
	// now, or is gone: the log was rewritten from there on.
	AuditAnchorMoved = "anchor"
)

// AuditBreak is the first broken link of the chain.
type AuditBreak struct {
	ID     int64
	At     time.Time // zero when the stored time does not read as one
	Reason string    // AuditAltered, AuditUnlinked, AuditUnsealed, AuditAnchorMoved
	PrevID int64     // for AuditUnlinked: the entry it should follow (0: none)
}

// AuditAnchor is an entry's hash noted outside the database (from an
// earlier verify): the one thing a rewrite of the whole chain after it
// cannot forge.
type AuditAnchor struct {
	ID   int64
	Hash []byte
}

// AuditCheck is what VerifyAudit found.
type AuditCheck struct {
	Entries  int
	HeadID   int64  // the last entry (0: empty log)
	HeadHash []byte // its hash
	Broken   *AuditBreak
	// Guarded is whether the triggers that refuse changes, removals and
	// unsealed entries (migration 0020) are all in place.
	Guarded bool
}

// auditTriggers are migration 0020's triggers.
var auditTriggers = []string{"audit_log_no_update", "audit_log_no_delete", "audit_log_sealed"}

// VerifyAudit walks the whole audit chain in id order, in one read
// transaction and bounded memory (one entry at a time), and stops at the
// first broken link. anchor, when not nil, must still be in the chain with
// the same hash.
func (s *Store) VerifyAudit(ctx context.Context, anchor *AuditAnchor) (AuditCheck, error) {
	var c AuditCheck
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return c, mapErr("verify audit", err)
	}
	defer tx.Rollback()
	if c.Guarded, err = auditGuarded(ctx, tx); err != nil {
		return c, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, CAST(at AS TEXT), user_id, action, subject, detail, hash, prev_hash
		FROM audit_log ORDER BY id`)
	if err != nil {
		return c, mapErr("verify audit", err)
	}
	defer rows.Close()
	w := chainWalk{prev: auditGenesis, anchor: anchor}
	for c.Broken == nil && rows.Next() {
		var f chainFields
		var hash []byte
		if err := rows.Scan(&f.id, &f.at, &f.userID, &f.action, &f.subject, &f.detail, &hash, &f.prev); err != nil {
			return c, mapErr("verify audit", err)
		}
		c.Entries++
		c.Broken = w.step(f, hash)
		c.HeadID, c.HeadHash = f.id, hash
	}
	if err := rows.Err(); err != nil {
		return c, mapErr("verify audit", err)
	}
	if c.Broken == nil && anchor != nil && !w.anchorSeen {
		c.Broken = &AuditBreak{ID: anchor.ID, Reason: AuditAnchorMoved}
	}
	return c, nil
}

// chainWalk is VerifyAudit's state between entries.
type chainWalk struct {
	prev       []byte // the hash the next entry must name
	prevID     int64
	anchor     *AuditAnchor
	anchorSeen bool
}

// step checks one entry against the one before and returns the break it
// finds, if any.
func (w *chainWalk) step(f chainFields, hash []byte) *AuditBreak {
	brk := func(reason string) *AuditBreak {
		at, _ := time.Parse(auditTimeFormat, f.at)
		return &AuditBreak{ID: f.id, At: at, Reason: reason, PrevID: w.prevID}
	}
	if len(hash) != sha256.Size {
		return brk(AuditUnsealed)
	}
	if !bytes.Equal(f.prev, w.prev) {
		return brk(AuditUnlinked)
	}
	if !bytes.Equal(auditHash(f), hash) {
		return brk(AuditAltered)
	}
	if w.anchor != nil && w.anchor.ID == f.id {
		w.anchorSeen = true
		if !bytes.Equal(w.anchor.Hash, hash) {
			return brk(AuditAnchorMoved)
		}
	}
	w.prev, w.prevID = hash, f.id
	return nil
}

// auditGuarded reports whether migration 0020's triggers are all there.
func auditGuarded(ctx context.Context, tx *sql.Tx) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log' AND name IN (?, ?, ?)",
		auditTriggers[0], auditTriggers[1], auditTriggers[2]).Scan(&n)
	if err != nil {
		return false, mapErr("audit triggers", err)
	}
	return n == len(auditTriggers), nil
}

// ParseAuditAnchor reads an anchor written "ID:HEX" (as verify prints it).
func ParseAuditAnchor(s string) (*AuditAnchor, error) {
	idText, hexText, _ := strings.Cut(s, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	h, herr := hex.DecodeString(hexText)
	if err != nil || id <= 0 || herr != nil || len(h) != sha256.Size {
		return nil, fmt.Errorf("store: anchor %q: want ID:HASH", s)
	}
	return &AuditAnchor{ID: id, Hash: h}, nil
}

// String is the anchor as verify prints it and ParseAuditAnchor reads it.
func (a AuditAnchor) String() string { return fmt.Sprintf("%d:%x", a.ID, a.Hash) }
