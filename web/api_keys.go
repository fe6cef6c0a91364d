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

// apiKeyring holds the live API keys by prefix, loaded from the store on
// first use and again after each issue or revocation (invalidate), so a
// request costs a map lookup and no query. Its memory is bounded by the
// number of live keys: each has one token bucket.
type apiKeyring struct {
	mu   sync.Mutex // one load at a time; invalidate waits for it
	keys atomic.Pointer[map[string]*apiKeyState]
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

// invalidate drops the loaded keys: the next request reads them again.
func (k *apiKeyring) invalidate() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.keys.Store(nil)
}

// lookup returns the live key that key is, or nil: for a missing,
// malformed, unknown, wrong or revoked key alike.
func (k *apiKeyring) lookup(ctx context.Context, st *store.Store, key string) (*apiKeyState, error) {
	prefix, hash, ok := auth.ParseAPIKey(key)
	if !ok {
		return nil, nil
	}
	keys, err := k.load(ctx, st)
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

// load returns the live keys, reading them when they are not loaded. A
// key that stays live keeps its bucket and the time of its last write.
func (k *apiKeyring) load(ctx context.Context, st *store.Store) (map[string]*apiKeyState, error) {
	if m := k.keys.Load(); m != nil {
		return *m, nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if m := k.keys.Load(); m != nil {
		return *m, nil
	}
	live, err := st.LiveAPIKeys(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]*apiKeyState, len(live))
	for _, key := range live {
		m[key.Prefix] = &apiKeyState{id: key.ID, hash: key.Hash, scope: key.Scope, tokens: math.NaN(), touched: key.LastUsedAt}
	}
	k.keys.Store(&m)
	return m, nil
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
		ks, err := s.apiKeys.lookup(r.Context(), s.store, apiKeyOf(r))
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
		now := s.now()
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
