package web

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// A flood of distinct keys inside one window (every /64 of a large IPv6
// range) keeps the table at its cap, and a client that has used up its
// window is still refused while the flood is under way, as long as there
// are entries to drop before it (windows under their limit go first).
func TestLimiterStaysBoundedUnderAKeySpray(t *testing.T) {
	l := newLimiter(3, 15*time.Minute)
	l.cap = 1000
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	for range 4 {
		l.allow("greedy", now)
	}
	for i := range 10 * l.cap {
		if ok, _ := l.allow(fmt.Sprintf("2001:db8:%x::/64", i), now.Add(time.Duration(i)*time.Millisecond)); !ok {
			t.Fatalf("a first request from a fresh key was refused")
		}
		if n := l.size(); n > l.cap {
			t.Fatalf("%d keys held after %d sprayed, cap %d", n, i+1, l.cap)
		}
	}
	if ok, _ := l.allow("greedy", now.Add(time.Minute)); ok {
		t.Errorf("the spray forgave a client over its limit while spare entries could go first")
	}
	// Once the windows have ended, the sweep drops them first.
	later := now.Add(time.Hour)
	l.allow("fresh", later)
	for i := range l.cap {
		l.allow(fmt.Sprintf("later-%d", i), later)
	}
	if n := l.size(); n > l.cap {
		t.Errorf("%d keys held, cap %d", n, l.cap)
	}
}

// The forgot-password form flooded from thousands of IPv6 networks
// through a trusted proxy: its table stays at the cap, and the limit of 10
// per network still holds for a network that keeps asking.
func TestForgotPasswordLimiterBoundedUnderIPv6Flood(t *testing.T) {
	e := newEnv(t, behindProxy)
	e.web.forgotIP.cap = 200
	c := e.client()
	for i := range 1000 {
		must(t, c.post("/password/forgot", values("email", "nobody@example.vn"), "X-Forwarded-For", fmt.Sprintf("2001:db8:%x:1::1", i)), http.StatusSeeOther)
		if n := e.web.forgotIP.size(); n > 200 {
			t.Fatalf("%d networks held after %d, cap 200", n, i+1)
		}
	}
	for range 10 {
		must(t, c.post("/password/forgot", values("email", "nobody@example.vn"), "X-Forwarded-For", "2001:db8:ffff:1::1"), http.StatusSeeOther)
	}
	must(t, c.post("/password/forgot", values("email", "nobody@example.vn"), "X-Forwarded-For", "2001:db8:ffff:1::2"), http.StatusTooManyRequests)
}
