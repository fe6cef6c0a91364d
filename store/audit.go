package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// AuditEntry is one line of the audit log. ID, At, UserEmail and Hash
// are filled when entries are read; writing ignores them.
type AuditEntry struct {
	ID                      int64
	At                      time.Time
	Hash                    []byte // SHA-256 chaining it to the entry before (audit_chain.go)
	UserID                  int64  // 0: the portal itself or the command line
	UserEmail               string
	Action, Subject, Detail string
}

// errAuditEntry is an entry without what was done or to what.
var errAuditEntry = errors.New("store: audit entry needs an action and a subject")

// writeAudit writes es in tx, the transaction of the action they record,
// so that the action and its entries commit together or not at all: a
// failed entry fails the action. It is the one way entries are written:
// each is appended to the hash chain (audit_chain.go), and none is ever
// changed or removed (migration 0020's triggers refuse it).
func writeAudit(ctx context.Context, tx *sql.Tx, now time.Time, es []AuditEntry) error {
	for _, e := range es {
		if e.Action == "" || e.Subject == "" {
			return errAuditEntry
		}
		if err := appendAudit(ctx, tx, now, e); err != nil {
			return mapErr("audit "+e.Action, err)
		}
	}
	return nil
}

// withDetail returns es with more appended to each entry's detail: an
// action's outcome (counts of an import) known only inside its
// transaction.
func withDetail(es []AuditEntry, more string) []AuditEntry {
	out := make([]AuditEntry, len(es))
	for i, e := range es {
		if e.Detail != "" {
			e.Detail += " "
		}
		e.Detail += more
		out[i] = e
	}
	return out
}

// RecordAudit writes e on its own and returns its ID: for what the store
// does not do itself, such as a read of personal data, recorded before the
// data is shown, so that no read goes unrecorded.
func (s *Store) RecordAudit(ctx context.Context, e AuditEntry) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := writeAudit(ctx, tx, s.now(), []AuditEntry{e}); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT last_insert_rowid()").Scan(&id)
	})
	return id, err
}

// Audit records who did what to what, on its own.
func (s *Store) Audit(ctx context.Context, userID int64, action, subject, detail string) error {
	_, err := s.RecordAudit(ctx, AuditEntry{UserID: userID, Action: action, Subject: subject, Detail: detail})
	return err
}

// AuditEntries returns the newest entries of action (all actions when
// empty), at most limit.
func (s *Store) AuditEntries(ctx context.Context, action string, limit int) ([]AuditEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT a.id, a.at, COALESCE(a.user_id, 0), COALESCE(u.email, ''), a.action, a.subject, a.detail
		FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
		WHERE ? = '' OR a.action = ? ORDER BY a.id DESC`+limitSQL(limit), action, action)
	if err != nil {
		return nil, mapErr("audit entries", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.UserEmail, &e.Action, &e.Subject, &e.Detail); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
