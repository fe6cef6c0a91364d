package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"dxready/advisors"
)

// MessagesRating is the message kind of a booking marked held: its firm
// is asked for a rating, by a single-use link.
const MessagesRating = "rating"

// ErrRated: the booking was rated already; a rating link cannot rate it
// again (the firm changes its rating from the booking page, once).
var ErrRated = errors.New("store: booking already rated")

// RatingRefusal is why a rating is refused by advisors.CanRate: its
// message ID (advisors.ErrRatingNotHeld, advisors.ErrRatingChanged).
type RatingRefusal string

func (r RatingRefusal) Error() string { return "store: rating refused: " + string(r) }

// Rating is a firm's rating of a held consultation.
type Rating struct {
	BookingID, AdvisorID, FirmID int64
	FirmName                     string
	Start                        time.Time // the consultation's
	Rating                       int
	Comment                      string
	Changes                      int
	UpdatedAt                    time.Time
}

// IssueRatingLink stores the link hash that asks user userID to rate
// booking bookingID; it works for advisors.RatingLinkTTL.
func (s *Store) IssueRatingLink(ctx context.Context, bookingID, userID int64, hash []byte) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		_, err := tx.ExecContext(ctx, `INSERT INTO rating_links (token_hash, booking_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			hash, bookingID, userID, now.Unix(), now.Add(advisors.RatingLinkTTL).Unix())
		return mapErr("issue rating link", err)
	})
}

// ratingLink reads link hash for booking id in q and says why it cannot be
// used: ErrLinkInvalid (unknown, or made for another booking), ErrLinkUsed,
// ErrLinkExpired, ErrRated (the booking has a rating), or a
// RatingRefusal (the booking is no longer held). It returns the booking.
func ratingLink(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id int64, hash []byte, now time.Time) (*Booking, error) {
	var bookingID, expires int64
	var used sql.NullInt64
	err := q.QueryRowContext(ctx, "SELECT booking_id, expires_at, used_at FROM rating_links WHERE token_hash = ?", hash).Scan(&bookingID, &expires, &used)
	switch {
	case errors.Is(err, sql.ErrNoRows) || err == nil && bookingID != id:
		return nil, ErrLinkInvalid
	case err != nil:
		return nil, mapErr("rating link", err)
	case used.Valid:
		return nil, ErrLinkUsed
	case now.Unix() >= expires:
		return nil, ErrLinkExpired
	}
	b, err := scanBooking(q.QueryRowContext(ctx, "SELECT "+bookingCols+bookingFrom+"WHERE b.id = ?", id))
	if err != nil {
		return nil, mapErr("booking", err)
	}
	var rated int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM booking_ratings WHERE booking_id = ?", id).Scan(&rated); err != nil {
		return nil, mapErr("rating link", err)
	}
	if rated > 0 {
		return nil, ErrRated
	}
	if why := advisors.CanRate(b.Status, -1); why != "" {
		return nil, RatingRefusal(why)
	}
	return b, nil
}

// CheckRatingLink returns the booking link hash asks to rate, without
// using it; the link's error as RateByLink's otherwise.
func (s *Store) CheckRatingLink(ctx context.Context, bookingID int64, hash []byte) (*Booking, error) {
	return ratingLink(ctx, s.r, bookingID, hash, s.now())
}

// RateByLink rates booking bookingID with the link hash, which is then
// spent with every other rating link of the booking. The link's problems
// are CheckRatingLink's; rating and comment are checked by
// advisors.ValidateRating first (the caller shows those problems).
func (s *Store) RateByLink(ctx context.Context, bookingID int64, hash []byte, rating int, comment string) (*Booking, error) {
	var b *Booking
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var err error
		if b, err = ratingLink(ctx, tx, bookingID, hash, now); err != nil {
			return err
		}
		var userID int64
		if err := tx.QueryRowContext(ctx, "SELECT user_id FROM rating_links WHERE token_hash = ?", hash).Scan(&userID); err != nil {
			return mapErr("rating link", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO booking_ratings (booking_id, advisor_id, firm_id, rating, comment, rated_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, b.ID, b.AdvisorID, b.FirmID, rating, strings.TrimSpace(comment), userID, now, now); err != nil {
			return mapErr("rate", err)
		}
		return spendRatingLinks(ctx, tx, b.ID, now)
	})
	return b, err
}

// spendRatingLinks marks every unused rating link of booking id used.
func spendRatingLinks(ctx context.Context, tx *sql.Tx, id int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, "UPDATE rating_links SET used_at = ? WHERE booking_id = ? AND used_at IS NULL", now.Unix(), id)
	return mapErr("spend rating links", err)
}

// RateBooking rates booking id for its firm's user userID from the
// booking page, or changes the rating it has (at most
// advisors.RatingChanges times); the caller checked the user may
// (auth.ActBookingRate). A RatingRefusal when advisors.CanRate refuses;
// ErrNotFound when there is no such booking. The booking's unused rating
// links are spent.
func (s *Store) RateBooking(ctx context.Context, id, userID int64, rating int, comment string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var status string
		var advisorID, firmID int64
		if err := tx.QueryRowContext(ctx, "SELECT status, advisor_id, firm_id FROM bookings WHERE id = ?", id).Scan(&status, &advisorID, &firmID); err != nil {
			return mapErr(fmt.Sprintf("rate booking %d", id), err)
		}
		changes := -1
		err := tx.QueryRowContext(ctx, "SELECT changes FROM booking_ratings WHERE booking_id = ?", id).Scan(&changes)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return mapErr("rate booking", err)
		}
		if why := advisors.CanRate(status, changes); why != "" {
			return RatingRefusal(why)
		}
		comment = strings.TrimSpace(comment)
		if changes < 0 {
			_, err = tx.ExecContext(ctx, `INSERT INTO booking_ratings (booking_id, advisor_id, firm_id, rating, comment, rated_by, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, advisorID, firmID, rating, comment, nullID(userID), now, now)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE booking_ratings SET rating = ?, comment = ?, rated_by = ?, changes = changes + 1, updated_at = ?
				WHERE booking_id = ?`, rating, comment, nullID(userID), now, id)
		}
		if err != nil {
			return mapErr("rate booking", err)
		}
		return spendRatingLinks(ctx, tx, id, now)
	})
}

const ratingCols = `r.booking_id, r.advisor_id, r.firm_id, f.name, b.start_at, r.rating, r.comment, r.changes, r.updated_at
	FROM booking_ratings r JOIN bookings b ON b.id = r.booking_id JOIN firms f ON f.id = r.firm_id `

func scanRating(sc scanner) (*Rating, error) {
	var r Rating
	var st int64
	if err := sc.Scan(&r.BookingID, &r.AdvisorID, &r.FirmID, &r.FirmName, &st, &r.Rating, &r.Comment, &r.Changes, &r.UpdatedAt); err != nil {
		return nil, err
	}
	r.Start = time.Unix(st, 0).UTC()
	return &r, nil
}

// FindRating returns booking id's rating, or ErrNotFound.
func (s *Store) FindRating(ctx context.Context, id int64) (*Rating, error) {
	r, err := scanRating(s.r.QueryRowContext(ctx, "SELECT "+ratingCols+"WHERE r.booking_id = ?", id))
	return r, mapErr("rating", err)
}

// AdvisorRatings returns the latest limit ratings advisor id was given,
// newest consultation first, with how many there are and their sum.
func (s *Store) AdvisorRatings(ctx context.Context, id int64, limit int) ([]*Rating, int, int, error) {
	var n, total int
	err := s.r.QueryRowContext(ctx, "SELECT n, total FROM quality_ratings WHERE advisor_id = ?", id).Scan(&n, &total)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, 0, 0, mapErr("advisor ratings", err)
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+ratingCols+"WHERE r.advisor_id = ? ORDER BY r.booking_id DESC"+limitSQL(limit), id)
	if err != nil {
		return nil, 0, 0, mapErr("advisor ratings", err)
	}
	defer rows.Close()
	var out []*Rating
	for rows.Next() {
		r, err := scanRating(rows)
		if err != nil {
			return nil, 0, 0, err
		}
		out = append(out, r)
	}
	return out, n, total, rows.Err()
}
