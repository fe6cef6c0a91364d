package web

import (
	"context"
	"crypto/subtle"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dxready/auth"
	"dxready/store"
)

// Defaults of Config.APIRate and Config.APIBurst: a key's steady rate of
// requests a second, and how many it may send at once.
const (
	DefaultAPIRate  = 20
	DefaultAPIBurst = 40
)

// apiTouchEvery is how stale a key's last_used_at may get: the feed writes
// it at most this often a key, never once a request.
const apiTouchEvery = time.Minute

// apiKeysReload is how long the loaded keys are trusted without a change
// made here: a key revoked by another process (the command line, a second
// server) is refused within this time.
const apiKeysReload = time.Minute

// apiKeyring holds the live API keys by prefix, loaded from the store on
// first use, after each issue or revocation (invalidate) and at least
// every apiKeysReload, so a request costs a map lookup and no query. Its
// memory is bounded by the number of live keys: each has one token bucket,
// which a reload keeps.
type apiKeyring struct {
	mu  sync.Mutex // one load at a time; invalidate waits for it
	cur atomic.Pointer[apiKeySet]
}

// apiKeySet is one load of the live keys.
type apiKeySet struct {
	byPrefix map[string]*apiKeyState
	at       time.Time
	stale    atomic.Bool
}

// apiKeyState is one live key: what identifies it, and its use.
type apiKeyState struct {
	id    int64
	hash  []byte
	scope string

	mu      sync.Mutex
	tokens  float64   // the bucket, refilled at the configured rate
	filled  time.Time // when tokens was last refilled
	touched time.Time // when last_used_at was last written
}

// unknownKeyHash is compared against when no key has the prefix, so an
// unknown key costs the same as a wrong one.
var unknownKeyHash = make([]byte, 32)

// invalidate makes the next request read the keys again. It waits for a
// load under way, which may have read the keys before the change.
func (k *apiKeyring) invalidate() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if set := k.cur.Load(); set != nil {
		set.stale.Store(true)
	}
}

// lookup returns the live key that key is, or nil: for a missing,
// malformed, unknown, wrong or revoked key alike.
func (k *apiKeyring) lookup(ctx context.Context, st *store.Store, key string, now time.Time) (*apiKeyState, error) {
	prefix, hash, ok := auth.ParseAPIKey(key)
	if !ok {
		return nil, nil
	}
	keys, err := k.load(ctx, st, now)
	if err != nil {
		return nil, err
	}
	ks, found := keys[prefix]
	want := unknownKeyHash
	if found {
		want = ks.hash
	}
	if subtle.ConstantTimeCompare(hash, want) != 1 || !found {
		return nil, nil
	}
	return ks, nil
}

// load returns the live keys, reading them when they are not loaded, were
// changed or are due. A key that stays live keeps its state: its bucket
// and the time of its last write.
func (k *apiKeyring) load(ctx context.Context, st *store.Store, now time.Time) (map[string]*apiKeyState, error) {
	fresh := func(set *apiKeySet) bool { return set != nil && !set.stale.Load() && now.Sub(set.at) < apiKeysReload }
	if set := k.cur.Load(); fresh(set) {
		return set.byPrefix, nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	old := k.cur.Load()
	if fresh(old) {
		return old.byPrefix, nil
	}
	live, err := st.LiveAPIKeys(ctx)
	if err != nil {
		return nil, err
	}
	set := &apiKeySet{byPrefix: make(map[string]*apiKeyState, len(live)), at: now}
	for _, key := range live {
		ks := &apiKeyState{id: key.ID, hash: key.Hash, scope: key.Scope, tokens: math.NaN(), touched: key.LastUsedAt}
		if old != nil {
			if prev := old.byPrefix[key.Prefix]; prev != nil && prev.id == key.ID {
				ks = prev
			}
		}
		set.byPrefix[key.Prefix] = ks
	}
	k.cur.Store(set)
	return set.byPrefix, nil
}

// take spends one token of the key's bucket (rate a second, burst at
// most) at now; when there is none, it returns how long until there is.
// It also reports whether last_used_at is due for a write, and if so
// counts it as written.
func (ks *apiKeyState) take(now time.Time, rate, burst float64) (wait time.Duration, touch bool) {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if math.IsNaN(ks.tokens) {
		ks.tokens, ks.filled = burst, now
	}
	if dt := now.Sub(ks.filled).Seconds(); dt > 0 {
		ks.tokens, ks.filled = min(burst, ks.tokens+dt*rate), now
	}
	if ks.tokens < 1 {
		return time.Duration((1 - ks.tokens) / rate * float64(time.Second)), false
	}
	ks.tokens--
	if now.Sub(ks.touched) >= apiTouchEvery {
		ks.touched, touch = now, true
	}
	return 0, touch
}

// apiKeyOf is the key a request presents: "Authorization: Bearer <key>",
// or "X-API-Key: <key>". A key in the query string is never read (it would
// sit in every log and history on the way).
func apiKeyOf(r *http.Request) string {
	if v := r.Header.Get("Authorization"); v != "" {
		scheme, key, _ := strings.Cut(v, " ")
		if strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(key)
		}
		return ""
	}
	return strings.TrimSpace(r.Header.Get("X-API-Key"))
}

// apiUnauthorized is the one answer to any key that does not open the
// feed: missing, malformed, unknown, wrong or revoked look the same.
var apiUnauthorized = &apiProblem{http.StatusUnauthorized, "unauthorized",
	"A valid API key is required: send it as \"Authorization: Bearer <key>\"."}

// apiAuth lets a request through with a live key of the indicators scope
// and a token in its bucket. It records the key's use at most once a
// minute.
func (s *Server) apiAuth(next http.Handler) http.Handler {
	rate, burst := float64(s.cfg.APIRate), float64(s.cfg.APIBurst)
	if rate <= 0 {
		rate = DefaultAPIRate
	}
	if burst < 1 {
		burst = DefaultAPIBurst
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := s.now()
		ks, err := s.apiKeys.lookup(r.Context(), s.store, apiKeyOf(r), now)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		if ks == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="dxready"`)
			s.apiFail(w, r, apiUnauthorized)
			return
		}
		if ks.scope != auth.ScopeIndicatorsRead {
			w.Header().Set("WWW-Authenticate", `Bearer realm="dxready", error="insufficient_scope", scope="indicators:read"`)
			s.apiFail(w, r, &apiProblem{http.StatusForbidden, "insufficient_scope", "This key may not read indicators."})
			return
		}
		wait, touch := ks.take(now, rate, burst)
		if wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			s.apiFail(w, r, &apiProblem{http.StatusTooManyRequests, "rate_limited", "Too many requests with this key; retry after the number of seconds in Retry-After."})
			return
		}
		if touch {
			if err := s.store.TouchAPIKey(r.Context(), ks.id, now); err != nil {
				s.log.Error("api: recording a key's use", "key", ks.id, "err", err) // the request is served all the same
			}
		}
		next.ServeHTTP(w, r)
	})
}
