package store

import (
	"context"
	"database/sql"
)

// ExecWriter runs query through the store's own writer connection, in a
// transaction, as any portal code would.
func ExecWriter(s *Store, query string, args ...any) error {
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
