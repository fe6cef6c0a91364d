package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"dxready/advisors"
	"dxready/auth"
	"dxready/locale"
	"dxready/store"
)

// bookingEvent is the booking as an .ics file, worded in loc's language,
// with links on base.
func (s *Server) bookingEvent(base string, b *store.Booking, loc *locale.Localizer) []byte {
	topics := pillarNames(s.defaultInstrument(), b.Pillars, loc.Lang)
	desc := loc.T("ics.description", "Advisor", b.AdvisorName, "Firm", b.FirmName, "Pillars", strings.Join(topics, ", "),
		"Link", base+bookingURL(b.ID, ""))
	if b.Note != "" {
		desc += "\n\n" + b.Note
	}
	return advisors.ICS(advisors.Event{UID: fmt.Sprintf("booking-%d@dxready", b.ID), Sequence: b.Sequence, Start: b.Start, End: b.End,
		Stamp: b.UpdatedAt, Summary: loc.T("ics.summary", "Advisor", b.AdvisorName, "Firm", b.FirmName), Description: desc,
		Location: loc.T("booking.mode." + b.Mode), Cancelled: b.Status == store.BookingCancelled})
}

// baseURL is where links in messages point: the configured public
// address, else the scheme and host the request came to.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if s.cfg.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// bookingMessages composes the messages of a booking change made in r.
func (s *Server) bookingMessages(r *http.Request, kind string) store.Composer {
	return s.bookingComposer(context.WithoutCancel(r.Context()), s.baseURL(r), currentUser(r).ID, kind)
}

// bookingComposer composes the messages of a booking event (kind
// confirmed, changed, cancelled or reminder): one to each active user of
// the firm and one to the advisor, each in the recipient's language, with
// the .ics. by is the user who caused it; 0 for the portal itself.
func (s *Server) bookingComposer(ctx context.Context, base string, by int64, kind string) store.Composer {
	return func(b *store.Booking) []*store.Message {
		to := s.firmRecipients(ctx, b.FirmID)
		if adv, err := s.store.FindUserByID(ctx, b.AdvisorID); err == nil && adv.Status == auth.StatusActive {
			to = append(to, adv)
		}
		var out []*store.Message
		for _, u := range to {
			loc := s.bundle.For(u.Lang)
			when := slotLabel(b.Period, loc)
			body := loc.T("mail.booking."+kind+".body", "Name", u.Name, "Advisor", b.AdvisorName, "Firm", b.FirmName, "When", when,
				"Mode", loc.T("booking.mode."+b.Mode), "Reason", b.Reason, "Link", base+bookingURL(b.ID, ""))
			out = append(out, &store.Message{Kind: "booking." + kind, DedupeKey: fmt.Sprintf("booking:%d:%s:%d:%d", b.ID, kind, b.Sequence, u.ID),
				To: u.Email, Lang: loc.Lang, Subject: loc.T("mail.booking."+kind+".subject", "When", when), Body: body,
				CreatedBy: by, AttachmentName: icsName(b), Attachment: s.bookingEvent(base, b, loc)})
		}
		return out
	}
}

// firmRecipients are the firm's active users.
func (s *Server) firmRecipients(ctx context.Context, firmID int64) []*auth.User {
	var to []*auth.User
	if users, err := s.store.UsersOfFirm(ctx, firmID); err == nil {
		for _, u := range users {
			if u.Status == auth.StatusActive {
				to = append(to, u)
			}
		}
	}
	return to
}
