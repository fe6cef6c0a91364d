package web

import (
	"context"
	"net/http"
	"sync"
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
	// hashing lets at most one registration hash at a time, so that
	// registrations take at most one of the hasher's slots and sign-ins
	// never queue behind a burst of them.
	hashing chan struct{}
}

func newRegisterThrottle() *registerThrottle {
	sinceFirst := func(c *failureCount, now time.Time) bool { return now.Sub(c.first) >= registerWindow }
	return &registerThrottle{clients: failures{m: map[string]*failureCount{}, expiry: sinceFirst}, hashing: make(chan struct{}, 1)}
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

// hashForRegistration hashes a new account's password in the one slot
// registrations share (see registerThrottle.hashing), and lets sign-ins in
// progress go first, for up to registerYield: an argon2 hash takes both
// cores of a small server, so even with a hasher slot of its own a sign-in
// waits while a registration hashes.
func (s *Server) hashForRegistration(ctx context.Context, password string) (string, error) {
	select {
	case s.registers.hashing <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-s.registers.hashing }()
	for waited := time.Duration(0); s.signin.checking.Load() > 0 && waited < registerYield; waited += registerPoll {
		select {
		case <-time.After(registerPoll):
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	return s.hasher.Hash(ctx, password)
}

// registerYield bounds how long a registration lets sign-ins go first, so
// a steady stream of them cannot starve it; registerPoll is how often it
// looks again.
const (
	registerYield = 2 * time.Second
	registerPoll  = 5 * time.Millisecond
)
