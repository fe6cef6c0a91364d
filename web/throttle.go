package web

import (
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"dxready/auth"
)

// Sign-in throttling that slows attackers and no one else (OWASP, "Slow
// Down Online Guessing Attacks with Device Cookies"). Only failures count;
// a successful sign-in never does, so a workshop of 30 firms on one Wi-Fi
// all get in. Failures are counted three ways:
//
//   - per account (the email typed, known or not, so the answer never tells
//     whether an account exists): after freeFailures in a row, each further
//     attempt from a browser without a device cookie for that account must
//     wait delayAfter(n), at most maxDelay. A delay, not a lockout: a
//     stranger slows guessing on the account but cannot shut the owner out,
//     whose browser holds a device cookie and is not slowed at all;
//   - per device cookie, the same way, so a stolen cookie does not give
//     unlimited guesses;
//   - per client (IPv4 address or IPv6 /64, see clientKey): clientFailures
//     in clientWindow, for browsers without a device cookie for the account.
//
// The counts live in memory, bounded (throttleCap entries per table; see
// makeRoom): a restart forgives everyone, which costs an attacker little
// since the delays are short anyway, and keeps the database out of every
// failed sign-in.
const (
	freeFailures   = 5
	maxDelay       = 5 * time.Minute
	accountForget  = time.Hour // failures are forgotten this long after the last one
	clientFailures = 100
	clientWindow   = 15 * time.Minute
	throttleCap    = 20_000
)

// delayAfter is how long an account (or device) must wait after its n-th
// failure in a row: nothing for the first freeFailures, then 2, 4, 8 …
// seconds, at most maxDelay.
func delayAfter(n int) time.Duration {
	if n <= freeFailures {
		return 0
	}
	k := n - freeFailures
	if k > 16 {
		return maxDelay
	}
	return min(time.Duration(1<<k)*time.Second, maxDelay)
}

// signinKeys is who a sign-in attempt counts against.
type signinKeys struct {
	account string // the normalised email; "" when it is not an email
	client  string // clientKey
	device  string // the nonce of the browser's device token for account, or ""
}

func (s *Server) signinKeys(r *http.Request, email string) signinKeys {
	return signinKeys{account: email, client: clientKey(r), device: s.deviceFor(r, email)}
}

// failures counts failures under one kind of key.
type failures struct {
	m      map[string]*failureCount
	expiry func(c *failureCount, now time.Time) bool
}

type failureCount struct {
	n           int
	first, last time.Time
}

type signinThrottle struct {
	mu                        sync.Mutex
	accounts, devices, client failures
	// checking counts sign-ins between begin and signinResult (hashing or
	// waiting to): registrations let them go first.
	checking atomic.Int64
}

func newSigninThrottle() *signinThrottle {
	sinceLast := func(c *failureCount, now time.Time) bool { return now.Sub(c.last) >= accountForget }
	sinceFirst := func(c *failureCount, now time.Time) bool { return now.Sub(c.first) >= clientWindow }
	return &signinThrottle{
		accounts: failures{m: map[string]*failureCount{}, expiry: sinceLast},
		devices:  failures{m: map[string]*failureCount{}, expiry: sinceLast},
		client:   failures{m: map[string]*failureCount{}, expiry: sinceFirst},
	}
}

func (f *failures) get(key string, now time.Time) *failureCount {
	c := f.m[key]
	if c == nil || f.expiry(c, now) {
		return nil
	}
	return c
}

func (f *failures) add(key string, now time.Time) {
	c := f.get(key, now)
	if c == nil {
		if len(f.m) >= throttleCap {
			f.makeRoom(now)
		}
		c = &failureCount{first: now}
		f.m[key] = c
	}
	c.n++
	c.last = now
}

// makeRoom bounds the table when an attacker sprays keys (addresses,
// emails): first the expired entries go, then, if that is not enough,
// entries still under their free failures, then any, down to 3/4 of the
// cap, so the sweep runs once per cap/4 new keys and not on every one.
func (f *failures) makeRoom(now time.Time) {
	target := throttleCap * 3 / 4
	for _, drop := range []func(*failureCount) bool{
		func(c *failureCount) bool { return f.expiry(c, now) },
		func(c *failureCount) bool { return c.n <= freeFailures },
		func(*failureCount) bool { return true },
	} {
		for k, c := range f.m {
			if len(f.m) <= target {
				return
			}
			if drop(c) {
				delete(f.m, k)
			}
		}
	}
}

