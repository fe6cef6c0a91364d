package web

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"

	"dxready/auth"
	"dxready/locale"
	"dxready/store"
)

type ctxKey int

const (
	userKey ctxKey = iota
	sessionKey
	langKey
)

// currentUser returns the signed-in user, or nil.
func currentUser(r *http.Request) *auth.User {
	u, _ := r.Context().Value(userKey).(*auth.User)
	return u
}

func currentSession(r *http.Request) *store.Session {
	s, _ := r.Context().Value(sessionKey).(*store.Session)
	return s
}

// lang returns the request's language code.
func lang(r *http.Request) string {
	if l, ok := r.Context().Value(langKey).(string); ok {
		return l
	}
	return locale.VI
}

func (s *Server) loc(r *http.Request) *locale.Localizer { return s.bundle.For(lang(r)) }

// securityHeaders sets a strict CSP (no inline script or style) and the
// other headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
		"connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic into a logged, localized 500 page.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.fail(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// asPage runs h behind what every page runs behind (the body limit, the
// session, the language): for the router's own answers (no such page,
// method not allowed), which no route's group wraps.
func (s *Server) asPage(h http.HandlerFunc) http.HandlerFunc {
	return s.limitBody(maxFormBytes)(s.loadSession(s.chooseLanguage(h))).ServeHTTP
}

// limitBody caps the request body; reading past it fails, and handlers
// answer with 413.
func (s *Server) limitBody(n int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > n {
				s.renderError(w, r, http.StatusRequestEntityTooLarge, "error.request_too_large")
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, n)
			next.ServeHTTP(w, r)
		})
	}
}

// loadSession puts the signed-in user (if any) into the request context,
// sliding the session's expiry at most once per sessionTouchEvery.
func (s *Server) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(s.sessionCookieName())
		if err != nil || c.Value == "" || len(c.Value) > 100 {
			next.ServeHTTP(w, r)
			return
		}
		hash := sha256.Sum256([]byte(c.Value))
		now := s.now()
		gen := s.sessions.generation()
		sess, u, ok := s.sessions.get(hash[:], now)
		if !ok {
			var err error
			sess, u, err = s.store.SessionUser(r.Context(), hash[:])
			if errors.Is(err, store.ErrNotFound) {
				s.sessionEnded(w)
				next.ServeHTTP(w, r)
				return
			}
			if err != nil {
				s.fail(w, r, err)
				return
			}
			s.sessions.put(sess, u, now, gen)
		}
		if now.Sub(sess.LastSeenAt) > sessionTouchEvery {
			expires := sessionExpiry(sess.CreatedAt, now)
			if err := s.store.TouchSession(r.Context(), sess.TokenHash, now, expires); err != nil {
				s.log.Warn("touch session", "err", err)
			}
			touched := *sess
			touched.LastSeenAt, touched.ExpiresAt = now, expires
			sess = &touched
			s.sessions.put(sess, u, now, gen)
		}
		if now.After(sess.ExpiresAt) {
			s.sessions.drop(hash[:])
			s.sessionEnded(w)
			next.ServeHTTP(w, r)
			return
		}
		ctx := context.WithValue(r.Context(), userKey, u)
		ctx = context.WithValue(ctx, sessionKey, sess)
		if s.holdForEnrolment(w, r, u) {
			return
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// chooseLanguage picks the language (?lang=, cookie, Accept-Language) and
// remembers an explicit ?lang= in the cookie only: a GET changes nothing
// stored. A signed-in user's account language changes by POST /language.
func (s *Server) chooseLanguage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l, q, cookie := s.requestLanguage(r)
		if q != "" && q == l && cookie != l {
			s.setLangCookie(w, l)
		}
		next.ServeHTTP(w, withLanguage(r, l))
	})
}

// requestLanguage is the language r asks for: its ?lang=, its cookie, its
// Accept-Language, in that order; q and cookie are the first two as sent.
func (s *Server) requestLanguage(r *http.Request) (l, q, cookie string) {
	q = r.URL.Query().Get("lang")
	if c, err := r.Cookie("lang"); err == nil {
		cookie = c.Value
	}
	return s.bundle.Match(q, cookie, r.Header.Get("Accept-Language")), q, cookie
}

// withLanguage is r speaking language l (lang reads it).
func withLanguage(r *http.Request, l string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), langKey, l))
}

func (s *Server) setLangCookie(w http.ResponseWriter, l string) {
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// requireSignIn sends anonymous visitors to the login page, then back.
// sessionEnded forgets a browser's session that is no longer valid (it
// expired, was signed out elsewhere, or ended when the password, the
// access or the account changed) and says so on the next page, which is
// the sign-in page when the request needed one: nobody is sent there
// without a word.
func (s *Server) sessionEnded(w http.ResponseWriter) {
	s.clearSessionCookie(w)
	s.setFlash(w, "flash.session_ended")
}

func (s *Server) requireSignIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if currentUser(r) == nil {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireRole lets through signed-in users of one of roles; others get 403.
func (s *Server) requireRole(roles ...auth.Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return s.requireSignIn(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u := currentUser(r); u.Status != auth.StatusActive || !slices.Contains(roles, u.Role) {
				s.renderError(w, r, http.StatusForbidden, "error.forbidden")
				return
			}
			next.ServeHTTP(w, r)
		}))
	}
}

// requireAction lets through users who Can do a without a specific target.
func (s *Server) requireAction(a auth.Action) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return s.requireSignIn(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !auth.Can(currentUser(r), a, auth.Target{}) {
				s.renderError(w, r, http.StatusForbidden, "error.forbidden")
				return
			}
			next.ServeHTTP(w, r)
		}))
	}
}
