package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"dxready/advisors"
	"dxready/auth"
	"dxready/locale"
	"dxready/store"
)

// The fair use of the advisors by default, and the most either limit may
// be set to (the flags --max-open-bookings and
// --max-open-bookings-per-advisor).
const (
	DefaultMaxOpenBookings           = advisors.DefaultMaxOpenPerFirm
	DefaultMaxOpenBookingsPerAdvisor = advisors.DefaultMaxOpenPerFirmAdvisor
	MaxOpenBookingsLimit             = advisors.MaxOpenLimit
)

// bookingLimits reads the fair-use limits of cfg: zero means the default,
// anything else must lie in 1…advisors.MaxOpenLimit.
func bookingLimits(cfg Config) (advisors.Limits, error) {
	l := advisors.DefaultLimits()
	if cfg.MaxOpenBookings != 0 {
		l.PerFirm = cfg.MaxOpenBookings
	}
	if cfg.MaxOpenBookingsPerAdvisor != 0 {
		l.PerFirmAdvisor = cfg.MaxOpenBookingsPerAdvisor
	}
	if !l.Valid() {
		return l, fmt.Errorf("web: open booking limits must be 1…%d, not %d and %d", advisors.MaxOpenLimit, l.PerFirm, l.PerFirmAdvisor)
	}
	return l, nil
}

// linkBase is where links in messages and calendar files point: the
// configured public address, else the configured listen address. A
// request's Host header is never used: the client chooses it, and a
// forged one would send recipients elsewhere.
func (s *Server) linkBase() string {
	return LinkBase(s.cfg.BaseURL, s.cfg.ListenAddr, s.cfg.SecureCookies)
}

// LinkBase is linkBase for a configuration: baseURL (--base-url) when
// set, else http(s):// and listenAddr (--addr); secure: https.
func LinkBase(baseURL, listenAddr string, secure bool) string {
	if baseURL != "" {
		return strings.TrimRight(baseURL, "/")
	}
	scheme, addr := "http", listenAddr
	if secure {
		scheme = "https"
	}
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	return scheme + "://" + addr
}

// bookingEvent is the booking as an .ics file, worded in loc's language,
// with links on base. An online consultation's meeting link is its URL
// and its LOCATION.
func (s *Server) bookingEvent(base string, b *store.Booking, loc *locale.Localizer) []byte {
	topics := pillarNames(s.defaultInstrument(), b.Pillars, loc.Lang)
	desc := loc.T("ics.description", "Advisor", b.AdvisorName, "Firm", b.FirmName, "Pillars", strings.Join(topics, ", "),
		"Link", base+bookingURL(b.ID, ""))
	link := b.Link()
	if link != "" {
		desc += "\n" + loc.T("ics.meeting", "URL", link)
	}
	if b.Note != "" {
		desc += "\n\n" + b.Note
	}
	where := loc.T("booking.mode." + b.Mode)
	if link != "" {
		where = link
	}
	return advisors.ICS(advisors.Event{UID: eventUID(base, b.ID), Sequence: b.Sequence, Start: b.Start, End: b.End,
		Stamp: b.UpdatedAt, Summary: loc.T("ics.summary", "Advisor", b.AdvisorName, "Firm", b.FirmName), Description: desc,
		Location: where, URL: link, Cancelled: b.Status == store.BookingCancelled})
}

// eventUID is booking id's calendar UID: the booking and the host of the
// portal's public address (--base-url, else --addr), so two deployments
// (a test and the live portal) never share one, and one booking keeps it
// through every change, which then replaces the same event.
func eventUID(base string, id int64) string {
	host := "dxready.invalid"
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		host = strings.ToLower(u.Host)
	}
	return fmt.Sprintf("booking-%d@%s", id, host)
}

// meetingLine is the line of a message that gives the meeting link, with
// its line break; "" without one.
func meetingLine(b *store.Booking, loc *locale.Localizer) string {
	if link := b.Link(); link != "" {
		return "\n" + loc.T("mail.booking.meeting", "URL", link)
	}
	return ""
}

// bookingEventMessages composes the messages of a booking change from its
// event row, after the change committed: the booking as it was at that
// change, to each active user of the firm and to the advisor.
func (s *Server) bookingEventMessages(ctx context.Context, ev store.BookingEvent) ([]*store.Message, error) {
	b, err := s.store.FindBooking(ctx, ev.BookingID)
	if err != nil {
		return nil, err
	}
	if ev.Kind == store.MessagesRating {
		return s.ratingMessages(ctx, s.linkBase(), ev.As(b), ev.UserID)
	}
	return s.bookingMessages(ctx, s.linkBase(), ev.As(b), ev.Kind, ev.UserID)
}

