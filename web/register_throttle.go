package web

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Registration is throttled per client (IPv4 address or IPv6 /64): every
// POST /register counts, accepted or not, since each one may cost an
// argon2 hash. registerPerClient in registerWindow is generous: an
// association's workshop registering its 30 firms from one Wi-Fi gets
// through; a script making 194 accounts in 15 s does not. Like the sign-in
// counts, these live in memory, bounded, and a restart forgives them.
const (
	registerPerClient = 50
	registerWindow    = time.Hour
)

type registerThrottle struct {
	mu      sync.Mutex
	clients failures
	// hashing lets at most as many registrations near the hasher as it has
	// slots, so that a sign-in never queues behind a burst of them: it
	// waits at most for the hashes already running.
	hashing chan struct{}
	// active counts the registrations hashing; with the sign-ins being
	// checked it tells whether a slot is free that no sign-in needs.
	active atomic.Int64
}

// newRegisterThrottle returns the throttle for a hasher of slots slots.
func newRegisterThrottle(slots int) *registerThrottle {
	sinceFirst := func(c *failureCount, now time.Time) bool { return now.Sub(c.first) >= registerWindow }
	return &registerThrottle{clients: failures{m: map[string]*failureCount{}, expiry: sinceFirst}, hashing: make(chan struct{}, max(1, slots))}
}

// mayHash says whether a registration may hash now, with signins sign-ins
// being checked: only in a slot that none of them needs. Registrations
// used to hash one at a time and to wait whenever any sign-in was being
// checked, which left a core idle through most of a burst of sign-ups
// (64 at once took 7.7 s on 2 cores that were half idle).
func (t *registerThrottle) mayHash(signins int64) bool {
	return signins+t.active.Load() < int64(cap(t.hashing))
}

// allow counts an attempt from client at now and returns how long it must
// wait when it is over the limit (the attempt is then not counted).
func (t *registerThrottle) allow(client string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c := t.clients.get(client, now); c != nil && c.n >= registerPerClient {
		return c.first.Add(registerWindow).Sub(now)
	}
	t.clients.add(client, now)
	return 0
}

// registerAllowed is the registration throttle at the top of registerPost:
// false when this client has registered too often, having answered 429
// with a page that says so (and that nothing was saved).
func (s *Server) registerAllowed(w http.ResponseWriter, r *http.Request) bool {
	if s.registers.allow(clientKey(r), s.now()) > 0 {
		s.renderError(w, r, http.StatusTooManyRequests, "error.register.too_many")
		return false
	}
	return true
}

// hashForRegistration hashes a new account's password once it is near the
// hasher (registerThrottle.hashing) and a hasher slot is free that no
// sign-in being checked needs (mayHash), waiting up to registerYield for
// one: sign-ins go first, and a registration takes a core that would be
// idle otherwise.
func (s *Server) hashForRegistration(ctx context.Context, password string) (string, error) {
	select {
	case s.registers.hashing <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-s.registers.hashing }()
	for waited := time.Duration(0); !s.registers.mayHash(s.signin.checking.Load()) && waited < registerYield; waited += registerPoll {
		select {
		case <-time.After(registerPoll):
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	s.registers.active.Add(1)
	defer s.registers.active.Add(-1)
	return s.hasher.Hash(ctx, password)
}

// registerYield bounds how long a registration lets sign-ins go first, so
// a steady stream of them cannot starve it; registerPoll is how often it
// looks again.
const (
	registerYield = 2 * time.Second
	registerPoll  = 5 * time.Millisecond
)
