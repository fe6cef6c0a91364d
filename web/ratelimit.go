package web

import (
	"sync"
	"time"
)

// limiter allows max events per key in a fixed window. It is in memory: a
// restart forgives everyone, which is acceptable for login throttling.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	hits   map[string]*window
}

type window struct {
	start time.Time
	n     int
}

func newLimiter(max int, per time.Duration) *limiter {
	return &limiter{max: max, window: per, hits: map[string]*window{}}
}

// allow records an attempt for key at now and reports whether it is within
// the limit; if not, it says how long until the window resets.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.hits) > 100_000 {
		l.sweep(now) // bound memory under a flood of distinct keys
	}
	w := l.hits[key]
	if w == nil || now.Sub(w.start) >= l.window {
		w = &window{start: now}
		l.hits[key] = w
	}
	w.n++
	if w.n > l.max {
		return false, w.start.Add(l.window).Sub(now)
	}
	return true, 0
}

// reset forgets key (after a successful login).
func (l *limiter) reset(key string) {
	l.mu.Lock()
	delete(l.hits, key)
	l.mu.Unlock()
}

func (l *limiter) sweep(now time.Time) {
	for k, w := range l.hits {
		if now.Sub(w.start) >= l.window {
			delete(l.hits, k)
		}
	}
}
