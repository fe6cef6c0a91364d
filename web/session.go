package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"time"

	"dxready/auth"
	"dxready/store"
)

// Session lifetimes: a session ends after sessionIdle without requests, and
// in any case sessionMax after sign-in.
const (
	sessionIdle = 12 * time.Hour
	sessionMax  = 7 * 24 * time.Hour
)

func sessionExpiry(created, now time.Time) time.Time {
	exp := now.Add(sessionIdle)
	if limit := created.Add(sessionMax); exp.After(limit) {
		return limit
	}
	return exp
}

func (s *Server) sessionCookieName() string {
	if s.cfg.SecureCookies {
		return "__Host-dxready_session"
	}
	return "dxready_session"
}

// startSession signs u in with a brand-new token (so a token planted
// before login is worthless), ending the request's previous session.
func (s *Server) startSession(ctx context.Context, w http.ResponseWriter, r *http.Request, u *auth.User) error {
	return s.startSessionWith(ctx, w, r, u, s.store.CreateSession)
}

// startSessionWith is startSession storing the new session with create
// (the second factor's store.FinishPendingSignIn, for one).
func (s *Server) startSessionWith(ctx context.Context, w http.ResponseWriter, r *http.Request, u *auth.User,
	create func(context.Context, *store.Session) error) error {
	if old := currentSession(r); old != nil {
		s.sessions.drop(old.TokenHash)
		if err := s.store.DeleteSession(ctx, old.TokenHash); err != nil {
			return err
		}
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	hash := sha256.Sum256([]byte(token))
	now := s.now()
	sess := &store.Session{TokenHash: hash[:], UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: sessionExpiry(now, now)}
	if err := create(ctx, sess); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(), Value: token, Path: "/", MaxAge: int(sessionMax.Seconds()),
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	return nil
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// flash cookies carry one message ID across a redirect (PRG).
const flashCookie = "flash"

func (s *Server) setFlash(w http.ResponseWriter, messageID string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: messageID, Path: "/", MaxAge: 60,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// takeFlash returns and clears the flash message ID. Only IDs the bundle
// knows are shown, so the cookie cannot inject text.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1})
	if !s.flashes[c.Value] {
		return ""
	}
	return c.Value
}
