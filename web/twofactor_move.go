package web

import (
	"net/http"

	"dxready/auth"
	"dxready/store"
)

// Moving two-step sign-in to a new phone (re-enrolment). A user proves
// they hold the second factor with a current code or a recovery code (or
// has just signed in with a recovery code, in this session: a lost phone),
// gets a new secret to scan, and a code from the new app then replaces the
// old secret and the recovery codes (store.ConfirmReenrol). Two-step
// sign-in stays on throughout, so admins, who must keep it, can move too.

// movedSignIn is how long after signing in with a recovery code the
// session may begin a move without another code.
const movedSignIn = auth.ReenrolmentTTL

// noteRecoverySignIn remembers that the session sess was begun with a
// recovery code (the phone may be lost).
func (s *Server) noteRecoverySignIn(sess []byte, u *auth.User) {
	now := s.now()
	s.recoverySignIns.put(sess, u.ID, true, now, now.Add(movedSignIn))
}

// signedInWithRecovery reports whether the request's session was begun
// with a recovery code moments ago.
func (s *Server) signedInWithRecovery(r *http.Request, u *auth.User) bool {
	sess := currentSession(r)
	if sess == nil {
		return false
	}
	ok, _ := s.recoverySignIns.get(sess.TokenHash, u.ID, s.now(), false)
	return ok
}

// twoFactorReplacePost begins the move to a new app: proved by the form's
// code, or by a recovery-code sign-in of this session, it draws the new
// secret and sends the user to scan it.
func (s *Server) twoFactorReplacePost(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	var proof store.CodeProof
	if u.TwoFactor && s.signedInWithRecovery(r, u) {
		if u = s.twoFactorUser(w, r); u == nil {
			return
		}
		proof.RecoverySignIn = true
	} else {
		var ok bool
		if u, proof, ok = s.currentCode(w, r, "replace"); !ok {
			return
		}
	}
	audit := store.AuditEntry{UserID: u.ID, Action: "twofactor.reenrol_begin", Subject: userSubject(u), Detail: u.Email}
	if err := s.store.BeginReenrol(r.Context(), u.ID, currentSession(r).TokenHash, proof, auth.NewTOTPSecret(), audit); err != nil {
		s.codeStoreFailed(w, r, err, "replace")
		return
	}
	s.redirect(w, r, "/account/2fa/setup", "")
}
