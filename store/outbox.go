package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
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
	// ListUnsubscribe is the message's one-click opt-out address (RFC
	// 8058: its List-Unsubscribe header); "" for none.
	ListUnsubscribe string
}

// ErrDuplicate means a message with the same dedupe key is already queued.
var ErrDuplicate = errors.New("store: message already queued")

// ErrUnverifiedRecipient means a message was refused because it is
// addressed to an account whose address is not verified yet, and it is not
// that address's verification link (KindVerifyEmail). Callers that send to
// many skip such a recipient and log it.
var ErrUnverifiedRecipient = errors.New("store: recipient's address is not verified")

// queue inserts m in tx; ErrDuplicate when its key is taken,
// ErrUnverifiedRecipient when unverifiedRecipient refuses it. It is the one
// way into the outbox, so the rule holds for every message.
func queue(ctx context.Context, tx *sql.Tx, m *Message, now time.Time) error {
	if err := unverifiedRecipient(ctx, tx, m); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO outbox (kind, dedupe_key, to_addr, lang, subject, body, created_by, created_at, next_attempt_at,
		attachment_name, attachment, list_unsubscribe) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
		m.Kind, m.DedupeKey, m.To, m.Lang, m.Subject, m.Body, nullID(m.CreatedBy), now, now, m.AttachmentName, m.Attachment, m.ListUnsubscribe)
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

// unverifiedRecipient is ErrUnverifiedRecipient when m goes to the address
// of an account that is not verified and m is not its verification link:
// until its owner proved the address is theirs, it may be someone else's,
// and nothing about the account may reach it. Addresses that are no
// account's (a firm's contact, the registry's) are not concerned, and nor
// is a claim code (KindClaimCode): it goes to the firm's address in the
// official registry and is about the firm, not about any account. Anyone
// can register an account with a firm's public address and leave it
// unconfirmed; were the code held back, that would stop the firm's codes
// for good (and refuse the owner whose own account uses that address).
func unverifiedRecipient(ctx context.Context, tx *sql.Tx, m *Message) error {
	if m.Kind == KindVerifyEmail || m.Kind == KindClaimCode {
		return nil
	}
	var unverified bool
	err := tx.QueryRowContext(ctx, "SELECT email_verified_at IS NULL FROM users WHERE email = ?", strings.ToLower(strings.TrimSpace(m.To))).Scan(&unverified)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return mapErr("queue: recipient", err)
	case unverified:
		return fmt.Errorf("store: queue %s: %w", m.Kind, ErrUnverifiedRecipient)
	}
	return nil
}

// Queue queues m on its own; ErrDuplicate when its dedupe key is taken.
func (s *Store) Queue(ctx context.Context, m *Message) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return queue(ctx, tx, m, s.now()) })
}

// Outbox returns the newest messages, at most limit.
func (s *Store) Outbox(ctx context.Context, limit int) ([]Message, error) {
	return s.OutboxIn(ctx, "", limit)
}

// OutboxIn returns the newest messages in state (OutboxPending,
// OutboxFailing, OutboxSent; "" for all), at most limit, without their
// attachments.
func (s *Store) OutboxIn(ctx context.Context, state string, limit int) ([]Message, error) {
	where := map[string]string{"": "1 = 1", OutboxPending: "sent_at IS NULL AND attempts = 0",
		OutboxFailing: "sent_at IS NULL AND attempts > 0", OutboxSent: "sent_at IS NOT NULL"}[state]
	if where == "" {
		return nil, fmt.Errorf("store: outbox state %q: %w", state, ErrNotFound)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, kind, dedupe_key, to_addr, lang, subject, body, COALESCE(created_by, 0), created_at,
		sent_at, attempts, last_error, attachment_name, list_unsubscribe FROM outbox WHERE `+where+` ORDER BY id DESC`+limitSQL(limit))
	if err != nil {
		return nil, mapErr("outbox", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.ID, &m.Kind, &m.DedupeKey, &m.To, &m.Lang, &m.Subject, &m.Body, &m.CreatedBy, &m.CreatedAt,
			&m.SentAt, &m.Attempts, &m.LastError, &m.AttachmentName, &m.ListUnsubscribe); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Message states as the outbox page shows them.
const (
	OutboxPending = "pending" // not yet sent, no failure yet
	OutboxFailing = "failing" // not yet sent, the last attempt failed
	OutboxSent    = "sent"
)

// State is the message's place in delivery.
func (m *Message) State() string {
	switch {
	case m.SentAt.Valid:
		return OutboxSent
	case m.Attempts > 0:
		return OutboxFailing
	}
	return OutboxPending
}

// ClaimDue claims up to n unsent messages that are due and that no other
// sender holds, for lease, and returns them with their attachments. A
// sender that dies mid-way loses its claim when the lease ends, so the
// message is retried after a restart; one that lives marks each message
// sent or failed well within the lease, so no two senders hold the same
// message at once.
func (s *Store) ClaimDue(ctx context.Context, n int, lease time.Duration) ([]Message, error) {
	var out []Message
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		rows, err := tx.QueryContext(ctx, `UPDATE outbox SET claimed_until = ?
			WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ?
				AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY next_attempt_at, id`+limitSQL(n)+`)
			RETURNING id, kind, dedupe_key, to_addr, lang, subject, body, COALESCE(created_by, 0), created_at,
				attempts, last_error, attachment_name, attachment, list_unsubscribe`, now.Add(lease), now, now)
		if err != nil {
			return mapErr("claim messages", err)
		}
		defer rows.Close()
		for rows.Next() {
			var m Message
			if err := rows.Scan(&m.ID, &m.Kind, &m.DedupeKey, &m.To, &m.Lang, &m.Subject, &m.Body, &m.CreatedBy, &m.CreatedAt,
				&m.Attempts, &m.LastError, &m.AttachmentName, &m.Attachment, &m.ListUnsubscribe); err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	slices.SortFunc(out, func(a, b Message) int { return cmp.Compare(a.ID, b.ID) })
	return out, err
}

// MarkSent records that message id went out and releases its claim.
func (s *Store) MarkSent(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = '', claimed_until = NULL WHERE id = ?",
			s.now(), id)
		return mapErr("mark sent", err)
	})
}

// MarkFailed records a failed attempt at message id and when to try
// again, and releases its claim.
func (s *Store) MarkFailed(ctx context.Context, id int64, cause string, next time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, claimed_until = NULL
			WHERE id = ? AND sent_at IS NULL`, truncate(cause, 500), next.UTC(), id)
		return mapErr("mark failed", err)
	})
}

// RetryNow makes an unsent message due at once (the admin's "retry"),
// with the audit entries given; ErrNotFound when it was sent already or
// does not exist.
func (s *Store) RetryNow(ctx context.Context, id int64, audit ...AuditEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		res, err := tx.ExecContext(ctx, "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND sent_at IS NULL", now, id)
		if err != nil {
			return mapErr("retry message", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: unsent message %d: %w", id, ErrNotFound)
		}
		return writeAudit(ctx, tx, now, audit)
	})
}

// OutboxCounts counts the messages in each state.
func (s *Store) OutboxCounts(ctx context.Context) (map[string]int, error) {
	var pending, failing, sent int
	err := s.r.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(sent_at IS NULL AND attempts = 0), 0), COALESCE(SUM(sent_at IS NULL AND attempts > 0), 0), COALESCE(SUM(sent_at IS NOT NULL), 0)
		FROM outbox`).Scan(&pending, &failing, &sent)
	return map[string]int{OutboxPending: pending, OutboxFailing: failing, OutboxSent: sent}, mapErr("outbox counts", err)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
