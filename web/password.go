package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"

	"dxready/auth"
	"dxready/store"
)

// Forgotten and changed passwords. A reset link is single-use, valid for
// auth.ResetLinkTTL, and goes only to a verified address; an unverified
// account gets its verification link instead (the only message its address
// may receive), and once verified asks for a reset again. The forgot form
// answers the same whatever the address, and sends at most what
// auth.LinkAllowed lets one account receive; per client, forgotIP limits
// the requests.

type forgotPage struct {
	page
	Form    *form
	Problem string // message ID
	Minutes int
}

// ResetMinutes is how long a reset link works, as the page says it: the
// mail says it from the same auth.ResetLinkTTL, in the same words.
func (forgotPage) ResetMinutes() int { return int(auth.ResetLinkTTL.Minutes()) }

// VerifyHours is how long a confirmation link works (auth.VerifyLinkTTL),
// as the page and the mail say it.
func (forgotPage) VerifyHours() int { return int(auth.VerifyLinkTTL.Hours()) }

func (s *Server) passwordForgot(w http.ResponseWriter, r *http.Request) {
	f := newForm()
	if cu := currentUser(r); cu != nil {
		f.Values["email"] = cu.Email
	}
	s.render(w, r, http.StatusOK, "password_forgot", forgotPage{page: s.newPage(w, r, "page.forgot.title"), Form: f})
}

// passwordForgotPost sends a reset link (or, unverified, the verification
// link) to the account with the address typed, if there is one, and
// answers the same in every case: the flash on the sign-in page.
func (s *Server) passwordForgotPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "email")
	if !ok {
		return
	}
	if ok, wait := s.forgotIP.allow(clientKey(r), s.now()); !ok {
		p := forgotPage{page: s.newPage(w, r, "page.forgot.title"), Form: f, Problem: "error.forgot.too_many", Minutes: int(math.Ceil(wait.Minutes()))}
		s.render(w, r, http.StatusTooManyRequests, "password_forgot", p)
		return
	}
	email, err := auth.NormalizeEmail(f.Get("email"))
	if err != nil {
		f.Fail("email", err.Error())
		s.render(w, r, http.StatusUnprocessableEntity, "password_forgot", forgotPage{page: s.newPage(w, r, "page.forgot.title"), Form: f})
		return
	}
	u, err := s.store.FindUserByEmail(r.Context(), email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.log.Info("password reset asked for an address without an account")
	case err != nil:
		s.log.Error("password reset", "err", err) // the answer must not differ
	case u.Status == auth.StatusDisabled:
		s.log.Info("password reset asked for a disabled account", "user", u.ID)
	case !u.EmailVerified:
		s.logLinkErr(s.sendLink(r.Context(), u, auth.LinkVerify, 0), u, "forgot password, unverified")
	default:
		s.logLinkErr(s.sendLink(r.Context(), u, auth.LinkReset, 0), u, "forgot password")
	}
	s.redirect(w, r, "/login", "flash.forgot_sent")
}

type resetPage struct {
	page
	Form  *form
	Token string
	Email string
}

// passwordReset shows the new-password form of a usable reset link.
func (s *Server) passwordReset(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	u, err := s.store.CheckLink(r.Context(), auth.LinkReset, linkHash(token))
	if err != nil {
		s.linkFail(w, r, err, auth.LinkReset)
		return
	}
	s.render(w, r, http.StatusOK, "password_reset", resetPage{page: s.newPage(w, r, "page.reset.title"), Form: newForm(), Token: token, Email: u.Email})
}

// passwordResetPost sets the new password of a reset link: the link and
// every other reset link of the user are spent, every session of the user
// ends (in the store and in the session cache), and the user signs in
// afresh with the new password. A bad link changes nothing.
func (s *Server) passwordResetPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "password", "password_confirm")
	if !ok {
		return
	}
	token := r.PathValue("token")
	hash := linkHash(token)
	u, err := s.store.CheckLink(r.Context(), auth.LinkReset, hash)
	if err != nil {
		s.linkFail(w, r, err, auth.LinkReset)
		return
	}
	pw, ok := s.newPassword(w, r, f, auth.CheckPassword(f.Values["password"], f.Values["password_confirm"]), "password_reset", "page.reset.title", func(p page) any { return resetPage{page: p, Form: f, Token: token, Email: u.Email} })
	if !ok {
		return
	}
	entry := store.AuditEntry{Action: "password.reset", Subject: fmt.Sprintf("user:%d", u.ID), Detail: "link"}
	if u, err = s.store.ResetPassword(r.Context(), hash, pw, s.passwordNotice(u), entry); err != nil {
		s.linkFail(w, r, err, auth.LinkReset)
		return
	}
	s.mailboxProven(w, r, u, true)
	s.redirect(w, r, loginWith(u.Email), "flash.password_reset")
}

// newPassword hashes the new password of form f when check, the verdict
// of auth.CheckPassword (or auth.CheckChangedPassword) on it, is nil; a
// refused one re-renders page name (titled title) with data(p) and 422.
func (s *Server) newPassword(w http.ResponseWriter, r *http.Request, f *form, check error, name, title string, data func(page) any) (string, bool) {
	if check != nil {
		failPassword(f, check)
		s.render(w, r, http.StatusUnprocessableEntity, name, data(s.newPage(w, r, title)))
		return "", false
	}
	hash, err := s.hasher.Hash(r.Context(), f.Values["password"])
	if err != nil {
		s.fail(w, r, err)
		return "", false
	}
	return hash, true
}

// failPassword puts the refusal err of a new password (nil: none) under
// the field it is about: the repeat field when the two differ, else the
// new password's.
func failPassword(f *form, err error) {
	switch {
	case err == nil:
	case errors.Is(err, auth.ErrPasswordMismatch):
		f.Fail("password_confirm", err.Error())
	default:
		f.Fail("password", err.Error())
	}
}

// loginWith is the sign-in page with its address field filled in with
// email: where registration and a new password send the user next. The
// address is only ever shown in the field (loginPrefill), never trusted.
func loginWith(email string) string {
	if email == "" {
		return "/login"
	}
	return "/login?" + url.Values{"email": {email}}.Encode()
}

// loginPrefill is the sign-in form, its address filled in from the
// query's email when it is an address (loginWith); anything else is
// ignored. The template escapes it like every value.
func loginPrefill(r *http.Request) *form {
	f := newForm()
	if email, err := auth.NormalizeEmail(r.URL.Query().Get("email")); err == nil {
		f.Values["email"] = email
	}
	return f
}

// passwordNotice is the message telling u their password changed, in
// their language.
func (s *Server) passwordNotice(u *auth.User) *store.Message {
	loc := s.bundle.For(u.Lang)
	now := s.now()
	return &store.Message{Kind: "account.password_changed", DedupeKey: fmt.Sprintf("account.password_changed:%d:%d", u.ID, now.UnixNano()),
		Lang: loc.Lang, Subject: loc.T("mail.password_changed.subject"),
		Body: loc.T("mail.password_changed.body", "Name", u.Name, "When", loc.DateTime(now), "Forgot", s.linkBase()+"/password/forgot")}
}
