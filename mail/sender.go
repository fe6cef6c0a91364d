package mail

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"dxready/store"
)

// Queue is what the sender needs of the store.
type Queue interface {
	ClaimDue(ctx context.Context, n int, lease time.Duration) ([]store.Message, error)
	MarkSent(ctx context.Context, id int64) error
	MarkFailed(ctx context.Context, id int64, cause string, next time.Time) error
}

// Sender delivers due messages from Queue through Transport.
type Sender struct {
	Queue     Queue
	Transport Transport
	Logger    *slog.Logger
	// Now is the portal's clock, the one the store reads (required): a
	// retry time and the store's "due" must come from one clock.
	Now func() time.Time
	// Batch messages are claimed at a time, for Lease; each send may take
	// at most SendTimeout, so a batch ends well within its lease.
	Batch       int
	Lease       time.Duration
	SendTimeout time.Duration
	// Every is the pause between rounds when the queue is empty.
	Every time.Duration
}

// Defaults for the fields left zero.
const (
	defaultBatch       = 20
	defaultSendTimeout = 30 * time.Second
	defaultEvery       = 5 * time.Second
)

// Backoff is the pause before attempt n+1 after n failed attempts: 30 s,
// doubling, at most 6 hours. A message is never given up: the outbox page
// shows it as failing until it goes out or the admin sees why.
func Backoff(failed int) time.Duration {
	const first, most = 30 * time.Second, 6 * time.Hour
	d := first
	for i := 1; i < failed && d < most; i++ {
		d *= 2
	}
	return min(d, most)
}

func (s *Sender) defaults() {
	if s.Batch <= 0 {
		s.Batch = defaultBatch
	}
	if s.SendTimeout <= 0 {
		s.SendTimeout = defaultSendTimeout
	}
	if s.Lease <= 0 {
		s.Lease = time.Duration(s.Batch+1) * s.SendTimeout
	}
	if s.Every <= 0 {
		s.Every = defaultEvery
	}
}

// errNoClock is what a Sender without its clock answers.
var errNoClock = errors.New("mail: Sender.Now is required")

// Round claims one batch and tries each message once; it returns how many
// went out and how many failed.
func (s *Sender) Round(ctx context.Context) (sent, failed int, err error) {
	s.defaults()
	if s.Now == nil {
		return 0, 0, errNoClock
	}
	msgs, err := s.Queue.ClaimDue(ctx, s.Batch, s.Lease)
	if err != nil {
		return 0, 0, err
	}
	for i := range msgs {
		m := &msgs[i]
		sctx, cancel := context.WithTimeout(ctx, s.SendTimeout)
		serr := s.Transport.Send(sctx, m)
		cancel()
		// The outcome is recorded even when ctx ends now: a sent message
		// not marked would go out again after the lease.
		mctx := context.WithoutCancel(ctx)
		if serr == nil {
			if err := s.Queue.MarkSent(mctx, m.ID); err != nil {
				return sent, failed, err
			}
			sent++
			continue
		}
		failed++
		next := s.Now().Add(Backoff(m.Attempts + 1))
		s.Logger.Warn("message not delivered", "id", m.ID, "kind", m.Kind, "attempt", m.Attempts+1, "retry_at", next.UTC(), "err", serr)
		if err := s.Queue.MarkFailed(mctx, m.ID, serr.Error(), next); err != nil {
			return sent, failed, err
		}
	}
	return sent, failed, nil
}

// Run delivers until ctx ends: a round at once, and again after Every
// (at once when a full batch suggests more are waiting). It returns when
// ctx ends, or at once with an error when the Sender has no clock.
func (s *Sender) Run(ctx context.Context) error {
	s.defaults()
	if s.Now == nil {
		return errNoClock
	}
	for {
		sent, failed, err := s.Round(ctx)
		if err != nil && ctx.Err() == nil {
			s.Logger.Error("outbox round", "err", err)
		}
		wait := s.Every
		if err == nil && sent+failed == s.Batch {
			wait = 0
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
}
