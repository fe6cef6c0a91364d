package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Message is one message for the outbox.
type Message struct {
	ID        int64
	Kind      string
	DedupeKey string // the same key twice queues one message
	To        string
	Lang      string
	Subject   string
	Body      string
	CreatedBy int64
	CreatedAt time.Time
	SentAt    sql.NullTime
	Attempts  int
	LastError string
	// AttachmentName and Attachment: one file sent with the message
	// (a booking's .ics).
	AttachmentName string
	Attachment     []byte
}

// ErrDuplicate means a message with the same dedupe key is already queued.
var ErrDuplicate = errors.New("store: message already queued")

// queue inserts m in tx; ErrDuplicate when its key is taken.
func queue(ctx context.Context, tx *sql.Tx, m *Message, now time.Time) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO outbox (kind, dedupe_key, to_addr, lang, subject, body, created_by, created_at, next_attempt_at,
		attachment_name, attachment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
		m.Kind, m.DedupeKey, m.To, m.Lang, m.Subject, m.Body, nullID(m.CreatedBy), now, now, m.AttachmentName, m.Attachment)
	if err != nil {
		return mapErr("queue message", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrDuplicate
	}
	m.ID, err = res.LastInsertId()
	m.CreatedAt = now
	return err
}

// QueueInvite queues an invitation of member firmID of assocID, sent by
// userID, and records it. ErrNotFound when the firm is not a member;
// ErrDuplicate when the same invitation is already queued.
func (s *Store) QueueInvite(ctx context.Context, assocID, firmID, userID int64, m *Message) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var member int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM firm_associations WHERE firm_id = ? AND association_id = ?", firmID, assocID).Scan(&member); err != nil {
			return err
		}
		if member == 0 {
			return ErrNotFound
		}
		now := s.now()
		if err := queue(ctx, tx, m, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO member_invites (association_id, firm_id, invited_by, outbox_id, at) VALUES (?, ?, ?, ?, ?)",
			assocID, firmID, nullID(userID), m.ID, now)
		return mapErr("record invite", err)
	})
}

// Outbox returns the newest messages, at most limit.
func (s *Store) Outbox(ctx context.Context, limit int) ([]Message, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, kind, dedupe_key, to_addr, lang, subject, body, COALESCE(created_by, 0), created_at,
		sent_at, attempts, last_error FROM outbox ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, mapErr("outbox", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.ID, &m.Kind, &m.DedupeKey, &m.To, &m.Lang, &m.Subject, &m.Body, &m.CreatedBy, &m.CreatedAt,
			&m.SentAt, &m.Attempts, &m.LastError); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
