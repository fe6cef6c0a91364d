package store

import (
	"context"
	"time"
)

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	At                      time.Time
	UserID                  int64
	UserEmail               string
	Action, Subject, Detail string
}

// AuditEntries returns the newest entries of action (all actions when
// empty), at most limit.
func (s *Store) AuditEntries(ctx context.Context, action string, limit int) ([]AuditEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT a.at, COALESCE(a.user_id, 0), COALESCE(u.email, ''), a.action, a.subject, a.detail
		FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
		WHERE ? = '' OR a.action = ? ORDER BY a.id DESC LIMIT ?`, action, action, limit)
	if err != nil {
		return nil, mapErr("audit entries", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.At, &e.UserID, &e.UserEmail, &e.Action, &e.Subject, &e.Detail); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
