package web

import (
	"fmt"
	"net/http"

	"dxready/auth"
	"dxready/store"
)

// Following a confirmation link does not confirm by itself. Anyone can
// register someone else's address with a password of their own; if the
// owner then clicked "confirm" in the mail they never asked for, the
// squatter could sign in under the owner's address (pre-account
// hijacking). So the link's page asks for the password chosen at
// registration (verifyEmailPost: it confirms and signs in), or lets the
// reader of the mailbox choose a new password instead
// (verifyNewPasswordPost: it confirms, replaces whatever password the
// registration set, and ends every sign-in of the account). The link stays
// single-use and lasts auth.VerifyLinkTTL; a forged, used or expired one
// gets linkFail's page. Wrong passwords on the page count as failed
// sign-ins of the account (signinThrottle), like on the sign-in page; a
// browser stuck behind a guesser's delay can choose a new password on the
// same page instead, which forgives the account's failures.

type verifyConfirmPage struct {
	page
	Form    *form
	Token   string
	Email   string
	Problem string // message ID of the confirm form's refusal
	Count   int    // the seconds or minutes to wait, for the throttle's messages
}

func (s *Server) verifyConfirmPage(w http.ResponseWriter, r *http.Request, f *form, token string, u *auth.User) verifyConfirmPage {
	return verifyConfirmPage{page: s.newPage(w, r, "page.verify_confirm.title"), Form: f, Token: token, Email: u.Email}
}

// verifyEmail shows the page of a usable confirmation link and changes
// nothing: a mail scanner that follows it confirms nothing, and opening it
// gives no device cookie (only a successful POST on it does), so a link
// seen for a moment cannot be opened again and again for cookies that
// would each skip the account's sign-in throttle.
func (s *Server) verifyEmail(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	u, err := s.store.CheckLink(r.Context(), auth.LinkVerify, linkHash(token))
	if err != nil {
		s.linkFail(w, r, err, auth.LinkVerify)
		return
	}
	s.render(w, r, http.StatusOK, "verify_confirm", s.verifyConfirmPage(w, r, newForm(), token, u))
}

// verifyEmailPost confirms the address of the link when the password typed
// is the account's, spends the link and signs the browser in as a sign-in
// does (signInAfterPassword: the second factor if any, then the start
// page). A wrong password is a failed sign-in of the account and is told
// no more than the sign-in page tells; the link stays usable.
func (s *Server) verifyEmailPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	token := r.PathValue("token")
	hash := linkHash(token)
	u, err := s.store.CheckLink(r.Context(), auth.LinkVerify, hash)
	if err != nil {
		s.linkFail(w, r, err, auth.LinkVerify)
		return
	}
	p := s.verifyConfirmPage(w, r, f, token, u)
	keys := s.signinKeys(r, u.Email)
	if no := s.signin.begin(keys, s.now()); no != nil {
		p.Problem, p.Count = no.message()
		s.render(w, r, http.StatusTooManyRequests, "verify_confirm", p)
		return
	}
	match, err := s.hasher.Verify(r.Context(), r.PostForm.Get("current"), u.PasswordHash)
	right := u
	if err != nil || !match {
		right = nil
	}
	s.signinResult(w, r, keys, right)
	switch {
	case err != nil:
		s.fail(w, r, err)
		return
	case right == nil:
		p.Problem = "error.verify_confirm.wrong"
		s.render(w, r, http.StatusUnauthorized, "verify_confirm", p)
		return
	}
	if u, err = s.store.VerifyEmail(r.Context(), hash); err != nil {
		s.linkFail(w, r, err, auth.LinkVerify)
		return
	}
	s.signInAfterPassword(w, r, u, "")
}

// verifyNewPasswordPost is for the reader of the mailbox who did not
// register, or forgot the password they chose: the link proves the
// mailbox, so a new password (auth.CheckPassword) confirms the address,
// replaces the registration's password, ends every session and pending
// sign-in of the account, and is audited (store.ConfirmWithNewPassword).
// The user then signs in with it, the address filled in.
func (s *Server) verifyNewPasswordPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "password", "password_confirm")
	if !ok {
		return
	}
	token := r.PathValue("token")
	hash := linkHash(token)
	u, err := s.store.CheckLink(r.Context(), auth.LinkVerify, hash)
	if err != nil {
		s.linkFail(w, r, err, auth.LinkVerify)
		return
	}
	again := func(p page) any { return verifyConfirmPage{page: p, Form: f, Token: token, Email: u.Email} }
	pw, ok := s.newPassword(w, r, f, auth.CheckPassword(f.Values["password"], f.Values["password_confirm"]), "verify_confirm", "page.verify_confirm.title", again)
	if !ok {
		return
	}
	entry := store.AuditEntry{Action: "password.set_at_confirmation", Subject: fmt.Sprintf("user:%d", u.ID), Detail: "link"}
	if u, err = s.store.ConfirmWithNewPassword(r.Context(), hash, pw, entry); err != nil {
		s.linkFail(w, r, err, auth.LinkVerify)
		return
	}
	s.mailboxProven(w, r, u, true)
	s.redirect(w, r, loginWith(u.Email), "flash.verify_new_password")
}
