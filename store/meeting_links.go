package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"dxready/advisors"
)

// SetMeetingLink sets booking id's own meeting link (link, already
// checked by advisors.CheckMeetingLink; "" goes back to the advisor's), if
// by may (advisors.OpLink). A link that changes what the parties see
// bumps the sequence, so calendars replace the event, and writes the event
// its "link" messages are composed from; the same link again changes
// nothing and sends nothing.
func (s *Store) SetMeetingLink(ctx context.Context, id int64, by Actor, link string) (*Booking, error) {
	var b *Booking
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var err error
		if b, err = forChange(ctx, tx, id, advisors.OpLink, by, now); err != nil {
			return err
		}
		if b.MeetingURL == link {
			return nil
		}
		before := b.Link()
		b.MeetingURL, b.UpdatedAt = link, now
		kind := ""
		if b.Link() != before {
			b.Sequence, kind = b.Sequence+1, MessagesLink
		}
		if _, err := tx.ExecContext(ctx, "UPDATE bookings SET meeting_url = ?, sequence = ?, updated_at = ? WHERE id = ?",
			link, b.Sequence, now, id); err != nil {
			return mapErr("meeting link", err)
		}
		return writeEvent(ctx, tx, b, by.UserID, "link", link, kind, now)
	})
	return b, err
}

// relinkUpcoming, in the transaction that changed advisor a's profile
// link, bumps the sequence of each of a's bookings that follows that link
// (advisors.FollowsProfileLink) and writes the "link" event their messages
// are composed from, as SetMeetingLink does for a booking's own link. The
// event's author is the first audit entry's user (the advisor, or the
// admin editing for them), so that they are not told of their own change.
func relinkUpcoming(ctx context.Context, tx *sql.Tx, a *Advisor, now time.Time, audit []AuditEntry) error {
	rows, err := tx.QueryContext(ctx, "SELECT "+bookingCols+bookingFrom+"WHERE b.advisor_id = ? AND b.start_at > ?", a.ID, now.Unix())
	if err != nil {
		return mapErr("bookings to relink", err)
	}
	var follow []*Booking
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			rows.Close()
			return err
		}
		if advisors.FollowsProfileLink(b.Status, b.Mode, b.MeetingURL, b.Start, now) {
			follow = append(follow, b)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	var by int64
	if len(audit) > 0 {
		by = audit[0].UserID
	}
	for _, b := range follow {
		b.AdvisorURL, b.Sequence, b.UpdatedAt = a.MeetingURL, b.Sequence+1, now
		if _, err := tx.ExecContext(ctx, "UPDATE bookings SET sequence = ?, updated_at = ? WHERE id = ?", b.Sequence, now, b.ID); err != nil {
			return mapErr("relink booking", err)
		}
		if err := writeEvent(ctx, tx, b, by, "profile_link", a.MeetingURL, MessagesLink, now); err != nil {
			return err
		}
	}
	return nil
}
