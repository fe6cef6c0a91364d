package web

import (
	"context"
	"errors"
	"math"
	"net/http"
	"slices"
	"unicode/utf8"

	"dxready/auth"
	"dxready/firms"
	"dxready/locale"
	"dxready/store"
)

type formPage struct {
	page
	Form *form
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	f := newForm()
	// An invitation links here with the firm's tax code filled in.
	if tc, err := firms.ParseTaxCode(r.URL.Query().Get("tax_code")); err == nil {
		f.Values["tax_code"] = string(tc)
	}
	s.render(w, r, http.StatusOK, "register", formPage{s.newPage(w, r, "page.register.title"), f})
}

func (s *Server) registerPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "tax_code", "firm_name", "name", "email", "password", "password_confirm")
	if !ok {
		return
	}
	tc, err := firms.ParseTaxCode(f.Get("tax_code"))
	if err != nil {
		f.Fail("tax_code", err.Error())
	}
	email, err := auth.NormalizeEmail(f.Get("email"))
	if err != nil {
		f.Fail("email", err.Error())
	}
	switch n := utf8.RuneCountInString(firms.NormalizeName(f.Get("name"))); {
	case n == 0:
		f.Fail("name", "error.account.name_required")
	case n > maxPersonName:
		f.Fail("name", "error.account.name_too_long")
	}
	if utf8.RuneCountInString(firms.NormalizeName(f.Get("firm_name"))) > firms.MaxNameLen {
		f.Fail("firm_name", string(firms.ErrNameTooLong))
	}
	if err := auth.CheckPassword(f.Values["password"], f.Values["password_confirm"]); err != nil {
		f.Fail("password", err.Error())
	}
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, "register", formPage{s.newPage(w, r, "page.register.title"), f})
		return
	}
	var newFirm *firms.Firm
	if name := firms.NormalizeName(f.Get("firm_name")); name != "" {
		newFirm = &firms.Firm{TaxCode: tc, Name: name, VSICVersion: firms.VSICVersion2018}
	}
	hash, err := s.hasher.Hash(r.Context(), f.Values["password"])
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := &auth.User{Email: email, Name: firms.NormalizeName(f.Get("name")), Lang: lang(r), PasswordHash: hash}
	switch err := s.store.Register(r.Context(), string(tc), newFirm, u); {
	case errors.Is(err, store.ErrNotFound):
		f.Fail("firm_name", "error.register.firm_name_needed")
	case errors.Is(err, store.ErrConflict):
		f.Fail("email", "error.register.email_taken")
	case err != nil:
		s.fail(w, r, err)
		return
	}
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, "register", formPage{s.newPage(w, r, "page.register.title"), f})
		return
	}
	if u.Status == auth.StatusPending {
		s.redirect(w, r, "/login", "flash.registered_pending")
		return
	}
	if err := s.startSession(r.Context(), w, r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/profile", "flash.registered")
}

// maxPersonName bounds a user's display name, in characters.
const maxPersonName = 200

type loginPage struct {
	page
	Form    *form
	Next    string
	Problem string // message ID
	Minutes int    // for the too-many-attempts message
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	s.render(w, r, http.StatusOK, "login", loginPage{page: s.newPage(w, r, "page.login.title"), Form: newForm(), Next: next})
}

func (s *Server) loginPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "email", "password", "next")
	if !ok {
		return
	}
	p := loginPage{page: s.newPage(w, r, "page.login.title"), Form: f, Next: safeNext(f.Get("next"))}
	f.Values["password"] = ""
	email, _ := auth.NormalizeEmail(f.Get("email"))
	ip := clientIP(r)
	now := s.now()
	okIP, waitIP := s.loginIP.allow(ip, now)
	okUser, waitUser := s.loginUser.allow(email, now)
	if !okIP || !okUser {
		p.Problem, p.Minutes = "error.login.too_many", int(math.Ceil(max(waitIP, waitUser).Minutes()))
		s.render(w, r, http.StatusTooManyRequests, "login", p)
		return
	}
	u, err := s.authenticate(r.Context(), email, r.PostForm.Get("password"))
	switch {
	case err != nil:
		s.fail(w, r, err)
		return
	case u == nil:
		p.Problem = "error.login.failed"
		s.render(w, r, http.StatusUnauthorized, "login", p)
		return
	case u.Status == auth.StatusPending:
		p.Problem = "error.login.pending"
		s.render(w, r, http.StatusForbidden, "login", p)
		return
	}
	s.loginUser.reset(email)
	if err := s.startSession(r.Context(), w, r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	to := p.Next
	if to == "/" {
		to = homeFor(u)
	}
	s.redirect(w, r, to, "flash.logged_in")
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
	if err != nil || !match {
		return nil, err
	}
	return u, nil
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

// homeFor is where a user lands after signing in.
func homeFor(u *auth.User) string {
	switch u.Role {
	case auth.RoleFirm:
		return "/profile"
	case auth.RoleAdmin:
		return "/admin/firms"
	}
	return "/"
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

// languagePost switches the language: the cookie for everyone, and the
// account's stored language (used for messages sent to the user) for a
// signed-in user. It returns to the page the switch was on.
func (s *Server) languagePost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "lang", "next")
	if !ok {
		return
	}
	l := f.Get("lang")
	if !slices.Contains(locale.Languages, l) {
		s.renderError(w, r, http.StatusBadRequest, "error.bad_request")
		return
	}
	s.setLangCookie(w, l)
	if u := currentUser(r); u != nil && u.Lang != l {
		if err := s.store.SetUserLang(r.Context(), u.ID, l); err != nil {
			s.fail(w, r, err)
			return
		}
		s.sessions.dropUser(u.ID)
	}
	http.Redirect(w, r, safeNext(f.Get("next")), http.StatusSeeOther)
}
