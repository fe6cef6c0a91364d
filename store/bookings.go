package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"dxready/advisors"
)

// Booking statuses.
const (
	BookingConfirmed = "confirmed"
	BookingCancelled = "cancelled"
	BookingDone      = "done"
	BookingNoShow    = "no_show"
)

// ErrSlotTaken means the slot is no longer free: another booking took it
// first, or it left the advisor's hours, notice or horizon.
var ErrSlotTaken = errors.New("store: slot taken")

// ErrBookingClosed means the booking can no longer change that way (it
// was cancelled, or already marked done).
var ErrBookingClosed = errors.New("store: booking closed")

// Booking is one consultation.
type Booking struct {
	ID          int64
	AdvisorID   int64
	AdvisorName string
	FirmID      int64
	FirmName    string
	BookedBy    int64
	advisors.Period
	Status       string
	Mode         string // online or onsite
	Language     string
	Pillars      []string
	Note         string
	ResponseID   int64 // the result shared with the advisor; 0: none yet
	AdvisorNotes string
	Reason       string
	Sequence     int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Composer writes the messages of a booking's change once its ID and
// sequence are known; they are queued in the same transaction.
type Composer func(b *Booking) []*Message

// schedules reads, in q (the write transaction when booking), everything
// that decides when each of as is free from now on: two queries whatever
// their number, limited to the one advisor when there is only one.
func schedules(ctx context.Context, q querier, as []*Advisor, now time.Time, holidays advisors.Holidays) (map[int64]advisors.Schedule, error) {
	out := map[int64]advisors.Schedule{}
	horizon := 0
	for _, a := range as {
		out[a.ID] = advisors.Schedule{Hours: a.Hours, Rules: a.Rules, Holidays: holidays}
		horizon = max(horizon, a.Rules.HorizonDays)
	}
	// Widen the window by a day so leave and buffers at the edges count.
	args := []any{now.Unix() - 86400, now.AddDate(0, 0, horizon+1).Unix()}
	only := ""
	if len(as) == 1 {
		only, args = " AND advisor_id = ?", append(args, as[0].ID)
	}
	for _, t := range []struct {
		sql   string
		leave bool
	}{
		{"SELECT advisor_id, start_at, end_at FROM advisor_leave WHERE end_at > ? AND start_at < ?" + only, true},
		{"SELECT advisor_id, start_at, end_at FROM bookings WHERE status <> 'cancelled' AND end_at > ? AND start_at < ?" + only, false},
	} {
		rows, err := q.QueryContext(ctx, t.sql, args...)
		if err != nil {
			return nil, mapErr("schedules", err)
		}
		for rows.Next() {
			var id, st, en int64
			if err := rows.Scan(&id, &st, &en); err != nil {
				rows.Close()
				return nil, err
			}
			sc, ok := out[id]
			if !ok {
				continue
			}
			p := advisors.Period{Start: time.Unix(st, 0).UTC(), End: time.Unix(en, 0).UTC()}
			if t.leave {
				sc.Leave = append(sc.Leave, p)
			} else {
				sc.Busy = append(sc.Busy, p)
			}
			out[id] = sc
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// schedule is one advisor's schedule, read in q.
func schedule(ctx context.Context, q querier, a *Advisor, now time.Time, holidays advisors.Holidays) (advisors.Schedule, error) {
	all, err := schedules(ctx, q, []*Advisor{a}, now, holidays)
	return all[a.ID], err
}

// Schedule returns the advisor's schedule as of now.
func (s *Store) Schedule(ctx context.Context, a *Advisor, holidays advisors.Holidays) (advisors.Schedule, error) {
	return schedule(ctx, s.r, a, s.now(), holidays)
}

// Schedules returns the schedules of many advisors as of now: the
// free-slot search of a firm.
func (s *Store) Schedules(ctx context.Context, as []*Advisor, holidays advisors.Holidays) (map[int64]advisors.Schedule, error) {
	return schedules(ctx, s.r, as, s.now(), holidays)
}

// Loads returns every advisor's load: bookings in the current local week
// (Monday to Sunday) and when they were last booked.
func (s *Store) Loads(ctx context.Context) (map[int64]advisors.Load, error) {
	local := s.now().In(advisors.Zone)
	monday := time.Date(local.Year(), local.Month(), local.Day()-(int(local.Weekday())+6)%7, 0, 0, 0, 0, advisors.Zone)
	rows, err := s.r.QueryContext(ctx, `SELECT advisor_id,
		SUM(status <> 'cancelled' AND start_at >= ? AND start_at < ?), MAX(created_at)
		FROM bookings GROUP BY advisor_id`, monday.Unix(), monday.AddDate(0, 0, 7).Unix())
	if err != nil {
		return nil, mapErr("loads", err)
	}
	defer rows.Close()
	out := map[int64]advisors.Load{}
	for rows.Next() {
		var id int64
		var l advisors.Load
		var last sql.NullString
		if err := rows.Scan(&id, &l.ThisWeek, &last); err != nil {
			return nil, err
		}
		if last.Valid {
			l.LastBooked, _ = parseSQLiteTime(last.String)
		}
		out[id] = l
	}
	return out, rows.Err()
}

// parseSQLiteTime reads a DATETIME an aggregate returned as text.
func parseSQLiteTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("store: time %q", s)
}

// Book confirms b if its slot is free for the advisor at this moment: the
// check and the insert happen in one write transaction, and the database
// refuses any overlap on its own (bookings_no_overlap_insert). It fills
// b's ID, status and times, and queues compose(b)'s messages with it.
// ErrSlotTaken when the slot is not free; ErrNotFound for an advisor
// that does not exist or takes no bookings.
func (s *Store) Book(ctx context.Context, b *Booking, holidays advisors.Holidays, compose Composer) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		as, err := advisorsWhere(ctx, tx, "a.user_id = ? AND a.active = 1 AND u.status = 'active'", b.AdvisorID)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			return fmt.Errorf("store: advisor %d: %w", b.AdvisorID, ErrNotFound)
		}
		now := s.now()
		sc, err := schedule(ctx, tx, as[0], now, holidays)
		if err != nil {
			return err
		}
		if !sc.IsFree(now, b.Period) {
			return ErrSlotTaken
		}
		var resp sql.NullInt64
		if err := tx.QueryRowContext(ctx, "SELECT response_id FROM current_results WHERE firm_id = ?", b.FirmID).Scan(&resp); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		b.Status, b.ResponseID, b.Sequence, b.CreatedAt, b.UpdatedAt = BookingConfirmed, resp.Int64, 0, now, now
		b.AdvisorName = as[0].Name
		res, err := tx.ExecContext(ctx, `INSERT INTO bookings (advisor_id, firm_id, booked_by, start_at, end_at, status, mode, language,
			pillars, note, response_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'confirmed', ?, ?, ?, ?, ?, ?, ?)`,
			b.AdvisorID, b.FirmID, nullID(b.BookedBy), b.Start.Unix(), b.End.Unix(), b.Mode, b.Language, jsonList(b.Pillars),
			b.Note, nullID(b.ResponseID), now, now)
		if err != nil {
			return bookingErr(err)
		}
		if b.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT name FROM firms WHERE id = ?", b.FirmID).Scan(&b.FirmName); err != nil {
			return mapErr("booking firm", err)
		}
		return s.afterChange(ctx, tx, b, b.BookedBy, "booked", "", compose)
	})
	return err
}

