package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// The audit log is a hash chain (migration 0020): each entry's hash is
// SHA-256 over its canonical encoding, which ends with the hash of the
// entry before it. Entries are written only by writeAudit, inside the
// writer's transaction; the store has one writer connection, so entries
// are appended one after another and the chain is a line, never a tree.

// auditTimeFormat is how an entry's time is stored, in UTC: the format
// modernc.org/sqlite writes with _time_format=sqlite, so that every reader
// of audit_log.at scans it as before. The hash covers this text, so the
// time is written by the store itself, not formatted by the driver.
const auditTimeFormat = "2006-01-02 15:04:05.999999999-07:00"

// auditGenesis is the previous hash of the first entry.
var auditGenesis = make([]byte, sha256.Size)

// chainFields are what an entry's hash covers, as stored.
type chainFields struct {
	id                      int64
	at                      string // the stored text
	userID                  sql.NullInt64
	action, subject, detail string
	prev                    []byte
}

// auditHash is SHA-256 over the entry's canonical encoding: a version
// line, then each field as its length in bytes, a colon and its bytes
// (so that no two different entries share an encoding, whatever their
// text holds), then the previous hash.
func auditHash(f chainFields) []byte {
	var b bytes.Buffer
	b.WriteString("dxready-audit-1\n")
	user := ""
	if f.userID.Valid {
		user = strconv.FormatInt(f.userID.Int64, 10)
	}
	for _, s := range []string{strconv.FormatInt(f.id, 10), f.at, user, f.action, f.subject, f.detail} {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
		b.WriteByte('\n')
	}
	b.Write(f.prev)
	sum := sha256.Sum256(b.Bytes())
	return sum[:]
}

// chainHead is the last entry's id and hash (0 and the genesis hash when
// the log is empty), read in tx.
func chainHead(ctx context.Context, tx *sql.Tx) (int64, []byte, error) {
	var id int64
	var hash []byte
	err := tx.QueryRowContext(ctx, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").Scan(&id, &hash)
	if err == sql.ErrNoRows {
		return 0, auditGenesis, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("store: audit chain head: %w", err)
	}
	if len(hash) != sha256.Size {
		return 0, nil, fmt.Errorf("store: audit entry %d has no hash: run dxready audit verify", id)
	}
	return id, hash, nil
}

// appendAudit appends e to the chain in tx at now.
func appendAudit(ctx context.Context, tx *sql.Tx, now time.Time, e AuditEntry) error {
	last, prev, err := chainHead(ctx, tx)
	if err != nil {
		return err
	}
	f := chainFields{id: last + 1, at: now.UTC().Format(auditTimeFormat), userID: sql.NullInt64{Int64: e.UserID, Valid: e.UserID != 0},
		action: e.Action, subject: e.Subject, detail: e.Detail, prev: prev}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (id, at, user_id, action, subject, detail, hash, prev_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, f.id, f.at, f.userID, f.action, f.subject, f.detail, auditHash(f), f.prev)
	return err
}

// migrationSteps are the Go steps a migration needs beyond its SQL, run
// after it in its transaction: what SQL cannot compute.
var migrationSteps = map[int]func(context.Context, *sql.Tx) error{
	20: sealAuditLog,
}

// sealBatch is how many entries sealAuditLog holds at once.
const sealBatch = 1000

// sealAuditLog gives every entry that predates the chain (migration 0020)
// its hash, in id order, a batch at a time so that memory does not grow
// with the log.
func sealAuditLog(ctx context.Context, tx *sql.Tx) error {
	after, prev := int64(0), auditGenesis
	for {
		batch, err := unsealedBatch(ctx, tx, after)
		if err != nil || len(batch) == 0 {
			return err
		}
		for _, f := range batch {
			f.prev = prev
			prev = auditHash(f)
			if _, err := tx.ExecContext(ctx, "UPDATE audit_log SET hash = ?, prev_hash = ? WHERE id = ?", prev, f.prev, f.id); err != nil {
				return fmt.Errorf("store: seal audit entry %d: %w", f.id, err)
			}
			after = f.id
		}
	}
}

// unsealedBatch reads the entries after id after, sealBatch at most.
func unsealedBatch(ctx context.Context, tx *sql.Tx, after int64) ([]chainFields, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, CAST(at AS TEXT), user_id, action, subject, detail FROM audit_log
		WHERE id > ? ORDER BY id`+limitSQL(sealBatch), after)
	if err != nil {
		return nil, fmt.Errorf("store: seal audit log: %w", err)
	}
	defer rows.Close()
	var out []chainFields
	for rows.Next() {
		var f chainFields
		if err := rows.Scan(&f.id, &f.at, &f.userID, &f.action, &f.subject, &f.detail); err != nil {
			return nil, fmt.Errorf("store: seal audit log: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