// signinRefusal says why an attempt must wait, and how long.
type signinRefusal struct {
	network bool // the client's failures, not the account's
	wait    time.Duration
}

// begin says whether an attempt under k may go ahead at now and, when it
// may, counts it as a failure at once, before the password is checked:
// otherwise a burst of simultaneous guesses would all pass the check
// before the first failure was counted. passwordRight takes it back.
// A refused attempt is not counted, so waiting is never prolonged.
func (t *signinThrottle) begin(k signinKeys, now time.Time) *signinRefusal {
	t.mu.Lock()
	defer t.mu.Unlock()
	if r := t.refusal(k, now); r != nil {
		return r
	}
	t.checking.Add(1)
	if k.device != "" {
		t.devices.add(k.device, now)
		return nil
	}
	t.client.add(k.client, now)
	if k.account != "" {
		t.accounts.add(k.account, now)
	}
	return nil
}

func (t *signinThrottle) refusal(k signinKeys, now time.Time) *signinRefusal {
	if k.device != "" {
		if c := t.devices.get(k.device, now); c != nil {
			if wait := delayAfter(c.n) - now.Sub(c.last); wait > 0 {
				return &signinRefusal{wait: wait}
			}
		}
		return nil
	}
	if c := t.client.get(k.client, now); c != nil && c.n >= clientFailures {
		return &signinRefusal{network: true, wait: c.first.Add(clientWindow).Sub(now)}
	}
	if c := t.accounts.get(k.account, now); c != nil && k.account != "" {
		if wait := delayAfter(c.n) - now.Sub(c.last); wait > 0 {
			return &signinRefusal{wait: wait}
		}
	}
	return nil
}

// passwordRight takes back the failure begin counted: the password was
// right. The account's (or device's) run of failures ends; the client's
// count loses this attempt. A sign-in with a device cookie leaves the
// account's count alone: whoever is guessing elsewhere is still slowed.
func (t *signinThrottle) passwordRight(k signinKeys) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if k.device != "" {
		delete(t.devices.m, k.device)
		return
	}
	delete(t.accounts.m, k.account)
	if c := t.client.m[k.client]; c != nil && c.n > 0 {
		c.n--
	}
}

// forgive ends the account's run of failures: its password was just set
// by someone who proved they read its mail (a reset link).
func (t *signinThrottle) forgive(account string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.accounts.m, account)
}

// mailboxProven is called when a browser has just followed a link mailed
// to u (a reset or a verification): it proved it reads u's mail, which is
// as much as a sign-in proves, so it gets u's device cookie and is not
// slowed by failures others cause on the account. A stranger re-arming
// the account's delay every 5 minutes could otherwise keep the owner's new
// phone out for good, a reset by mail included. After a reset (newPassword)
// the account's run of failures is forgiven too: they were guesses at a
// password that no longer exists. A cookie that cannot be made is logged.
func (s *Server) mailboxProven(w http.ResponseWriter, r *http.Request, u *auth.User, newPassword bool) {
	if newPassword {
		s.signin.forgive(u.Email)
	}
	if err := s.rememberDevice(w, r, u.Email); err != nil {
		s.log.Error("device cookie after a mailed link", "user", u.ID, "err", err)
	}
}

// sizes reports the tables' sizes (tests).
func (t *signinThrottle) sizes() (accounts, devices, clients int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.accounts.m), len(t.devices.m), len(t.client.m)
}

// message returns the refusal's message ID and the number it names, in
// seconds under a minute and whole minutes (rounded up) beyond.
func (r *signinRefusal) message() (string, int) {
	secs := int(math.Ceil(r.wait.Seconds()))
	mins := int(math.Ceil(r.wait.Minutes()))
	switch {
	case r.network && secs < 60:
		return "error.login.slow_network_seconds", secs
	case r.network:
		return "error.login.slow_network_minutes", mins
	case secs < 60:
		return "error.login.slow_account_seconds", secs
	}
	return "error.login.slow_account_minutes", mins
}

// signinResult is called after every attempt begin let through. It ends
// the throttle's count of an attempt whose password was
// right (u not nil) and gives the browser its device cookie for the
// account; a wrong password stays counted. A device cookie that cannot be
// made is logged: the sign-in itself goes on.
func (s *Server) signinResult(w http.ResponseWriter, r *http.Request, k signinKeys, u *auth.User) {
	s.signin.checking.Add(-1)
	if u == nil {
		return
	}
	s.signin.passwordRight(k)
	if err := s.rememberDevice(w, r, u.Email); err != nil {
		s.log.Error("device cookie", "err", err)
	}
}
