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

// bookingEvent is the booking as an .ics file, worded in loc's language.
func (s *Server) bookingEvent(r *http.Request, b *store.Booking, loc *locale.Localizer) []byte {
	in := s.defaultInstrument()
	var topics []string
	for _, id := range b.Pillars {
		if pl, ok := in.Pillar(id); ok {
			topics = append(topics, pl.Name.In(loc.Lang))
		}
	}
	desc := loc.T("ics.description", "Advisor", b.AdvisorName, "Firm", b.FirmName, "Pillars", strings.Join(topics, ", "),
		"Link", s.absURL(r, bookingURL(b.ID, "")))
	if b.Note != "" {
		desc += "\n\n" + b.Note
	}
	return advisors.ICS(advisors.Event{UID: fmt.Sprintf("booking-%d@dxready", b.ID), Sequence: b.Sequence, Start: b.Start, End: b.End,
		Stamp: b.UpdatedAt, Summary: loc.T("ics.summary", "Advisor", b.AdvisorName, "Firm", b.FirmName), Description: desc,
		Location: loc.T("booking.mode." + b.Mode), Cancelled: b.Status == store.BookingCancelled})
}

// absURL makes a link for a message, on the host the request came to.
func (s *Server) absURL(r *http.Request, path string) string {
	scheme := "http"
	if s.cfg.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// bookingMessages composes the messages of a booking change (kind
// confirmed, changed or cancelled): one to each active user of the firm
// and one to the advisor, each in the recipient's language, with the .ics.
func (s *Server) bookingMessages(r *http.Request, kind string) store.Composer {
	ctx := context.WithoutCancel(r.Context())
	return func(b *store.Booking) []*store.Message {
		var to []*auth.User
		if users, err := s.store.UsersOfFirm(ctx, b.FirmID); err == nil {
			for _, u := range users {
				if u.Status == auth.StatusActive {
					to = append(to, u)
				}
			}
		}
		if adv, err := s.store.FindUserByID(ctx, b.AdvisorID); err == nil {
			to = append(to, adv)
		}
		var out []*store.Message
		for _, u := range to {
			loc := s.bundle.For(u.Lang)
			when := slotLabel(b.Period, loc)
			body := loc.T("mail.booking."+kind+".body", "Name", u.Name, "Advisor", b.AdvisorName, "Firm", b.FirmName, "When", when,
				"Mode", loc.T("booking.mode."+b.Mode), "Reason", b.Reason, "Link", s.absURL(r, bookingURL(b.ID, "")))
			out = append(out, &store.Message{Kind: "booking." + kind, DedupeKey: fmt.Sprintf("booking:%d:%s:%d:%d", b.ID, kind, b.Sequence, u.ID),
				To: u.Email, Lang: loc.Lang, Subject: loc.T("mail.booking."+kind+".subject", "When", when), Body: body,
				CreatedBy: currentUser(r).ID, AttachmentName: icsName(b), Attachment: s.bookingEvent(r, b, loc)})
		}
		return out
	}
}
