package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"dxready/auth"
	"dxready/store"
)

// "My account": the signed-in user's address and whether it is verified,
// their language, and the change of password.

type accountPage struct {
	page
	Account *auth.User
	Form    *form
	Nudges  []nudgeChoice // the reminders the user receives (nudge_optout.go)
}

// account shows the signed-in user's account.
func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	// Nudges go to firms' users and advisors (their action items) only.
	var choices []nudgeChoice
	if u := currentUser(r); u.Role == auth.RoleFirm || u.Role == auth.RoleAdvisor {
		var err error
		if choices, err = s.nudgeChoices(r, u.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "account", accountPage{page: s.newPage(w, r, "page.account.title"), Account: currentUser(r), Form: newForm(),
		Nudges: choices})
}

// accountPassword shows the change-password form.
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "account_password", accountPage{page: s.newPage(w, r, "page.account_password.title"),
		Account: currentUser(r), Form: newForm()})
}

// accountPasswordPost changes the signed-in user's password: the current
// one is required, every other session of the user ends, the change is
// audited, and a notice goes to the user's (verified) address.
func (s *Server) accountPasswordPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "current", "password", "password_confirm")
	if !ok {
		return
	}
	u := currentUser(r)
	again := func(p page) any { return accountPage{page: p, Account: u, Form: f} }
	// A stolen session must not become a way to guess the password.
	if ok, wait := s.pwCheck.allow(strconv.FormatInt(u.ID, 10), s.now()); !ok {
		f.Fail("current", "error.account.current_too_many")
		s.log.Info("current password checks throttled", "user", u.ID, "wait", wait)
		s.render(w, r, http.StatusTooManyRequests, "account_password", again(s.newPage(w, r, "page.account_password.title")))
		return
	}
	match, err := s.hasher.Verify(r.Context(), r.PostForm.Get("current"), u.PasswordHash)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !match {
		f.Fail("current", "error.account.current_wrong")
		s.render(w, r, http.StatusUnprocessableEntity, "account_password", again(s.newPage(w, r, "page.account_password.title")))
		return
	}
	check := auth.CheckChangedPassword(r.PostForm.Get("current"), f.Values["password"], f.Values["password_confirm"])
	hash, ok := s.newPassword(w, r, f, check, "account_password", "page.account_password.title", again)
	if !ok {
		return
	}
	entry := store.AuditEntry{UserID: u.ID, Action: "password.change", Subject: fmt.Sprintf("user:%d", u.ID)}
	if err := s.store.ChangePassword(r.Context(), u.ID, hash, currentSession(r).TokenHash, s.passwordNotice(u), entry); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/account", "flash.password_changed")
}

// adminPasswordResetPost sends an account a password reset link in its
// owner's language, audited: a staff account, or a firm user who asked the
// Center (the forgot-password form sends the same link to anyone who
// types the address, so Center staff doing it adds no reach); an unverified
// address gets its verification link instead, since the outbox takes
// nothing else for it. The admin never sees the link. It returns to the
// list the button was on (next).
func (s *Server) adminPasswordResetPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "next")
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, store.ErrNotFound)
		return
	}
	u, err := s.store.FindUserByID(r.Context(), id)
	if err == nil && u.Status == auth.StatusDisabled {
		err = store.ErrNotFound // disabled accounts cannot sign in
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	purpose, flash := auth.LinkReset, "flash.reset_sent"
	if !u.EmailVerified {
		purpose, flash = auth.LinkVerify, "flash.reset_verify_sent"
	}
	entry := store.AuditEntry{UserID: currentUser(r).ID, Action: "password.reset_sent", Subject: fmt.Sprintf("user:%d", u.ID),
		Detail: string(purpose)}
	switch err := s.sendLink(r.Context(), u, purpose, currentUser(r).ID, entry); {
	case errors.Is(err, store.ErrLinkThrottled):
		flash = "flash.reset_wait"
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, safeNext(f.Get("next")), flash)
}

// resetButton is the admin's "send a password reset" button beside a staff
// account: whose, and which list to come back to.
type resetButton struct {
	ID   int64
	Next string
}

// accountEndSessionsPost signs the user out everywhere but here: every
// other session and pending sign-in ends (a computer left signed in, a
// session someone else may hold), audited.
func (s *Server) accountEndSessionsPost(w http.ResponseWriter, r *http.Request) {
	u, sess := currentUser(r), currentSession(r)
	audit := store.AuditEntry{UserID: u.ID, Action: "account.sessions_end", Subject: "user:" + strconv.FormatInt(u.ID, 10)}
	if err := s.store.EndOtherSignIns(r.Context(), u.ID, sess.TokenHash, audit); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/account", "flash.sessions_ended")
}
