package mail_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"dxready/mail"
	"dxready/store"
	"dxready/store/storetest"
)

var ctx = context.Background()

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// recorder is a transport that counts deliveries per message and fails
// the first failFirst attempts at each.
type recorder struct {
	mu        sync.Mutex
	sent      map[int64]int
	tries     map[int64]int
	failFirst int
}

func (r *recorder) Send(_ context.Context, m *store.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sent == nil {
		r.sent, r.tries = map[int64]int{}, map[int64]int{}
	}
	r.tries[m.ID]++
	if r.tries[m.ID] <= r.failFirst {
		return errors.New("421 try again later")
	}
	r.sent[m.ID]++
	return nil
}

func queueN(t *testing.T, s *store.Store, n int) {
	t.Helper()
	for i := range n {
		m := &store.Message{Kind: "test", DedupeKey: fmt.Sprintf("t:%d", i), To: fmt.Sprintf("u%d@example.vn", i), Lang: "vi",
			Subject: "Nhắc lịch", Body: "Xin chào"}
		if err := s.Queue(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Queue(ctx, &store.Message{Kind: "test", DedupeKey: "t:0", To: "x@example.vn", Lang: "vi"}); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("same dedupe key queued twice: %v", err)
	}
}

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		failed int
		want   time.Duration
	}{{1, 30 * time.Second}, {2, time.Minute}, {3, 2 * time.Minute}, {9, 256 * 30 * time.Second}, {10, 512 * 30 * time.Second}, {11, 6 * time.Hour}, {40, 6 * time.Hour}} {
		if got := mail.Backoff(c.failed); got != c.want {
			t.Errorf("Backoff(%d) = %v, want %v", c.failed, got, c.want)
		}
	}
}

// Two senders at once over 150 messages deliver each exactly once.
func TestSendersNeverSendTwice(t *testing.T) {
	s, fx := storetest.Open(t)
	queueN(t, s, 150)
	rec := &recorder{}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			snd := &mail.Sender{Queue: s, Transport: rec, Logger: quiet, Now: fx.Clock.Now, Batch: 7}
			for {
				sent, failed, err := snd.Round(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if sent+failed == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(rec.sent) != 150 {
		t.Fatalf("%d messages delivered, want 150", len(rec.sent))
	}
	for id, n := range rec.sent {
		if n != 1 {
			t.Errorf("message %d delivered %d times", id, n)
		}
	}
	if c, _ := s.OutboxCounts(ctx); c[store.OutboxSent] != 150 || c[store.OutboxPending] != 0 {
		t.Errorf("counts %v", c)
	}
}

// A failure is recorded with its cause and retried after the backoff,
// not before; then it goes out once.
func TestSenderRetriesWithBackoff(t *testing.T) {
	s, fx := storetest.Open(t)
	queueN(t, s, 1)
	rec := &recorder{failFirst: 2}
	snd := &mail.Sender{Queue: s, Transport: rec, Logger: quiet, Now: fx.Clock.Now} // the store's clock
	round := func(wantSent, wantFailed int) {
		t.Helper()
		sent, failed, err := snd.Round(ctx)
		if err != nil || sent != wantSent || failed != wantFailed {
			t.Fatalf("round at %v: sent %d failed %d err %v; want %d, %d", fx.Clock.Now(), sent, failed, err, wantSent, wantFailed)
		}
	}
	round(0, 1)
	out, _ := s.OutboxIn(ctx, store.OutboxFailing, 10)
	if len(out) != 1 || out[0].Attempts != 1 || out[0].LastError != "421 try again later" {
		t.Fatalf("failing: %+v", out)
	}
	round(0, 0) // not due yet
	fx.Clock.Add(29 * time.Second)
	round(0, 0)
	fx.Clock.Add(time.Second)
	round(0, 1) // second failure: next in 1 minute
	fx.Clock.Add(59 * time.Second)
	round(0, 0)
	fx.Clock.Add(time.Second)
	round(1, 0)
	round(0, 0)
	out, _ = s.OutboxIn(ctx, store.OutboxSent, 10)
	if len(out) != 1 || out[0].Attempts != 3 || out[0].LastError != "" || rec.sent[out[0].ID] != 1 {
		t.Fatalf("sent: %+v, deliveries %v", out, rec.sent)
	}
}

// A sender that claimed messages and died leaves them to the next one
// once the lease ends: nothing is lost across a restart.
func TestClaimSurvivesRestart(t *testing.T) {
	s, fx := storetest.Open(t)
	queueN(t, s, 3)
	claimed, err := s.ClaimDue(ctx, 10, 2*time.Minute) // the sender dies here
	if err != nil || len(claimed) != 3 {
		t.Fatalf("claimed %d, %v", len(claimed), err)
	}
	if again, _ := s.ClaimDue(ctx, 10, 2*time.Minute); len(again) != 0 {
		t.Fatalf("claimed twice within the lease: %d", len(again))
	}
	fx.Clock.Add(2 * time.Minute)
	rec := &recorder{}
	snd := &mail.Sender{Queue: s, Transport: rec, Logger: quiet, Now: fx.Clock.Now}
	if sent, _, err := snd.Round(ctx); err != nil || sent != 3 {
		t.Fatalf("after restart sent %d, %v", sent, err)
	}
}

// A sender must be given the portal's clock: without one it sends
// nothing and says why, rather than reading another clock.
func TestSenderWithoutClockRefuses(t *testing.T) {
	s, _ := storetest.Open(t)
	queueN(t, s, 1)
	rec := &recorder{}
	snd := &mail.Sender{Queue: s, Transport: rec, Logger: quiet}
	if _, _, err := snd.Round(ctx); err == nil {
		t.Fatal("a sender without a clock ran a round")
	}
	if err := snd.Run(ctx); err == nil {
		t.Fatal("a sender without a clock ran")
	}
	if len(rec.sent) != 0 {
		t.Fatalf("sent %v", rec.sent)
	}
}

func TestRetryNow(t *testing.T) {
	s, fx := storetest.Open(t)
	queueN(t, s, 1)
	snd := &mail.Sender{Queue: s, Transport: &recorder{failFirst: 1}, Logger: quiet, Now: fx.Clock.Now}
	snd.Round(ctx)
	out, _ := s.OutboxIn(ctx, store.OutboxFailing, 1)
	if len(out) != 1 {
		t.Fatal("no failing message")
	}
	if err := s.RetryNow(ctx, out[0].ID); err != nil {
		t.Fatal(err)
	}
	if sent, _, _ := snd.Round(ctx); sent != 1 {
		t.Fatal("retry now did not make the message due")
	}
	if err := s.RetryNow(ctx, out[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("retrying a sent message: %v", err)
	}
}