// bookingErr turns the overlap trigger and the one-start index into
// ErrSlotTaken.
func bookingErr(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_TRIGGER, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return ErrSlotTaken
		}
	}
	return mapErr("booking", err)
}

// afterChange records the event and queues the messages of a change.
func (s *Store) afterChange(ctx context.Context, tx *sql.Tx, b *Booking, userID int64, action, detail string, compose Composer) error {
	if _, err := tx.ExecContext(ctx, "INSERT INTO booking_events (booking_id, user_id, action, detail, at) VALUES (?, ?, ?, ?, ?)",
		b.ID, nullID(userID), action, detail, s.now()); err != nil {
		return mapErr("booking event", err)
	}
	if compose == nil {
		return nil
	}
	for _, m := range compose(b) {
		if err := queue(ctx, tx, m, s.now()); err != nil && !errors.Is(err, ErrDuplicate) {
			return err
		}
	}
	return nil
}

const bookingCols = `b.id, b.advisor_id, u.name, b.firm_id, f.name, COALESCE(b.booked_by, 0), b.start_at, b.end_at, b.status, b.mode,
	b.language, b.pillars, b.note, COALESCE(b.response_id, 0), b.advisor_notes, b.reason, b.sequence, b.created_at, b.updated_at`

const bookingFrom = ` FROM bookings b JOIN users u ON u.id = b.advisor_id JOIN firms f ON f.id = b.firm_id `

