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
	s.renderCodePage(w, r, http.StatusOK, "", p.Failures)
}

// loginCodePost takes the code (or a recovery code) of a pending sign-in.
// Every try is counted against the sign-in (MaxCodeTries, then back to the
// password) and the account (auth.MaxCodeFailures a day) before its code
// is checked (store.ReserveCodeTry), so tries sent at once cannot pass the
// limits together.
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
		s.pendingGone(w, r)
		return
	}
	if problem := auth.CodeShapeProblem(f.Get("code")); problem != "" { // not a code: no try
		s.renderCodePage(w, r, http.StatusUnprocessableEntity, problem, p.Failures)
		return
	}
	n, err := s.store.ReserveCodeTry(r.Context(), u.ID, p.TokenHash)
	switch {
	case errors.Is(err, store.ErrNotFound): // spent by tries sent at once, or ended meanwhile
		s.pendingGone(w, r)
		return
	case errors.Is(err, auth.ErrCodeTooMany):
		s.renderCodePage(w, r, http.StatusTooManyRequests, auth.ErrCodeTooMany, p.Failures)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	recovery, err := s.secondFactor(r.Context(), u, f.Get("code"))
	if problem, ok := s.codeProblem(r, u, err); ok {
		s.codeRefused(w, r, p, u, n, problem)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	s.finishSignIn(w, r, p, u, recovery)
}

// finishSignIn turns the pending sign-in p, whose code passed, into a
// session, unless it ended while the code was checked (a password reset).
// After a recovery code (the phone may be lost) the user is told by mail
// and lands on the two-factor page, where the session may move two-step
// sign-in to a new phone without another code.
func (s *Server) finishSignIn(w http.ResponseWriter, r *http.Request, p *store.PendingSignIn, u *auth.User, recovery bool) {
	var token []byte
	err := s.startSessionWith(r.Context(), w, r, u, func(ctx context.Context, sess *store.Session) error {
		token = sess.TokenHash
		return s.store.FinishPendingSignIn(ctx, p.TokenHash, sess)
	})
	if errors.Is(err, store.ErrNotFound) {
		s.pendingGone(w, r)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setPendingCookie(w, "", -1)
	if recovery {
		s.noteRecoverySignIn(token, u)
		s.queueTwoFactorNotice(r.Context(), u, TwoFactorRecoveryUsed)
		s.redirect(w, r, "/account/2fa", "flash.twofactor.recovery_signin")
		return
	}
	s.redirect(w, r, s.startPage(r.Context(), u, p.Next), "flash.logged_in")
}

// pendingGone sends a browser whose pending sign-in is no more (expired,
// spent, replaced, or ended by a password reset) back to the password.
func (s *Server) pendingGone(w http.ResponseWriter, r *http.Request) {
	s.setPendingCookie(w, "", -1)
	s.redirect(w, r, "/login", "flash.twofactor.expired")
}

func (s *Server) renderCodePage(w http.ResponseWriter, r *http.Request, status int, problem auth.Problem, tries int) {
	s.render(w, r, status, "login_code", codePage{page: s.newPage(w, r, "page.login_code.title"), Problem: string(problem),
		Left: auth.MaxCodeTries - tries})
}

// codeProblem is what the user is told about err from checking a code of
// u's, and whether err is such a problem at all. A code used already is
// told as a wrong one (auth.CodeProblem), and logged.
func (s *Server) codeProblem(r *http.Request, u *auth.User, err error) (auth.Problem, bool) {
	problem, replayed, ok := auth.CodeProblem(err)
	if replayed {
		s.log.Info("two-factor: a code of a step used already was sent", "user", u.ID, "path", r.URL.Path)
	}
	return problem, ok
}

// codeRefused answers a code that did not pass, the pending sign-in's
// tries (n) counted already: the page again with the problem, or, once
// the sign-in has had its MaxCodeTries, back to the password.
func (s *Server) codeRefused(w http.ResponseWriter, r *http.Request, p *store.PendingSignIn, u *auth.User, n int, problem auth.Problem) {
	if n < auth.MaxCodeTries {
		s.renderCodePage(w, r, http.StatusUnprocessableEntity, problem, n)
		return
	}
	if err := s.store.DeletePendingSignIn(r.Context(), p.TokenHash); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setPendingCookie(w, "", -1)
	s.log.Info("two-factor: sign-in dropped after wrong codes", "user", u.ID)
	s.redirect(w, r, "/login", "flash.twofactor.too_many_tries")
}

// secondFactor checks code for u, who has a confirmed secret and whose try
// was counted (store.ReserveCodeTry): a recovery code (spent, audited) or
// a TOTP code (its step recorded so it cannot be used again); recovery
// says which passed. It returns an auth.Problem, or auth.ErrCodeReplayed,
// for a code that does not pass; of two requests racing with the same
// code, one passes.
func (s *Server) secondFactor(ctx context.Context, u *auth.User, code string) (recovery bool, err error) {
	if rc, ok := auth.NormalizeRecoveryCode(code); ok {
		err := s.store.UseRecoveryCode(ctx, u.ID, rc, store.AuditEntry{UserID: u.ID, Action: "twofactor.recovery_used", Subject: userSubject(u)})
		if errors.Is(err, store.ErrNotFound) {
			return false, auth.ErrTOTPWrong
		}
		return err == nil, err
	}
	t, err := s.store.FindTOTP(ctx, u.ID)
	if err != nil {
		return false, err
	}
	step, err := auth.CheckTOTP(t.Secret, code, s.now(), t.LastStep)
	if err != nil {
		return false, err
	}
	return false, s.store.AcceptTOTPStep(ctx, u.ID, step)
}

func userSubject(u *auth.User) string { return "user:" + strconv.FormatInt(u.ID, 10) }
