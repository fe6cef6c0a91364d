package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"dxready/firms"
)

// SaveContact stores a firm's contact person with the consent that allows
// it, and records the consent event.
func (s *Store) SaveContact(ctx context.Context, c *firms.Contact) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		c.ConsentAt = now
		var existed bool
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM contacts WHERE firm_id = ?)", c.FirmID).Scan(&existed); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO contacts (firm_id, full_name, title, email, phone, consent_version, consent_at, consent_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (firm_id) DO UPDATE SET full_name = excluded.full_name, title = excluded.title,
			email = excluded.email, phone = excluded.phone, consent_version = excluded.consent_version,
			consent_at = excluded.consent_at, consent_by = excluded.consent_by, updated_at = excluded.updated_at`,
			c.FirmID, c.FullName, c.Title, c.Email, c.Phone, c.ConsentVersion, now, nullID(c.ConsentBy), now); err != nil {
			return mapErr("save contact", err)
		}
		event := "given"
		if existed {
			event = "updated"
		}
		return consentEvent(ctx, tx, c.FirmID, event, c.ConsentVersion, c.ConsentBy, now)
	})
}

func consentEvent(ctx context.Context, tx *sql.Tx, firmID int64, event, version string, userID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO consent_events (firm_id, subject, event, text_version, user_id, at) VALUES (?, 'contact', ?, ?, ?, ?)`,
		firmID, event, version, nullID(userID), now)
	return mapErr("consent event", err)
}

// FindContact returns firm id's contact person, or ErrNotFound.
func (s *Store) FindContact(ctx context.Context, firmID int64) (*firms.Contact, error) {
	var c firms.Contact
	var by sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT firm_id, full_name, title, email, phone, consent_version, consent_at, consent_by
		FROM contacts WHERE firm_id = ?`, firmID).Scan(&c.FirmID, &c.FullName, &c.Title, &c.Email, &c.Phone, &c.ConsentVersion, &c.ConsentAt, &by)
	c.ConsentBy = by.Int64
	return &c, mapErr(fmt.Sprintf("find contact of firm %d", firmID), err)
}

// EraseContact deletes firm id's contact person (consent withdrawn or an
// erasure request) and records that it was erased; ErrNotFound if none.
func (s *Store) EraseContact(ctx context.Context, firmID, byUser int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var version string
		err := tx.QueryRowContext(ctx, "DELETE FROM contacts WHERE firm_id = ? RETURNING consent_version", firmID).Scan(&version)
		if err != nil {
			return mapErr("erase contact", err)
		}
		return consentEvent(ctx, tx, firmID, "erased", version, byUser, s.now())
	})
}

// ConsentEvent is one entry of a firm's consent history.
type ConsentEvent struct {
	Subject     string    `json:"subject"`
	Event       string    `json:"event"`
	TextVersion string    `json:"text_version"`
	UserID      int64     `json:"user_id"`
	At          time.Time `json:"at"`
}

// ConsentEvents returns firm id's consent history, oldest first.
func (s *Store) ConsentEvents(ctx context.Context, firmID int64) ([]ConsentEvent, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT subject, event, text_version, COALESCE(user_id, 0), at FROM consent_events
		WHERE firm_id = ? ORDER BY at, id`, firmID)
	if err != nil {
		return nil, mapErr("consent events", err)
	}
	defer rows.Close()
	var out []ConsentEvent
	for rows.Next() {
		var e ConsentEvent
		if err := rows.Scan(&e.Subject, &e.Event, &e.TextVersion, &e.UserID, &e.At); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
