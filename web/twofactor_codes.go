package web

import (
	"net/http"
	"sync"
	"time"

	"dxready/auth"
)

// Fresh recovery codes are shown by a GET after the POST that made them
// (post-redirect-get), so a reload re-sends nothing. Between the two they
// wait in memory only, bound to the session that made them, for
// codesShownFor at most, and are given out once: no URL, cookie or table
// ever holds them in clear. A server restart in between loses them; the
// user then makes new ones (the page says so).

// codesShownFor is how long fresh recovery codes wait for their page.
const codesShownFor = 5 * time.Minute

// sessionNotes keeps short-lived values bound to a session (its token
// hash) and its user, in memory.
type sessionNotes[T any] struct {
	mu sync.Mutex
	m  map[string]sessionNote[T]
}

type sessionNote[T any] struct {
	userID int64
	value  T
	until  time.Time
}

// put keeps v for the session and user until until, replacing an earlier
// value; expired values of every session go.
func (n *sessionNotes[T]) put(session []byte, userID int64, v T, now, until time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.m == nil {
		n.m = map[string]sessionNote[T]{}
	}
	for k, e := range n.m {
		if !now.Before(e.until) {
			delete(n.m, k)
		}
	}
	n.m[string(session)] = sessionNote[T]{userID: userID, value: v, until: until}
}

// get returns the session's value if it is the user's and still live; take
// also forgets it.
func (n *sessionNotes[T]) get(session []byte, userID int64, now time.Time, take bool) (T, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	e, ok := n.m[string(session)]
	if take {
		delete(n.m, string(session))
	}
	if !ok || e.userID != userID || !now.Before(e.until) {
		var zero T
		return zero, false
	}
	return e.value, true
}

type codesPage struct {
	page
	Codes []string
	Home  string // the user's start page
}

// showCodes keeps codes for the request's session and sends the browser to
// the page that shows them once.
func (s *Server) showCodes(w http.ResponseWriter, r *http.Request, u *auth.User, codes []string) {
	now := s.now()
	s.freshCodes.put(currentSession(r).TokenHash, u.ID, codes, now, now.Add(codesShownFor))
	http.Redirect(w, r, "/account/2fa/codes", http.StatusSeeOther)
}

// twoFactorCodes shows the session's fresh recovery codes, once; after
// that (a reload, another tab) it says they were shown.
func (s *Server) twoFactorCodes(w http.ResponseWriter, r *http.Request) {
	u := s.twoFactorUser(w, r)
	if u == nil {
		return
	}
	codes, ok := s.freshCodes.get(currentSession(r).TokenHash, u.ID, s.now(), true)
	if !ok {
		s.redirect(w, r, "/account/2fa", "flash.twofactor.codes_shown")
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "twofactor_codes", codesPage{page: s.newPage(w, r, "page.twofactor_codes.title"), Codes: codes, Home: homeFor(u)})
}
