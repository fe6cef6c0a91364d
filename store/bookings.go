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

// Booking statuses (advisors' names for them).
const (
	BookingConfirmed = advisors.StatusConfirmed
	BookingCancelled = advisors.StatusCancelled
	BookingDone      = advisors.StatusDone
	BookingNoShow    = advisors.StatusNoShow
)

// ErrSlotTaken means the slot is no longer free: another booking took it
// first, or it left the advisor's hours, notice or horizon.
var ErrSlotTaken = errors.New("store: slot taken")

// ErrAlreadyBooked means the firm already holds this very consultation
// (the same advisor, the same time, confirmed): a form sent twice (a
// double click, the back button and send again). Book fills the booking's
// ID with the one held and writes nothing.
var ErrAlreadyBooked = errors.New("store: already booked")

// ErrSameTime means a reschedule to the time the booking already has:
// nothing is written and no one is told of a change.
var ErrSameTime = errors.New("store: the booking already has that time")

// Actor is who changes a booking: the user (0 for the portal itself) and
// their part in it, which advisors.CanChange judges.
type Actor struct {
	UserID int64
	Party  advisors.Party
}

// Booking is one consultation.
type Booking struct {
	ID          int64
	AdvisorID   int64
	AdvisorName string
	FirmID      int64
	FirmName    string
	BookedBy    int64
	// OnBehalf: Center staff (BookedBy) booked it for the firm (the
	// 1022 hotline), not one of the firm's users.
	OnBehalf bool
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
	MeetingURL   string // the booking's own meeting link, set by its advisor; "" none
	AdvisorURL   string // the advisor's meeting link, read with the booking
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Link is b's meeting link as its parties see it: advisors.MeetingLink.
func (b *Booking) Link() string { return advisors.MeetingLink(b.Mode, b.MeetingURL, b.AdvisorURL) }

// Rule is what the booking rules need to know of b.
func (b *Booking) Rule() advisors.Booking {
	return advisors.Booking{ID: b.ID, AdvisorID: b.AdvisorID, Status: b.Status, Period: b.Period}
}

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

// Book confirms b if its slot is free for the advisor and the firm's
// fair use of the advisors (limits; nil: advisors.DefaultLimits) allows
// it at this moment: the checks and the insert happen in one write
// transaction, and the database refuses any overlap of the advisor's
// bookings on its own (bookings_no_overlap_insert). It fills b's ID,
// status and times, and writes the event row its messages are composed
// from after the commit. ErrSlotTaken when the slot is not free; an
// advisors.Refusal (ErrFirmLimit, ErrAdvisorLimit, ErrFirmBusy) when fair
// use does not allow it; ErrNotFound for an advisor that does not exist
// or takes no bookings; ErrAlreadyBooked, with b.ID the one held, when the
// firm holds this same consultation already. The audit entries given are
// written with it (a booking made on the firm's behalf).
func (s *Store) Book(ctx context.Context, b *Booking, holidays advisors.Holidays, limits *advisors.Limits, audit ...AuditEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		as, err := advisorsWhere(ctx, tx, "a.user_id = ? AND a.active = 1 AND u.status = 'active'", b.AdvisorID)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			return fmt.Errorf("store: advisor %d: %w", b.AdvisorID, ErrNotFound)
		}
		now := s.now()
		var held int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM bookings WHERE firm_id = ? AND advisor_id = ? AND start_at = ? AND end_at = ?
			AND status = 'confirmed'`, b.FirmID, b.AdvisorID, b.Start.Unix(), b.End.Unix()).Scan(&held)
		switch {
		case err == nil:
			b.ID = held
			return ErrAlreadyBooked
		case !errors.Is(err, sql.ErrNoRows):
			return mapErr("booking held", err)
		}
		if err := checkFree(ctx, tx, as[0], nil, b.Period, now, holidays); err != nil {
			return err
		}
		if err := checkFairUse(ctx, tx, limits, b.FirmID, advisors.Booking{AdvisorID: b.AdvisorID, Period: b.Period}, now); err != nil {
			return err
		}
		var resp sql.NullInt64
		if err := tx.QueryRowContext(ctx, "SELECT response_id FROM current_results WHERE firm_id = ?", b.FirmID).Scan(&resp); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		b.Status, b.ResponseID, b.Sequence, b.CreatedAt, b.UpdatedAt = BookingConfirmed, resp.Int64, 0, now, now
		b.AdvisorName = as[0].Name
		res, err := tx.ExecContext(ctx, `INSERT INTO bookings (advisor_id, firm_id, booked_by, start_at, end_at, status, mode, language,
			pillars, note, response_id, created_at, updated_at, on_behalf) VALUES (?, ?, ?, ?, ?, 'confirmed', ?, ?, ?, ?, ?, ?, ?, ?)`,
			b.AdvisorID, b.FirmID, nullID(b.BookedBy), b.Start.Unix(), b.End.Unix(), b.Mode, b.Language, jsonList(b.Pillars),
			b.Note, nullID(b.ResponseID), now, now, b.OnBehalf)
		if err != nil {
			return bookingErr(err)
		}
		if b.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, "SELECT name FROM firms WHERE id = ?", b.FirmID).Scan(&b.FirmName); err != nil {
			return mapErr("booking firm", err)
		}
		for i := range audit {
			audit[i].Subject = fmt.Sprintf("booking:%d", b.ID)
		}
		if err := writeAudit(ctx, tx, now, audit); err != nil {
			return err
		}
		return writeEvent(ctx, tx, b, b.BookedBy, "booked", "", MessagesConfirmed, now)
	})
}

// checkFree fails with ErrSlotTaken unless p is free in the advisor's
// schedule at now, read in tx; moving is the booking being moved (its own
// time does not block it), nil for a new one.
func checkFree(ctx context.Context, tx *sql.Tx, a *Advisor, moving *Booking, p advisors.Period, now time.Time, holidays advisors.Holidays) error {
	sc, err := schedule(ctx, tx, a, now, holidays)
	if err != nil {
		return err
	}
	if moving != nil {
		sc.Busy = slices.DeleteFunc(sc.Busy, func(q advisors.Period) bool { return q.Start.Equal(moving.Start) && q.End.Equal(moving.End) })
	}
	if !sc.IsFree(now, p) {
		return ErrSlotTaken
	}
	return nil
}

// checkFairUse reads, in tx, the firm's bookings that are not over and
// asks advisors.CheckFairUse whether it may take next.
func checkFairUse(ctx context.Context, tx *sql.Tx, limits *advisors.Limits, firmID int64, next advisors.Booking, now time.Time) error {
	l := advisors.DefaultLimits()
	if limits != nil {
		l = *limits
	}
	held, err := firmBookings(ctx, tx, firmID, now)
	if err != nil {
		return err
	}
	return advisors.CheckFairUse(l, held, next, now)
}

// firmBookings are the firm's bookings that are not cancelled and not
// over at now: all that fair use and overlaps depend on.
func firmBookings(ctx context.Context, q querier, firmID int64, now time.Time) ([]advisors.Booking, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, advisor_id, status, start_at, end_at FROM bookings WHERE firm_id = ? AND status <> 'cancelled' AND end_at > ?",
		firmID, now.Unix())
	if err != nil {
		return nil, mapErr("firm bookings", err)
	}
	defer rows.Close()
	var out []advisors.Booking
	for rows.Next() {
		var b advisors.Booking
		var st, en int64
		if err := rows.Scan(&b.ID, &b.AdvisorID, &b.Status, &st, &en); err != nil {
			return nil, err
		}
		b.Start, b.End = time.Unix(st, 0).UTC(), time.Unix(en, 0).UTC()
		out = append(out, b)
	}
	return out, rows.Err()
}

// HeldBookings returns the firm's bookings that fair use and overlaps
// depend on (not cancelled, not over), and the moment they were read at:
// what a page asks advisors.CheckFairUse about, as Book will.
func (s *Store) HeldBookings(ctx context.Context, firmID int64) ([]advisors.Booking, time.Time, error) {
	now := s.now()
	held, err := firmBookings(ctx, s.r, firmID, now)
	return held, now, err
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

const bookingCols = `b.id, b.advisor_id, u.name, b.firm_id, f.name, COALESCE(b.booked_by, 0), b.start_at, b.end_at, b.status, b.mode,
	b.language, b.pillars, b.note, COALESCE(b.response_id, 0), b.advisor_notes, b.reason, b.sequence, b.created_at, b.updated_at,
	b.meeting_url, COALESCE(ad.meeting_url, ''), b.on_behalf`

const bookingFrom = ` FROM bookings b JOIN users u ON u.id = b.advisor_id JOIN firms f ON f.id = b.firm_id
	LEFT JOIN advisors ad ON ad.user_id = b.advisor_id `

func scanBooking(sc scanner) (*Booking, error) {
	var b Booking
	var st, en int64
	var pillars string
	if err := sc.Scan(&b.ID, &b.AdvisorID, &b.AdvisorName, &b.FirmID, &b.FirmName, &b.BookedBy, &st, &en, &b.Status, &b.Mode,
		&b.Language, &pillars, &b.Note, &b.ResponseID, &b.AdvisorNotes, &b.Reason, &b.Sequence, &b.CreatedAt, &b.UpdatedAt,
		&b.MeetingURL, &b.AdvisorURL, &b.OnBehalf); err != nil {
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
		q += limitSQL(f.Limit)
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

// AdvisorsSharedWith returns the advisors that bookings share result
// responseID with (not cancelled ones): who may read it besides its firm.
func (s *Store) AdvisorsSharedWith(ctx context.Context, responseID int64) ([]int64, error) {
	return queryIDs(ctx, s.r, "advisors shared with", "SELECT DISTINCT advisor_id FROM bookings WHERE response_id = ? AND status <> 'cancelled' ORDER BY advisor_id", responseID)
}

// forChange reads booking id in tx and asks advisors.CanChange whether by
// may do op to it at now; the refusal is an advisors.Refusal.
func forChange(ctx context.Context, tx *sql.Tx, id int64, op advisors.Op, by Actor, now time.Time) (*Booking, error) {
	b, err := scanBooking(tx.QueryRowContext(ctx, "SELECT "+bookingCols+bookingFrom+"WHERE b.id = ?", id))
	if err != nil {
		return nil, mapErr("booking", err)
	}
	return b, advisors.CanChange(b.Rule(), op, by.Party, now)
}

// Reschedule moves a confirmed booking that has not started to p, if p is
// free for its advisor and the firm has no other consultation then
// (advisors.CheckFairUse; limits nil: the defaults), and writes the event
// its messages are composed from. ErrSameTime, with nothing written, when
// p is the time it has.
func (s *Store) Reschedule(ctx context.Context, id int64, p advisors.Period, by Actor, reason string, holidays advisors.Holidays, limits *advisors.Limits) (*Booking, error) {
	var b *Booking
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var err error
		if b, err = forChange(ctx, tx, id, advisors.OpReschedule, by, now); err != nil {
			return err
		}
		if b.Start.Equal(p.Start) && b.End.Equal(p.End) {
			return ErrSameTime
		}
		as, err := advisorsWhere(ctx, tx, "a.user_id = ? AND a.active = 1", b.AdvisorID)
		if err != nil || len(as) == 0 {
			return errors.Join(ErrSlotTaken, err)
		}
		if err := checkFree(ctx, tx, as[0], b, p, now, holidays); err != nil {
			return err
		}
		if err := checkFairUse(ctx, tx, limits, b.FirmID, advisors.Booking{ID: b.ID, AdvisorID: b.AdvisorID, Period: p}, now); err != nil {
			return err
		}
		old := b.Period
		b.Period, b.Sequence, b.Reason, b.UpdatedAt = p, b.Sequence+1, reason, now
		if _, err := tx.ExecContext(ctx, "UPDATE bookings SET start_at = ?, end_at = ?, sequence = ?, reason = ?, updated_at = ? WHERE id = ?",
			p.Start.Unix(), p.End.Unix(), b.Sequence, reason, now, id); err != nil {
			return bookingErr(err)
		}
		detail := fmt.Sprintf("%s → %s; %s", old.Start.Format(time.RFC3339), p.Start.Format(time.RFC3339), reason)
		return writeEvent(ctx, tx, b, by.UserID, "rescheduled", detail, MessagesChanged, now)
	})
	return b, err
}

// Cancel cancels a confirmed booking that has not started, freeing its
// slot, and writes the event its messages are composed from.
func (s *Store) Cancel(ctx context.Context, id int64, by Actor, reason string) (*Booking, error) {
	return s.setStatus(ctx, id, by, advisors.OpCancel, BookingCancelled, reason)
}

// SetOutcome marks a booking that has started done or no_show; marking
// again corrects the outcome.
func (s *Store) SetOutcome(ctx context.Context, id int64, by Actor, status string) (*Booking, error) {
	if status != BookingDone && status != BookingNoShow {
		return nil, fmt.Errorf("store: outcome %q", status)
	}
	return s.setStatus(ctx, id, by, advisors.OpOutcome, status, "")
}

func (s *Store) setStatus(ctx context.Context, id int64, by Actor, op advisors.Op, status, reason string) (*Booking, error) {
	var b *Booking
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var err error
		if b, err = forChange(ctx, tx, id, op, by, now); err != nil {
			return err
		}
		kind, was := "", b.Status
		b.Status, b.UpdatedAt = status, now
		if status == BookingCancelled {
			b.Sequence++
			b.Reason, kind = reason, MessagesCancelled
		}
		if status == BookingDone && was != BookingDone {
			kind = MessagesRating // the firm is asked for a rating
		}
		if _, err := tx.ExecContext(ctx, "UPDATE bookings SET status = ?, sequence = ?, reason = ?, updated_at = ? WHERE id = ?",
			b.Status, b.Sequence, b.Reason, b.UpdatedAt, id); err != nil {
			return mapErr("booking status", err)
		}
		return writeEvent(ctx, tx, b, by.UserID, status, reason, kind, now)
	})
	return b, err
}

// SetAdvisorNotes saves the advisor's notes of a consultation that has
// started.
func (s *Store) SetAdvisorNotes(ctx context.Context, id int64, by Actor, notes string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		b, err := forChange(ctx, tx, id, advisors.OpNotes, by, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE bookings SET advisor_notes = ?, updated_at = ? WHERE id = ?", notes, now, id); err != nil {
			return mapErr("notes", err)
		}
		return writeEvent(ctx, tx, b, by.UserID, "notes", "", "", now)
	})
}
