package store_test

import (
	"errors"
	"sync"
	"testing"

	"dxready/auth"
	"dxready/store"
	"dxready/store/storetest"
)

// reserveAtOnce sends n tries at once on each of hashes (a nil hash: the
// account alone) and returns how many were let through to be checked.
func reserveAtOnce(s *store.Store, userID int64, hashes [][]byte, n int) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	passed := 0
	start := make(chan struct{})
	for _, h := range hashes {
		for range n {
			wg.Go(func() {
				<-start
				if _, err := s.ReserveCodeTry(ctx, userID, h); err == nil {
					mu.Lock()
					passed++
					mu.Unlock()
				}
			})
		}
	}
	close(start)
	wg.Wait()
	return passed
}

// Tries sent at once never pass the limits: MaxCodeTries per pending
// sign-in, MaxCodeFailures per account, each counted before its check.
func TestReserveCodeTryHoldsInParallel(t *testing.T) {
	s, fx := storetest.Open(t)
	p := openPending(t, s, fx, fx.Admin.ID, "p1")
	if got := reserveAtOnce(s, fx.Admin.ID, [][]byte{p.TokenHash}, 30); got != auth.MaxCodeTries {
		t.Fatalf("30 tries at once on one pending sign-in: %d checked, want %d", got, auth.MaxCodeTries)
	}
	if got := reserveAtOnce(s, fx.Admin.ID, [][]byte{nil}, 40); got != auth.MaxCodeFailures-auth.MaxCodeTries {
		t.Fatalf("40 tries at once on the account: %d checked, want %d", got, auth.MaxCodeFailures-auth.MaxCodeTries)
	}
	if _, err := s.ReserveCodeTry(ctx, fx.Admin.ID, nil); err != auth.ErrCodeTooMany {
		t.Fatalf("past the limit: %v", err)
	}
	// A refused try costs the pending sign-in nothing.
	q := openPending(t, s, fx, fx.Admin.ID, "p2")
	if _, err := s.ReserveCodeTry(ctx, fx.Admin.ID, q.TokenHash); err != auth.ErrCodeTooMany {
		t.Fatalf("past the limit with a pending sign-in: %v", err)
	}
	if got, _ := s.FindPendingSignIn(ctx, q.TokenHash); got.Failures != 0 {
		t.Fatalf("a refused try counted on the pending sign-in: %d", got.Failures)
	}
	// Another user's pending sign-in is no way into this account's tries.
	if _, err := s.ReserveCodeTry(ctx, fx.Lead.ID, q.TokenHash); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another user's pending sign-in: %v", err)
	}
}

// A user keeps at most MaxPendingSignIns open: a new one replaces the
// oldest, other users' stay.
func TestPendingSignInsPerUserAreCapped(t *testing.T) {
	s, fx := storetest.Open(t)
	other := openPending(t, s, fx, fx.Lead.ID, "lead")
	var ps []*store.PendingSignIn
	for i := range 6 {
		ps = append(ps, openPending(t, s, fx, fx.Admin.ID, "p"+string(rune('a'+i))))
	}
	for i, p := range ps {
		_, err := s.FindPendingSignIn(ctx, p.TokenHash)
		if live := err == nil; live != (i >= len(ps)-auth.MaxPendingSignIns) {
			t.Errorf("pending sign-in %d of %d: live = %v (%v)", i+1, len(ps), live, err)
		}
	}
	if _, err := s.FindPendingSignIn(ctx, other.TokenHash); err != nil {
		t.Fatalf("another user's pending sign-in went: %v", err)
	}
}