func scanBooking(sc scanner) (*Booking, error) {
	var b Booking
	var st, en int64
	var pillars string
	if err := sc.Scan(&b.ID, &b.AdvisorID, &b.AdvisorName, &b.FirmID, &b.FirmName, &b.BookedBy, &st, &en, &b.Status, &b.Mode,
		&b.Language, &pillars, &b.Note, &b.ResponseID, &b.AdvisorNotes, &b.Reason, &b.Sequence, &b.CreatedAt, &b.UpdatedAt); err != nil {
		return nil, err
	}
	b.Start, b.End = time.Unix(st, 0).UTC(), time.Unix(en, 0).UTC()
	if err := json.Unmarshal([]byte(pillars), &b.Pillars); err != nil {
		return nil, fmt.Errorf("store: booking %d pillars: %w", b.ID, err)
	}
	return &b, nil
}

// FindBooking returns one booking, or ErrNotFound.
func (s *Store) FindBooking(ctx context.Context, id int64) (*Booking, error) {
	b, err := scanBooking(s.r.QueryRowContext(ctx, "SELECT "+bookingCols+bookingFrom+"WHERE b.id = ?", id))
	return b, mapErr("booking", err)
}

// BookingFilter selects bookings; zero fields do not filter.
type BookingFilter struct {
	FirmID, AdvisorID int64
	From, To          time.Time // start within [From, To)
	Statuses          []string
	Desc              bool
	Limit             int
}

// Bookings returns the bookings f selects, by start time.
func (s *Store) Bookings(ctx context.Context, f BookingFilter) ([]*Booking, error) {
	q := "SELECT " + bookingCols + bookingFrom + "WHERE 1 = 1"
	var args []any
	if f.FirmID != 0 {
		q += " AND b.firm_id = ?"
		args = append(args, f.FirmID)
	}
	if f.AdvisorID != 0 {
		q += " AND b.advisor_id = ?"
		args = append(args, f.AdvisorID)
	}
	if !f.From.IsZero() {
		q += " AND b.start_at >= ?"
		args = append(args, f.From.Unix())
	}
	if !f.To.IsZero() {
		q += " AND b.start_at < ?"
		args = append(args, f.To.Unix())
	}
	if len(f.Statuses) > 0 {
		q += " AND b.status IN (SELECT value FROM json_each(?))"
		args = append(args, jsonList(f.Statuses))
	}
	q += " ORDER BY b.start_at"
	if f.Desc {
		q += " DESC"
	}
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, mapErr("bookings", err)
	}
	defer rows.Close()
	var out []*Booking
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// AdvisorHasFirm reports whether the advisor has (or had) a booking with
// the firm: what lets an advisor read the firm's shared result.
func (s *Store) AdvisorHasFirm(ctx context.Context, advisorID, firmID int64) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM bookings WHERE advisor_id = ? AND firm_id = ? AND status <> 'cancelled'",
		advisorID, firmID).Scan(&n)
	return n > 0, mapErr("advisor has firm", err)
}

