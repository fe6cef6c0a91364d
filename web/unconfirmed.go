package web

import (
	"errors"
	"math"
	"net/http"

	"dxready/auth"
	"dxready/store"
)

// An account whose address is not confirmed cannot sign in. Registration
// answers the same whether the address was free or taken, and it would
// not hide that if the new account could sign in: someone would register
// a victim's address with a password of their own and try it (the free
// address signs in, the taken one does not). So the right password of an
// unconfirmed account gets exactly the answer of a wrong one (same status,
// same page, counted by the throttle as a failure), and the sign-in page
// tells everyone who has just registered to open the link first, with a
// form that sends it again (verifyResend), answering the same for any
// address.

// confirmedOnly returns u when it may sign in with its password, and nil,
// as for a wrong password, when its address is not confirmed.
func confirmedOnly(u *auth.User) *auth.User {
	if u == nil || !u.EmailVerified {
		return nil
	}
	return u
}

// verifyResend shows the form that sends a confirmation link again.
func (s *Server) verifyResend(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "verify_resend", forgotPage{page: s.newPage(w, r, "page.verify_resend.title"), Form: newForm()})
}

// verifyResendPost sends the confirmation link again to the account with
// the address typed when it is active and not confirmed, and answers the
// same in every case. It shares the forgot-password form's limit per
// client (forgotIP): both send mail to an address typed by anyone, and
// each account gets at most what auth.LinkAllowed lets it receive.
func (s *Server) verifyResendPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "email")
	if !ok {
		return
	}
	p := forgotPage{page: s.newPage(w, r, "page.verify_resend.title"), Form: f}
	if ok, wait := s.forgotIP.allow(clientKey(r), s.now()); !ok {
		p.Problem, p.Minutes = "error.forgot.too_many", int(math.Ceil(wait.Minutes()))
		s.render(w, r, http.StatusTooManyRequests, "verify_resend", p)
		return
	}
	email, err := auth.NormalizeEmail(f.Get("email"))
	if err != nil {
		f.Fail("email", err.Error())
		s.render(w, r, http.StatusUnprocessableEntity, "verify_resend", p)
		return
	}
	u, err := s.store.FindUserByEmail(r.Context(), email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.log.Info("confirmation link asked for an address without an account")
	case err != nil:
		s.log.Error("confirmation link again", "err", err) // the answer must not differ
	case u.Status == auth.StatusDisabled || u.EmailVerified:
		s.log.Info("confirmation link asked for an account that needs none", "user", u.ID)
	default:
		s.logLinkErr(s.sendLink(r.Context(), u, auth.LinkVerify, 0), u, "confirmation link again")
	}
	s.redirect(w, r, "/login", "flash.verify_resent")
}
