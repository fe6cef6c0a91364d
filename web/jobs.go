package web

import (
	"context"
	"errors"
	"fmt"
	"time"

	"dxready/store"
)

// Follow-up timing: a reminder goes out once a confirmed consultation is
// this close; a firm that has not re-assessed this long after a completed
// consultation is invited to, once, if it ended no more than
// reassessWindow before that (older ones are not chased).
const (
	reminderLead   = 24 * time.Hour
	reassessAfter  = 90 * 24 * time.Hour
	reassessWindow = 30 * 24 * time.Hour
	jobEvery       = time.Minute
)

// QueueFollowUps queues the reminders of consultations starting within
// reminderLead, and the invitations to re-assess, with links on base.
// Each message's dedupe key (booking, kind, sequence, recipient) makes
// running it again, or on two servers, queue nothing twice; a rescheduled
// booking gets a new reminder for its new time.
func (s *Server) QueueFollowUps(ctx context.Context, base string) (reminders, invites int, err error) {
	now := s.now()
	soon, err := s.store.Bookings(ctx, store.BookingFilter{From: now, To: now.Add(reminderLead), Statuses: []string{store.BookingConfirmed}})
	if err != nil {
		return 0, 0, err
	}
	for _, b := range soon {
		ms, err := s.bookingMessages(ctx, base, b, "reminder", 0)
		if err != nil {
			return reminders, invites, err
		}
		n, err := s.queueAll(ctx, ms)
		if err != nil {
			return reminders, invites, err
		}
		reminders += n
	}
	done, err := s.store.Bookings(ctx, store.BookingFilter{From: now.Add(-reassessAfter - reassessWindow), To: now.Add(-reassessAfter),
		Statuses: []string{store.BookingDone}})
	if err != nil {
		return reminders, invites, err
	}
	for _, b := range done {
		subs, err := s.store.Submissions(ctx, b.FirmID)
		if err != nil {
			return reminders, invites, err
		}
		if len(subs) > 0 && subs[0].SubmittedAt.After(b.End) {
			continue // already re-assessed
		}
		ms, err := s.reassessMessages(ctx, base, b)
		if err != nil {
			return reminders, invites, err
		}
		n, err := s.queueAll(ctx, ms)
		if err != nil {
			return reminders, invites, err
		}
		invites += n
	}
	return reminders, invites, nil
}

// queueAll queues ms, counting the new ones (a taken key is no error). A
// recipient whose address is not verified yet is skipped and logged: the
// others still get theirs.
func (s *Server) queueAll(ctx context.Context, ms []*store.Message) (int, error) {
	n := 0
	for _, m := range ms {
		switch err := s.store.Queue(ctx, m); {
		case err == nil:
			n++
		case errors.Is(err, store.ErrUnverifiedRecipient):
			s.log.Info("message skipped: address not verified", "kind", m.Kind, "key", m.DedupeKey)
		case !errors.Is(err, store.ErrDuplicate):
			return n, err
		}
	}
	return n, nil
}

// reassessMessages invite each active user of b's firm, in their language,
// to take the assessment again and see the change since the consultation.
func (s *Server) reassessMessages(ctx context.Context, base string, b *store.Booking) ([]*store.Message, error) {
	to, err := s.firmRecipients(ctx, b.FirmID)
	if err != nil {
		return nil, err
	}
	var out []*store.Message
	for _, u := range to {
		loc := s.bundle.For(u.Lang)
		out = append(out, &store.Message{Kind: "reassess", DedupeKey: fmt.Sprintf("booking:%d:reassess:%d", b.ID, u.ID), To: u.Email,
			Lang: loc.Lang, Subject: loc.T("mail.reassess.subject"),
			Body: loc.T("mail.reassess.body", "Name", u.Name, "Firm", b.FirmName, "Advisor", b.AdvisorName,
				"Date", loc.Date(b.Start), "Link", base+"/assessment"),
		})
	}
	return out, nil
}

// RunFollowUps queues follow-ups every minute until ctx ends.
func (s *Server) RunFollowUps(ctx context.Context, base string) {
	t := time.NewTicker(jobEvery)
	defer t.Stop()
	for {
		if r, i, err := s.QueueFollowUps(ctx, base); err != nil && ctx.Err() == nil {
			s.log.Error("follow-up messages", "err", err)
		} else if r+i > 0 {
			s.log.Info("follow-up messages queued", "reminders", r, "reassess_invitations", i)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
