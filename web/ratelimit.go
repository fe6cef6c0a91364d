package web

import (
	"sync"
	"time"
)

// limiter allows max events per key in a fixed window. It is in memory: a
// restart forgives everyone, which is acceptable for login throttling. It
// holds at most limiterCap keys (makeRoom), so a flood of distinct keys
// (every /64 of a large IPv6 range) costs bounded memory and a sweep only
// once per limiterCap/4 new keys.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	cap    int
	hits   map[string]*window
}

type window struct {
	start time.Time
	n     int
}

// limiterCap bounds each limiter's table, as throttleCap bounds the
// sign-in tables.
const limiterCap = 20_000

func newLimiter(max int, per time.Duration) *limiter {
	return &limiter{max: max, window: per, cap: limiterCap, hits: map[string]*window{}}
}

// allow records an attempt for key at now and reports whether it is within
// the limit; if not, it says how long until the window resets.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.hits[key]
	if w == nil || now.Sub(w.start) >= l.window {
		if w == nil && len(l.hits) >= l.cap {
			l.makeRoom(now)
		}
		w = &window{start: now}
		l.hits[key] = w
	}
	w.n++
	if w.n > l.max {
		return false, w.start.Add(l.window).Sub(now)
	}
	return true, 0
}

// makeRoom brings the table down to 3/4 of its cap: first the windows that
// have ended go, then those still under their limit (they refuse nothing
// yet), then any. Under a flood of fresh keys a refused client may thus be
// forgiven early; that is the price of bounded memory, and such a flood
// needs tens of thousands of networks.
func (l *limiter) makeRoom(now time.Time) {
	target := l.cap * 3 / 4
	for _, drop := range []func(*window) bool{
		func(w *window) bool { return now.Sub(w.start) >= l.window },
		func(w *window) bool { return w.n <= l.max },
		func(*window) bool { return true },
	} {
		for k, w := range l.hits {
			if len(l.hits) <= target {
				return
			}
			if drop(w) {
				delete(l.hits, k)
			}
		}
	}
}

// size reports how many keys the limiter holds (tests).
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.hits)
}