// Reschedule moves a confirmed booking to p if p is free for its advisor.
func (s *Store) Reschedule(ctx context.Context, id int64, p advisors.Period, userID int64, reason string, holidays advisors.Holidays, compose Composer) (*Booking, error) {
	var b *Booking
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if b, err = scanBooking(tx.QueryRowContext(ctx, "SELECT "+bookingCols+bookingFrom+"WHERE b.id = ?", id)); err != nil {
			return mapErr("booking", err)
		}
		if b.Status != BookingConfirmed {
			return ErrBookingClosed
		}
		as, err := advisorsWhere(ctx, tx, "a.user_id = ? AND a.active = 1", b.AdvisorID)
		if err != nil || len(as) == 0 {
			return errors.Join(ErrSlotTaken, err)
		}
		now := s.now()
		sc, err := schedule(ctx, tx, as[0], now, holidays)
		if err != nil {
			return err
		}
		// The booking's own time does not block its move.
		sc.Busy = slices.DeleteFunc(sc.Busy, func(q advisors.Period) bool { return q.Start.Equal(b.Start) && q.End.Equal(b.End) })
		if !sc.IsFree(now, p) {
			return ErrSlotTaken
		}
		old := b.Period
		b.Period, b.Sequence, b.Reason, b.UpdatedAt = p, b.Sequence+1, reason, now
		if _, err := tx.ExecContext(ctx, "UPDATE bookings SET start_at = ?, end_at = ?, sequence = ?, reason = ?, updated_at = ? WHERE id = ?",
			p.Start.Unix(), p.End.Unix(), b.Sequence, reason, now, id); err != nil {
			return bookingErr(err)
		}
		detail := fmt.Sprintf("%s → %s; %s", old.Start.Format(time.RFC3339), p.Start.Format(time.RFC3339), reason)
		return s.afterChange(ctx, tx, b, userID, "rescheduled", detail, compose)
	})
	return b, err
}

// Cancel cancels a confirmed booking, freeing its slot.
func (s *Store) Cancel(ctx context.Context, id, userID int64, reason string, compose Composer) (*Booking, error) {
	return s.setStatus(ctx, id, userID, BookingCancelled, reason, "cancelled", compose)
}

// SetOutcome marks a confirmed booking done or no_show (the advisor, once
// it has started). Marking again corrects the outcome.
func (s *Store) SetOutcome(ctx context.Context, id, userID int64, status string) (*Booking, error) {
	if status != BookingDone && status != BookingNoShow {
		return nil, fmt.Errorf("store: outcome %q", status)
	}
	return s.setStatus(ctx, id, userID, status, "", status, nil)
}

func (s *Store) setStatus(ctx context.Context, id, userID int64, status, reason, action string, compose Composer) (*Booking, error) {
	var b *Booking
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if b, err = scanBooking(tx.QueryRowContext(ctx, "SELECT "+bookingCols+bookingFrom+"WHERE b.id = ?", id)); err != nil {
			return mapErr("booking", err)
		}
		switch {
		case b.Status == BookingCancelled,
			status == BookingCancelled && b.Status != BookingConfirmed:
			return ErrBookingClosed
		case status != BookingCancelled && s.now().Before(b.Start):
			return ErrBookingClosed // no outcome before it has started
		}
		b.Status, b.UpdatedAt = status, s.now()
		if status == BookingCancelled {
			b.Sequence++
			b.Reason = reason
		}
		if _, err := tx.ExecContext(ctx, "UPDATE bookings SET status = ?, sequence = ?, reason = ?, updated_at = ? WHERE id = ?",
			b.Status, b.Sequence, b.Reason, b.UpdatedAt, id); err != nil {
			return mapErr("booking status", err)
		}
		return s.afterChange(ctx, tx, b, userID, action, reason, compose)
	})
	return b, err
}

// SetAdvisorNotes saves the advisor's notes of a consultation.
func (s *Store) SetAdvisorNotes(ctx context.Context, id, userID int64, notes string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE bookings SET advisor_notes = ?, updated_at = ? WHERE id = ? AND status <> 'cancelled'", notes, s.now(), id)
		if err != nil {
			return mapErr("notes", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrBookingClosed
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO booking_events (booking_id, user_id, action, at) VALUES (?, ?, 'notes', ?)", id, nullID(userID), s.now())
		return err
	})
}
