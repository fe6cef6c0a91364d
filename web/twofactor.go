package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"time"

	"dxready/auth"
	"dxready/store"
)

// pendingTTL is how long the code page waits after the password.
const pendingTTL = 5 * time.Minute

func (s *Server) pendingCookieName() string {
	if s.cfg.SecureCookies {
		return "__Host-dxready_2fa"
	}
	return "dxready_2fa"
}

// signInAfterPassword is loginPost's last step, once the password was
// right: a user with a second factor gets a pending sign-in (no session)
// and the code page; anyone else a session. An admin who has not enrolled
// yet then finds every page but enrolment closed (holdForEnrolment).
func (s *Server) signInAfterPassword(w http.ResponseWriter, r *http.Request, u *auth.User, next string) {
	ctx := r.Context()
	if !u.TwoFactor {
		if err := s.startSession(ctx, w, r, u); err != nil {
			s.fail(w, r, err)
			return
		}
		if auth.EnrolmentDue(u) {
			s.redirect(w, r, "/account/2fa", "flash.twofactor.enrol_required")
			return
		}
		s.redirect(w, r, s.startPage(ctx, u, next), "flash.logged_in")
		return
	}
	if err := s.endSession(ctx, w, r); err != nil { // the password step signs nobody in
		s.fail(w, r, err)
		return
	}
	token, hash, err := newToken()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := &store.PendingSignIn{TokenHash: hash, UserID: u.ID, Next: next, ExpiresAt: s.now().Add(pendingTTL)}
	if err := s.store.CreatePendingSignIn(ctx, p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setPendingCookie(w, token, int(pendingTTL.Seconds()))
	http.Redirect(w, r, "/login/code", http.StatusSeeOther)
}

func newToken() (string, []byte, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	hash := sha256.Sum256([]byte(token))
	return token, hash[:], nil
}

func (s *Server) setPendingCookie(w http.ResponseWriter, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: s.pendingCookieName(), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// endSession ends the request's session, if any.
func (s *Server) endSession(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	sess := currentSession(r)
	if sess == nil {
		return nil
	}
	s.sessions.drop(sess.TokenHash)
	s.clearSessionCookie(w)
	return s.store.DeleteSession(ctx, sess.TokenHash)
}

// pendingSignIn returns the request's live pending sign-in and its user,
// or nil when there is none (no cookie, expired, the user disabled or no
// longer enrolled).
func (s *Server) pendingSignIn(r *http.Request) (*store.PendingSignIn, *auth.User, error) {
	c, err := r.Cookie(s.pendingCookieName())
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil, nil, nil
	}
	hash := sha256.Sum256([]byte(c.Value))
	p, err := s.store.FindPendingSignIn(r.Context(), hash[:])
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	u, err := s.store.FindUserByID(r.Context(), p.UserID)
	if err != nil {
		return nil, nil, err
	}
	if u.Status != auth.StatusActive || !u.TwoFactor {
		return nil, nil, nil
	}
	return p, u, nil
}

type codePage struct {
	page
	Problem string // message ID
	Left    int    // tries left on this sign-in
}

func (s *Server) loginCode(w http.ResponseWriter, r *http.Request) {
	p, _, err := s.pendingSignIn(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p == nil {
		s.redirect(w, r, "/login", "flash.twofactor.expired")
		return
	}
	s.render(w, r, http.StatusOK, "login_code", codePage{page: s.newPage(w, r, "page.login_code.title"), Left: auth.MaxCodeTries - p.Failures})
}

// loginCodePost takes the code (or a recovery code) of a pending sign-in.
// A wrong one counts against the sign-in (MaxCodeTries, then back to the
// password) and the account (auth.CodeFailuresExhausted).
func (s *Server) loginCodePost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "code")
	if !ok {
		return
	}
	p, u, err := s.pendingSignIn(r)
	if err != nil || p == nil {
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.redirect(w, r, "/login", "flash.twofactor.expired")
		return
	}
	err = s.secondFactor(r.Context(), u, f.Get("code"))
	var problem auth.Problem
	switch {
	case errors.As(err, &problem):
		s.codeRefused(w, r, p, u, problem)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	if err := s.store.DeletePendingSignIn(r.Context(), p.TokenHash); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setPendingCookie(w, "", -1)
	if err := s.startSession(r.Context(), w, r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, s.startPage(r.Context(), u, p.Next), "flash.logged_in")
}

// codeRefused answers a wrong code: the page again with the problem, or,
// once the sign-in has had its MaxCodeTries, back to the password.
func (s *Server) codeRefused(w http.ResponseWriter, r *http.Request, p *store.PendingSignIn, u *auth.User, problem auth.Problem) {
	status := http.StatusUnprocessableEntity
	if problem == auth.ErrCodeTooMany {
		status = http.StatusTooManyRequests
	} else if problem != auth.ErrCodeMissing {
		if err := s.store.NoteCodeFailure(r.Context(), u.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	n, err := s.store.PendingSignInFailed(r.Context(), p.TokenHash)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if n >= auth.MaxCodeTries {
		if err := s.store.DeletePendingSignIn(r.Context(), p.TokenHash); err != nil {
			s.fail(w, r, err)
			return
		}
		s.setPendingCookie(w, "", -1)
		s.log.Info("two-factor: sign-in dropped after wrong codes", "user", u.ID)
		s.redirect(w, r, "/login", "flash.twofactor.too_many_tries")
		return
	}
	s.render(w, r, status, "login_code", codePage{page: s.newPage(w, r, "page.login_code.title"), Problem: string(problem),
		Left: auth.MaxCodeTries - n})
}

// secondFactor checks code for u, who has a confirmed secret: a recovery
// code (spent, audited) or a TOTP code (its step recorded so it cannot be
// used again). It returns an auth.Problem for a code that does not pass.
func (s *Server) secondFactor(ctx context.Context, u *auth.User, code string) error {
	t, err := s.store.FindTOTP(ctx, u.ID)
	if err != nil {
		return err
	}
	if auth.CodeFailuresExhausted(t.Failures, t.FailuresSince, s.now()) {
		return auth.ErrCodeTooMany
	}
	if rc, ok := auth.NormalizeRecoveryCode(code); ok {
		err := s.store.UseRecoveryCode(ctx, u.ID, rc, store.AuditEntry{UserID: u.ID, Action: "twofactor.recovery_used", Subject: userSubject(u)})
		if errors.Is(err, store.ErrNotFound) {
			return auth.ErrTOTPWrong
		}
		return err
	}
	step, err := auth.CheckTOTP(t.Secret, code, s.now(), t.LastStep)
	if err != nil {
		return err
	}
	return s.store.AcceptTOTPStep(ctx, u.ID, step)
}

func userSubject(u *auth.User) string { return "user:" + strconv.FormatInt(u.ID, 10) }
