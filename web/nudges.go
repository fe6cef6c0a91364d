package web

import (
	"context"
	"errors"
	"fmt"
	"time"

	"dxready/advisors"
	"dxready/auth"
	"dxready/nudge"
	"dxready/store"
)

// The nudge worker's pace: it runs every nudgeEvery, and reads at most
// nudgePages pages of nudgeBatch candidates of each kind a run, so one
// run's work is bounded whatever the number of firms; what is left waits
// for the next run (the cursor keeps the place).
const (
	nudgeEvery = 15 * time.Minute
	nudgeBatch = 200
	nudgePages = 5
	// nudgeSettle: no-shows marked this recently wait for the next run,
	// so that one committed a moment late is not passed by the cursor.
	nudgeSettle = time.Minute
)

// nudgeWindow is where the worker looks at now (package nudge's timing).
func nudgeWindow(now time.Time) store.NudgeWindow {
	today := now.In(advisors.Zone)
	w := store.NudgeWindow{DueBy: nudge.DueBy(today)}
	_, w.SinceDue = nudge.Since(nudge.Action, now, today)
	return w
}

// QueueNudges decides the nudges due at this moment, kind by kind, and
// returns how many messages it queued of each. Each subject is decided
// once (store.DecideNudge, with nudge.Allowed), so running it again, after
// a restart or on two servers, queues nothing twice.
func (s *Server) QueueNudges(ctx context.Context, base string) (map[nudge.Kind]int, error) {
	now := s.now()
	out := map[nudge.Kind]int{}
	for _, k := range nudge.Kinds {
		w := nudgeWindow(now)
		w.Since, _ = nudge.Since(k, now, now.In(advisors.Zone))
		w.Before = now.Add(-nudgeSettle)
		if k == nudge.Draft {
			w.Before = nudge.StaleBefore(now)
		}
		n, err := s.queueNudgesOf(ctx, base, k, w)
		out[k] = n
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

func (s *Server) queueNudgesOf(ctx context.Context, base string, k nudge.Kind, w store.NudgeWindow) (int, error) {
	total, after := 0, int64(0)
	for range nudgePages {
		cs, err := s.store.NudgeCandidates(ctx, string(k), w, after, nudgeBatch)
		if err != nil {
			return total, err
		}
		for _, c := range cs {
			n, err := s.composeNudge(ctx, base, c)
			if err != nil {
				return total, err
			}
			q, err := s.store.DecideNudge(ctx, n, w.Before, nudge.Allowed)
			if err != nil && !errors.Is(err, store.ErrDuplicate) {
				return total, err
			}
			total += q
			w.SinceDue, after = c.Due, c.SubjectID
		}
		if len(cs) < nudgeBatch {
			break
		}
	}
	return total, nil
}

// nudgeRecipients are who a nudge about c goes to: a claimant's private
// draft, its owner; an advisor's action item, the advisor; otherwise the
// firm's active, verified users.
func (s *Server) nudgeRecipients(ctx context.Context, c store.NudgeCandidate) ([]*auth.User, error) {
	if c.OwnerID == 0 {
		return s.firmRecipients(ctx, c.FirmID)
	}
	u, err := s.store.FindUserByID(ctx, c.OwnerID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Status != auth.StatusActive) {
		return nil, nil
	}
	return []*auth.User{u}, err
}

// composeNudge composes the messages of a nudge about c: one to each
// recipient who has not opted out of its kind, in their language, each
// with its own opt-out link (in the text and in its List-Unsubscribe
// header). None when the rule says the subject needs no nudge (a firm
// that missed a consultation and booked again; a candidate the store's
// window let through that package nudge does not find due).
func (s *Server) composeNudge(ctx context.Context, base string, c store.NudgeCandidate) (*store.Nudge, error) {
	n := &store.Nudge{Candidate: c}
	due, err := s.nudgeDue(ctx, c)
	if err != nil || !due {
		return n, err
	}
	to, err := s.nudgeRecipients(ctx, c)
	if err != nil {
		return nil, err
	}
	for _, u := range to {
		opted, err := s.store.OptedOut(ctx, u.ID, c.Kind)
		if err != nil {
			return nil, err
		}
		if !nudge.Send(u.EmailVerified, opted) {
			continue
		}
		token, hash, err := newLinkToken()
		if err != nil {
			return nil, err
		}
		n.Messages = append(n.Messages, s.nudgeMessage(base, c, u, base+"/nudges/stop/"+token))
		n.Links = append(n.Links, store.NudgeLink{Hash: hash, UserID: u.ID, Kind: c.Kind})
	}
	return n, nil
}

// nudgeDue asks package nudge whether c is due its nudge now: the store
// found it within a window drawn from the same rules, and no-shows need
// the firm's bookings since.
func (s *Server) nudgeDue(ctx context.Context, c store.NudgeCandidate) (bool, error) {
	now := s.now()
	switch c.Kind {
	case store.NudgeDraft:
		return nudge.DraftStale(c.At, false, now), nil
	case store.NudgeAction:
		return nudge.ActionDue(c.Due, false, now.In(advisors.Zone)), nil
	}
	held, _, err := s.store.HeldBookings(ctx, c.FirmID)
	return err == nil && nudge.NoShowOffer(len(held) > 0), err
}

// nudgeMessage is the nudge about c to u, in u's language, with its
// opt-out link stop.
func (s *Server) nudgeMessage(base string, c store.NudgeCandidate, u *auth.User, stop string) *store.Message {
	loc := s.bundle.For(u.Lang)
	link, date := base+"/assessment", ""
	switch c.Kind {
	case store.NudgeDraft:
		date = loc.Date(c.At)
	case store.NudgeAction:
		link = base + bookingURL(c.BookingID, "")
		if d, err := time.ParseInLocation(time.DateOnly, c.Due, advisors.Zone); err == nil {
			date = loc.Date(d)
		}
	case store.NudgeNoShow:
		link, date = base+"/advisors", loc.DateTime(c.Start)
	}
	body := loc.T("mail.nudge."+c.Kind+".body", "Name", u.Name, "Firm", c.FirmName, "Date", date, "Text", c.Text,
		"Advisor", c.Advisor, "Link", link) + "\n\n" + loc.T("mail.nudge.optout", "Kind", loc.T("nudge.kind."+c.Kind), "Link", stop)
	return &store.Message{Kind: "nudge." + c.Kind, DedupeKey: fmt.Sprintf("nudge:%s:%d:%d", c.Kind, c.SubjectID, u.ID), To: u.Email,
		Lang: loc.Lang, Subject: loc.T("mail.nudge."+c.Kind+".subject", "Firm", c.FirmName, "Date", date), Body: body, ListUnsubscribe: stop}
}

// RunNudges queues the nudges due every nudgeEvery until ctx ends.
func (s *Server) RunNudges(ctx context.Context, base string) {
	t := time.NewTicker(nudgeEvery)
	defer t.Stop()
	for {
		if n, err := s.QueueNudges(ctx, base); err != nil && ctx.Err() == nil {
			s.log.Error("nudges", "queued", n, "err", err)
		} else if n[nudge.Draft]+n[nudge.Action]+n[nudge.NoShow] > 0 {
			s.log.Info("nudges queued", "drafts", n[nudge.Draft], "action_items", n[nudge.Action], "no_shows", n[nudge.NoShow])
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