// bookingMessages composes the messages of a booking event (kind
// confirmed, changed, cancelled, link or reminder): one to each active user of
// the firm and one to the advisor, each in the recipient's language, with
// the .ics, links on base. by is the user who caused it; 0 for the portal
// itself. Any
// error reading the recipients fails the whole composition, to be retried:
// a message silently left out is the failure this guards against.
func (s *Server) bookingMessages(ctx context.Context, base string, b *store.Booking, kind string, by int64) ([]*store.Message, error) {
	to, err := s.firmRecipients(ctx, b.FirmID)
	if err != nil {
		return nil, err
	}
	adv, err := s.store.FindUserByID(ctx, b.AdvisorID)
	if err != nil {
		return nil, err
	}
	// The advisor who changed a link knows it: only the others are told.
	if adv.Status == auth.StatusActive && (kind != store.MessagesLink || adv.ID != by) {
		to = append(to, adv)
	}
	var out []*store.Message
	for _, u := range to {
		loc := s.bundle.For(u.Lang)
		when := slotLabel(b.Period, loc)
		body := loc.T("mail.booking."+kind+".body", "Name", u.Name, "Advisor", b.AdvisorName, "Firm", b.FirmName, "When", when,
			"Mode", loc.T("booking.mode."+b.Mode), "Reason", b.Reason, "Link", base+bookingURL(b.ID, ""), "Meeting", meetingLine(b, loc))
		if b.OnBehalf && kind == store.MessagesConfirmed {
			body = loc.T("mail.booking.on_behalf", "Firm", b.FirmName) + "\n\n" + body
		}
		out = append(out, &store.Message{Kind: "booking." + kind, DedupeKey: fmt.Sprintf("booking:%d:%s:%d:%d", b.ID, kind, b.Sequence, u.ID),
			To: u.Email, Lang: loc.Lang, Subject: loc.T("mail.booking."+kind+".subject", "When", when), Body: body,
			CreatedBy: by, AttachmentName: icsName(b), Attachment: s.bookingEvent(base, b, loc)})
	}
	return out, nil
}

// firmRecipients are the firm's active, verified users (an open claim is told nothing of the firm).
func (s *Server) firmRecipients(ctx context.Context, firmID int64) ([]*auth.User, error) {
	users, err := s.store.UsersOfFirm(ctx, firmID)
	if err != nil {
		return nil, err
	}
	var to []*auth.User
	for _, u := range users {
		if u.Status == auth.StatusActive && u.FirmVerified {
			to = append(to, u)
		}
	}
	return to, nil
}

// Composition retries: the first after composeRetryMin, doubling up to
// composeRetryMax; the worker looks for due events every composeEvery.
const (
	composeRetryMin = 30 * time.Second
	composeRetryMax = time.Hour
	composeEvery    = 10 * time.Second
	composeBatch    = 100
)

// ComposeBookingMessages composes and queues the messages of every booking
// change that is due (bookingID > 0: that booking's only) and returns how
// many changes it completed. A change whose composition fails is logged
// and deferred for a retry, never dropped; the error returned is the first
// such failure, or the store's.
func (s *Server) ComposeBookingMessages(ctx context.Context, bookingID int64) (int, error) {
	evs, err := s.store.DueBookingEvents(ctx, bookingID, composeBatch)
	if err != nil {
		return 0, err
	}
	done, first := 0, error(nil)
	for _, ev := range evs {
		ms, err := s.composeBooking(ctx, ev)
		if err == nil {
			_, err = s.store.CompleteBookingEvent(ctx, ev.ID, ms)
		}
		if err != nil {
			wait := min(composeRetryMin<<min(ev.Attempts, 10), composeRetryMax)
			s.log.Error("compose booking messages", "event", ev.ID, "booking", ev.BookingID, "kind", ev.Kind, "attempt", ev.Attempts+1,
				"retry_in", wait, "err", err)
			if derr := s.store.DeferBookingEvent(ctx, ev.ID, err.Error(), s.now().Add(wait)); derr != nil {
				err = errors.Join(err, derr)
			}
			if first == nil {
				first = err
			}
			continue
		}
		done++
	}
	return done, first
}

// composeAfterCommit composes a change's messages at once, after the
// request's transaction committed, so they usually leave with the
// redirect; a failure is logged and left to RunBookingMessages.
func (s *Server) composeAfterCommit(ctx context.Context, bookingID int64) {
	if _, err := s.ComposeBookingMessages(context.WithoutCancel(ctx), bookingID); err != nil {
		s.log.Warn("booking messages left for the retry worker", "booking", bookingID, "err", err)
	}
}

// RunBookingMessages composes due booking messages every few seconds
// until ctx ends: the retry path of every booking change, so that a
// committed change always ends with its messages queued. serve starts it
// beside the outbox sender and waits for it to return.
func (s *Server) RunBookingMessages(ctx context.Context) {
	t := time.NewTicker(composeEvery)
	defer t.Stop()
	for {
		if n, err := s.ComposeBookingMessages(ctx, 0); err != nil && ctx.Err() == nil {
			s.log.Error("booking messages", "composed", n, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
