package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"dxready/advisors"
)

// The messages a booking change sends (an event's message kind); a change
// with none (notes, outcome) sends nothing.
const (
	MessagesConfirmed = "confirmed"
	MessagesChanged   = "changed"
	MessagesCancelled = "cancelled"
	MessagesLink      = "link" // the meeting link changed
)

// writeEvent records, in the change's transaction, who did what to b and
// why; kind names the messages to compose from the row after the commit
// ("" none), and the row keeps b's sequence, times and reason as they are
// now. Writing rows is all it does: composing messages reads other tables
// and renders text, which never happens inside a write transaction.
func writeEvent(ctx context.Context, tx *sql.Tx, b *Booking, userID int64, action, detail, kind string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO booking_events (booking_id, user_id, action, detail, at, message_kind, sequence,
		start_at, end_at, reason, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.ID, nullID(userID), action, detail, now, kind, b.Sequence, b.Start.Unix(), b.End.Unix(), b.Reason, now.Unix())
	return mapErr("booking event", err)
}

// BookingEvent is a booking change whose messages are still to be
// composed, with the booking's sequence, times and reason as they were at
// that change.
type BookingEvent struct {
	ID        int64
	BookingID int64
	UserID    int64 // who made the change; 0: the portal
	Kind      string
	Sequence  int
	advisors.Period
	Reason   string
	At       time.Time
	Attempts int // failed compositions so far
}

// DueBookingEvents returns up to limit events whose messages are due to
// be composed, oldest first; bookingID > 0 keeps that booking's only.
func (s *Store) DueBookingEvents(ctx context.Context, bookingID int64, limit int) ([]BookingEvent, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, booking_id, COALESCE(user_id, 0), message_kind, sequence, start_at, end_at, reason, at, attempts
		FROM booking_events WHERE message_kind <> '' AND composed_at IS NULL AND next_attempt_at <= ? AND (? = 0 OR booking_id = ?)
		ORDER BY id`+limitSQL(limit), s.now().Unix(), bookingID, bookingID)
	if err != nil {
		return nil, mapErr("due booking events", err)
	}
	defer rows.Close()
	var out []BookingEvent
	for rows.Next() {
		var e BookingEvent
		var st, en int64
		if err := rows.Scan(&e.ID, &e.BookingID, &e.UserID, &e.Kind, &e.Sequence, &st, &en, &e.Reason, &e.At, &e.Attempts); err != nil {
			return nil, err
		}
		e.Start, e.End = time.Unix(st, 0).UTC(), time.Unix(en, 0).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// As returns b as it was at event e: e's times, sequence and reason, and
// cancelled when e cancelled it.
func (e BookingEvent) As(b *Booking) *Booking {
	at := *b
	at.Period, at.Sequence, at.Reason, at.UpdatedAt = e.Period, e.Sequence, e.Reason, e.At
	at.Status = BookingConfirmed
	if e.Kind == MessagesCancelled {
		at.Status = BookingCancelled
	}
	return &at
}

// errComposed stops a completion whose event another composer finished.
var errComposed = errors.New("store: booking event already composed")

// CompleteBookingEvent queues ms and marks event id composed, in one
// transaction, and returns how many messages it queued: a message whose
// dedupe key is taken counts as queued already, and an event another
// composer completed first queues nothing (0, nil).
func (s *Store) CompleteBookingEvent(ctx context.Context, id int64, ms []*Message) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		res, err := tx.ExecContext(ctx, "UPDATE booking_events SET composed_at = ?, last_error = '' WHERE id = ? AND composed_at IS NULL", now, id)
		if err != nil {
			return mapErr("complete booking event", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return errComposed
		}
		for _, m := range ms {
			switch err := queue(ctx, tx, m, now); {
			case err == nil:
				n++
			case errors.Is(err, ErrUnverifiedRecipient):
				s.opts.Logger.Info("booking message skipped: address not verified", "event", id, "kind", m.Kind, "key", m.DedupeKey)
			case !errors.Is(err, ErrDuplicate):
				return err
			}
		}
		return nil
	})
	if errors.Is(err, errComposed) {
		return 0, nil
	}
	return n, err
}

// DeferBookingEvent records a failed composition of event id, why, and
// when to try again.
func (s *Store) DeferBookingEvent(ctx context.Context, id int64, cause string, next time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE booking_events SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
			WHERE id = ? AND composed_at IS NULL`, truncate(cause, 500), next.Unix(), id)
		if err != nil {
			return mapErr("defer booking event", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: booking event %d pending: %w", id, ErrNotFound)
		}
		return nil
	})
}
