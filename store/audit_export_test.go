package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// ExecWriter runs query through the store's own writer connection, in a
// transaction, as an older binary would: without keeping the cells or the
// funnel, whose tables a database it made may not have yet.
func ExecWriter(s *Store, query string, args ...any) error {
	s.cells.suspend.Add(1)
	defer s.cells.suspend.Add(-1)
	return s.inTx(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(query, args...)
		return err
	})
}

// MigrateTo applies the migrations up to version only: a database made by
// an older binary.
func MigrateTo(s *Store, version int) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if _, err := s.w.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DATETIME NOT NULL)`); err != nil {
		return err
	}
	_, err = s.runMigrations(context.Background(), ms[:version])
	return err
}

// Rechain recomputes, on db (a connection of someone holding the file,
// triggers dropped), the hash of every entry from id from to id to (0:
// the last), as a forger who knows the scheme would after changing one.
func Rechain(db *sql.DB, from, to int64) error {
	var prev []byte
	if err := db.QueryRow("SELECT hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1", from).Scan(&prev); err != nil {
		return err
	}
	rows, err := db.Query("SELECT id, CAST(at AS TEXT), user_id, action, subject, detail FROM audit_log WHERE id >= ? AND (? = 0 OR id <= ?) ORDER BY id", from, to, to)
	if err != nil {
		return err
	}
	var fs []chainFields
	for rows.Next() {
		var f chainFields
		if err := rows.Scan(&f.id, &f.at, &f.userID, &f.action, &f.subject, &f.detail); err != nil {
			return err
		}
		fs = append(fs, f)
	}
	rows.Close()
	for _, f := range fs {
		f.prev = prev
		prev = auditHash(f)
		if _, err := db.Exec("UPDATE audit_log SET hash = ?, prev_hash = ? WHERE id = ?", prev, f.prev, f.id); err != nil {
			return err
		}
	}
	return nil
}

// auditFillActions are the actions FillAudit writes, commonest first.
var auditFillActions = []string{"contact.view", "export", "export.end", "association.invite", "advisor.profile", "claims.approve",
	"claims.reject", "password.reset_sent", "twofactor.enrol", "outbox.retry", "firms.import", "claims.reopen_registry"}

// FillAudit appends n entries, each at its own time from start on, step
// apart, by the users of users in turn (0: the portal), about firms
// 1…firms and associations 1…8, a transaction per thousand: a log grown
// over the years, for measuring the viewer.
func FillAudit(s *Store, n int, start time.Time, step time.Duration, users []int64, firms int) error {
	for done := 0; done < n; {
		err := s.inTx(context.Background(), func(tx *sql.Tx) error {
			for i := 0; i < 1000 && done < n; i, done = i+1, done+1 {
				// A skewed pick: the first actions and users come most.
				a := auditFillActions[(done*7919)%(len(auditFillActions)*len(auditFillActions))%len(auditFillActions)*(done%3)/2]
				e := AuditEntry{UserID: users[(done*31)%len(users)], Action: a,
					Subject: fmt.Sprintf("firm:%d", 1+(done*104729)%firms), Detail: fmt.Sprintf("query=q%d", done%997)}
				if done%5 == 0 {
					e.Subject = fmt.Sprintf("association:%d/members.csv", 1+done%8)
				}
				if err := writeAudit(context.Background(), tx, start.Add(time.Duration(done)*step), []AuditEntry{e}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// AuditCursorAfter is the viewer's cursor to the page after entry id.
func AuditCursorAfter(s *Store, id int64) (string, error) {
	var at string
	if err := s.r.QueryRow("SELECT CAST(at AS TEXT) FROM audit_log WHERE id = ?", id).Scan(&at); err != nil {
		return "", err
	}
	return auditOrder.encodeCursor([]any{at, id}, false), nil
}
