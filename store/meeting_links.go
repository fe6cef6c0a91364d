package store

import (
	"context"
	"database/sql"

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
