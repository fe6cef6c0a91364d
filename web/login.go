package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"dxready/auth"
	"dxready/store"
)

type loginPage struct {
	page
	Form    *form
	Next    string
	Problem string // message ID
	Count   int    // the seconds or minutes to wait, for the throttling messages
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	s.render(w, r, http.StatusOK, "login", loginPage{page: s.newPage(w, r, "page.login.title"), Form: loginPrefill(r), Next: next})
}

func (s *Server) loginPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "email", "password", "next")
	if !ok {
		return
	}
	p := loginPage{page: s.newPage(w, r, "page.login.title"), Form: f, Next: safeNext(f.Get("next"))}
	f.Values["password"] = ""
	email, _ := auth.NormalizeEmail(f.Get("email"))
	keys := s.signinKeys(r, email)
	if no := s.signin.begin(keys, s.now()); no != nil {
		p.Problem, p.Count = no.message()
		s.render(w, r, http.StatusTooManyRequests, "login", p)
		return
	}
	u, err := s.authenticate(r.Context(), email, r.PostForm.Get("password"))
	u = confirmedOnly(u) // unconfirmed.go: answered as a wrong password
	s.signinResult(w, r, keys, u)
	switch {
	case err != nil:
		s.fail(w, r, err)
		return
	case u == nil:
		p.Problem = "error.login.failed"
		s.render(w, r, http.StatusUnauthorized, "login", p)
		return
	}
	s.signInAfterPassword(w, r, u, p.Next)
}

// authenticate returns the user whose password matches, or nil. Unknown
// and disabled accounts still cost one hash, so timing does not tell
// which emails exist.
func (s *Server) authenticate(ctx context.Context, email, password string) (*auth.User, error) {
	u, err := s.store.FindUserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Status == auth.StatusDisabled) || email == "" {
		_, verr := s.hasher.Verify(ctx, password, s.dummy(ctx))
		return nil, verr
	}
	if err != nil {
		return nil, err
	}
	match, err := s.hasher.Verify(ctx, password, u.PasswordHash)
	if errors.Is(err, auth.ErrHashFormat) {
		// A stored hash the hasher refuses to run (unreadable, or a cost
		// beyond its bounds: a row changed in the database) signs no one in;
		// the account recovers by a reset link, which stores a new hash.
		s.log.Error("sign-in: stored password hash refused", "user", u.ID, "err", err)
		_, verr := s.hasher.Verify(ctx, password, s.dummy(ctx)) // the time of any other refusal
		return nil, verr
	}
	if err != nil || !match {
		return nil, err
	}
	s.rehash(ctx, u, password)
	return u, nil
}

// rehash stores u's password, which has just verified, hashed anew when its
// hash was made with other parameters than the hasher's: every account
// moves to the current ones at its next sign-in. Only a password that
// verified gets here, so a wrong one never rewrites a hash. A failure is
// logged; the sign-in goes on with the old hash, which still verifies.
func (s *Server) rehash(ctx context.Context, u *auth.User, password string) {
	if !s.hasher.NeedsRehash(u.PasswordHash) {
		return
	}
	h, err := s.hasher.Hash(ctx, password)
	if err == nil {
		_, err = s.store.RehashPassword(ctx, u.ID, u.PasswordHash, h)
	}
	if err != nil {
		s.log.Error("sign-in: rehash password", "user", u.ID, "err", err)
	}
}

// dummy returns a hash to verify against when there is no account, made
// once and lazily so start-up does not pay for it.
func (s *Server) dummy(ctx context.Context) string {
	s.dummyOnce.Do(func() {
		h, err := s.hasher.Hash(ctx, "dxready-no-such-user")
		if err != nil {
			s.log.Error("dummy hash", "err", err)
		}
		s.dummyHash = h
	})
	return s.dummyHash
}

// homeFor is each role's start page: a firm's profile, a lead's
// association dashboard, an advisor's schedule, the Center's page.
func homeFor(u *auth.User) string {
	switch u.Role {
	case auth.RoleFirm:
		return "/profile"
	case auth.RoleLead:
		if u.AssociationID != 0 {
			return "/associations/" + strconv.FormatInt(u.AssociationID, 10)
		}
	case auth.RoleAdvisor:
		return "/schedule"
	case auth.RoleAdmin:
		return "/center"
	}
	return "/"
}

// startPage is where u lands after signing in: next when the sign-in page
// was asked for one, else the role's start page, except that a firm with a
// draft under way goes straight back to it (/assessment resumes it). A
// failed lookup is logged and the profile is shown instead.
func (s *Server) startPage(ctx context.Context, u *auth.User, next string) string {
	if next != "/" && next != "" {
		return next
	}
	if s.landsOnClaim(ctx, u) { // a rejected or revoked claim: its status
		return homeFor(u)
	}
	owner := auth.DraftOwner(u) // an open claim resumes its own draft, never the firm's
	if u.Role == auth.RoleFirm && auth.Can(u, auth.ActAssessmentAnswer, auth.Target{FirmID: u.FirmID, DraftOwner: owner}) {
		switch _, err := s.store.FindDraftOf(ctx, u.FirmID, owner); {
		case err == nil:
			return "/assessment"
		case !errors.Is(err, store.ErrNotFound):
			s.log.Error("start page: find draft", "user", u.ID, "err", err)
		}
	}
	return homeFor(u)
}

func (s *Server) logoutPost(w http.ResponseWriter, r *http.Request) {
	if sess := currentSession(r); sess != nil {
		s.sessions.drop(sess.TokenHash)
		if err := s.store.DeleteSession(r.Context(), sess.TokenHash); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w)
	s.redirect(w, r, "/", "flash.logged_out")
}
