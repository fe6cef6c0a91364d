package web

import (
	"bytes"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"image/png"
	"net/http"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"dxready/auth"
	"dxready/store"
)

// enrolmentPaths are the only addresses a user who must enrol
// (auth.EnrolmentDue) may open: enrolment itself, signing out, and the
// language.
var enrolmentPaths = map[string]bool{
	"/account/2fa": true, "/account/2fa/setup": true, "/account/2fa/qr.png": true, "/account/2fa/confirm": true,
	"/logout": true, "/language": true,
}

// holdForEnrolment sends a signed-in user who must enrol to enrolment from
// any other address, and reports whether it did. loadSession asks it on
// every request, so no route can forget to.
func (s *Server) holdForEnrolment(w http.ResponseWriter, r *http.Request, u *auth.User) bool {
	if !auth.EnrolmentDue(u) || enrolmentPaths[r.URL.Path] {
		return false
	}
	s.setFlash(w, "flash.twofactor.enrol_required")
	http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
	return true
}

// twoFactorUser is the signed-in user if they may use two-factor sign-in;
// otherwise it answers 403 and returns nil.
func (s *Server) twoFactorUser(w http.ResponseWriter, r *http.Request) *auth.User {
	u := currentUser(r)
	if u.Status != auth.StatusActive || !auth.TwoFactorOffered(u.Role) {
		s.renderError(w, r, http.StatusForbidden, "error.twofactor.not_offered")
		return nil
	}
	return u
}

type twoFactorPage struct {
	page
	Required   bool // the role must use it
	Enabled    bool
	CanDisable bool
	CodesLeft  int
	Form       *form
	Problem    string // message ID
	ProblemFor string // the form the problem is about: "recovery", "replace" or "disable"
	// MoveGranted: this session began with a recovery code moments ago, so
	// moving to a new phone needs no other code (twofactor_move.go).
	MoveGranted bool
}

func (s *Server) twoFactor(w http.ResponseWriter, r *http.Request) {
	s.renderTwoFactor(w, r, http.StatusOK, newForm(), "", "")
}

// renderTwoFactor shows the two-factor page; problem (a message ID) is
// shown by the form named for.
func (s *Server) renderTwoFactor(w http.ResponseWriter, r *http.Request, status int, f *form, problem, problemFor string) {
	u := s.twoFactorUser(w, r)
	if u == nil {
		return
	}
	p := twoFactorPage{page: s.newPage(w, r, "page.twofactor.title"), Required: auth.TwoFactorRequired(u.Role), Enabled: u.TwoFactor,
		CanDisable: auth.CanDisableTwoFactor(u), Form: f, Problem: problem, ProblemFor: problemFor,
		MoveGranted: u.TwoFactor && s.signedInWithRecovery(r, u)}
	if u.TwoFactor {
		n, err := s.store.RecoveryCodesLeft(r.Context(), u.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.CodesLeft = n
	}
	s.render(w, r, status, "twofactor", p)
}

// twoFactorSetupPost draws a secret for a user who has none (keeping an
// unconfirmed one, which they may have scanned already).
func (s *Server) twoFactorSetupPost(w http.ResponseWriter, r *http.Request) {
	u := s.twoFactorUser(w, r)
	if u == nil {
		return
	}
	if u.TwoFactor {
		s.redirect(w, r, "/account/2fa", "")
		return
	}
	_, err := s.store.FindTOTP(r.Context(), u.ID)
	if errors.Is(err, store.ErrNotFound) {
		err = s.store.BeginTOTP(r.Context(), u.ID, auth.NewTOTPSecret())
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/account/2fa/setup", "")
}

// enrolment is a secret waiting for its first code: a first enrolment's,
// or a new app's while the old one is still on (Replace).
type enrolment struct {
	Secret   string
	LastStep int64
	Replace  bool
}

// enrolling returns the user's secret waiting to be confirmed, or nil
// after sending them to the two-factor page (nothing to confirm, or a move
// to a new app that lapsed).
func (s *Server) enrolling(w http.ResponseWriter, r *http.Request) (*auth.User, *enrolment) {
	u := s.twoFactorUser(w, r)
	if u == nil {
		return nil, nil
	}
	t, err := s.store.FindTOTP(r.Context(), u.ID)
	switch {
	case err == nil && !t.Confirmed:
		return u, &enrolment{Secret: t.Secret, LastStep: t.LastStep}
	case err == nil && t.Next != "" && auth.ReenrolmentOpen(t.NextStarted, s.now()) && s.ownMove(r, t):
		return u, &enrolment{Secret: t.Next, Replace: true} // no code of the new secret was used yet
	case err == nil || errors.Is(err, store.ErrNotFound):
		s.redirect(w, r, "/account/2fa", "")
	default:
		s.fail(w, r, err)
	}
	return nil, nil
}

// ownMove reports whether this request's session began the move to a new
// app: only that session is shown the new secret and may confirm it, so a
// stolen session cannot read or finish a move its owner started.
func (s *Server) ownMove(r *http.Request, t *store.TOTP) bool {
	sess := currentSession(r)
	return sess != nil && len(t.NextSession) > 0 && subtle.ConstantTimeCompare(sess.TokenHash, t.NextSession) == 1
}

type setupPage struct {
	page
	Secret  string // in groups of four
	Replace bool   // moving to a new app
	Problem string // message ID
}

func (s *Server) renderSetup(w http.ResponseWriter, r *http.Request, status int, en *enrolment, problem auth.Problem) {
	s.render(w, r, status, "twofactor_setup", setupPage{page: s.newPage(w, r, "page.twofactor_setup.title"),
		Secret: auth.GroupSecret(en.Secret), Replace: en.Replace, Problem: string(problem)})
}

func (s *Server) twoFactorSetup(w http.ResponseWriter, r *http.Request) {
	if _, en := s.enrolling(w, r); en != nil {
		s.renderSetup(w, r, http.StatusOK, en, "")
	}
}

// twoFactorQR draws the enrolling user's otpauth:// key as a QR code. Only
// that user gets it, only while enrolling, and no cache keeps it.
func (s *Server) twoFactorQR(w http.ResponseWriter, r *http.Request) {
	u, en := s.enrolling(w, r)
	if en == nil {
		return
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(en.Secret)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "dxready", AccountName: u.Email, Secret: raw, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	img, err := key.Image(240, 240)
	var buf bytes.Buffer
	if err == nil {
		err = png.Encode(&buf, img)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, err = buf.WriteTo(w)
	s.written(r, err)
}

// twoFactorConfirmPost turns the second factor on with a current code,
// or moves it to the new app, and shows the new recovery codes once.
func (s *Server) twoFactorConfirmPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "code")
	if !ok {
		return
	}
	u, en := s.enrolling(w, r)
	if en == nil {
		return
	}
	step, err := auth.CheckTOTP(en.Secret, f.Get("code"), s.now(), en.LastStep)
	if problem, ok := s.codeProblem(r, u, err); ok {
		s.renderSetup(w, r, http.StatusUnprocessableEntity, en, problem)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	codes := auth.NewRecoveryCodes()
	audit := store.AuditEntry{UserID: u.ID, Action: "twofactor.enrol", Subject: userSubject(u), Detail: u.Email}
	event := TwoFactorOn
	if en.Replace {
		audit.Action, event = "twofactor.reenrol", TwoFactorMoved
		err = s.store.ConfirmReenrol(r.Context(), u.ID, currentSession(r).TokenHash, step, codes, audit)
	} else {
		err = s.store.ConfirmTOTP(r.Context(), u.ID, step, codes, audit)
	}
	if errors.Is(err, store.ErrNotFound) { // the same form sent twice: the other request did it
		s.redirect(w, r, "/account/2fa", "")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if en.Replace { // a recovery-code sign-in's leave is spent on the move
		s.recoverySignIns.get(currentSession(r).TokenHash, u.ID, s.now(), true)
	}
	s.queueTwoFactorNotice(r.Context(), u, event)
	s.showCodes(w, r, u, codes)
}

// twoFactorRecoveryPost replaces the recovery codes, given a current code
// or a recovery code.
func (s *Server) twoFactorRecoveryPost(w http.ResponseWriter, r *http.Request) {
	u, proof, ok := s.currentCode(w, r, "recovery")
	if !ok {
		return
	}
	codes := auth.NewRecoveryCodes()
	audit := store.AuditEntry{UserID: u.ID, Action: "twofactor.recovery_regenerate", Subject: userSubject(u), Detail: u.Email}
	if err := s.store.ReplaceRecoveryCodes(r.Context(), u.ID, proof, codes, audit); err != nil {
		s.codeStoreFailed(w, r, err, "recovery")
		return
	}
	s.queueTwoFactorNotice(r.Context(), u, TwoFactorNewCodes)
	s.showCodes(w, r, u, codes)
}

// twoFactorDisablePost switches the second factor off, given a current
// code or a recovery code; only where it is optional
// (auth.CanDisableTwoFactor).
func (s *Server) twoFactorDisablePost(w http.ResponseWriter, r *http.Request) {
	if u := currentUser(r); u.TwoFactor && !auth.CanDisableTwoFactor(u) {
		s.renderError(w, r, http.StatusForbidden, "error.twofactor.required")
		return
	}
	u, proof, ok := s.currentCode(w, r, "disable")
	if !ok {
		return
	}
	audit := store.AuditEntry{UserID: u.ID, Action: "twofactor.disable", Subject: userSubject(u), Detail: u.Email}
	if err := s.store.RemoveTOTP(r.Context(), u.ID, &proof, audit); err != nil {
		s.codeStoreFailed(w, r, err, "disable")
		return
	}
	s.queueTwoFactorNotice(r.Context(), u, TwoFactorOff)
	s.redirect(w, r, "/account/2fa", "flash.twofactor.disabled")
}

// currentCode reads the form's code (a current code or a recovery code)
// for the signed-in, enrolled user and turns it into a proof for the
// change the form named form asks for; the try is counted against the
// account before any check (store.ReserveCodeTry), so tries sent at once
// cannot pass its limit. A recovery code is checked, and spent, by the
// change itself. ok is false when it has answered (the page again with
// the problem by the form, or an error).
func (s *Server) currentCode(w http.ResponseWriter, r *http.Request, form string) (*auth.User, store.CodeProof, bool) {
	f, ok := s.parseForm(w, r, "code")
	if !ok {
		return nil, store.CodeProof{}, false
	}
	u := s.twoFactorUser(w, r)
	if u == nil {
		return nil, store.CodeProof{}, false
	}
	if !u.TwoFactor {
		s.redirect(w, r, "/account/2fa", "")
		return nil, store.CodeProof{}, false
	}
	proof, err := s.checkCurrentCode(r, u, f.Get("code"))
	if errors.Is(err, store.ErrNotFound) { // turned off meanwhile (the same code sent to two forms at once)
		s.redirect(w, r, "/account/2fa", "")
		return nil, store.CodeProof{}, false
	}
	if problem, ok := s.codeProblem(r, u, err); ok {
		status := http.StatusUnprocessableEntity
		if problem == auth.ErrCodeTooMany {
			status = http.StatusTooManyRequests
		}
		s.renderTwoFactor(w, r, status, f, string(problem), form)
		return nil, store.CodeProof{}, false
	} else if err != nil {
		s.fail(w, r, err)
		return nil, store.CodeProof{}, false
	}
	return u, proof, true
}

// checkCurrentCode counts a try against u's account and then checks code:
// a TOTP code here, a recovery code by the change it proves. Input that
// cannot be a code is no try (auth.CodeShapeProblem).
func (s *Server) checkCurrentCode(r *http.Request, u *auth.User, code string) (store.CodeProof, error) {
	if problem := auth.CodeShapeProblem(code); problem != "" {
		return store.CodeProof{}, problem
	}
	if _, err := s.store.ReserveCodeTry(r.Context(), u.ID, nil); err != nil {
		return store.CodeProof{}, err
	}
	if rc, ok := auth.NormalizeRecoveryCode(code); ok {
		return store.CodeProof{Recovery: rc}, nil
	}
	t, err := s.store.FindTOTP(r.Context(), u.ID)
	if err != nil {
		return store.CodeProof{}, err
	}
	step, err := auth.CheckTOTP(t.Secret, code, s.now(), t.LastStep)
	return store.CodeProof{Step: step}, err
}

// codeStoreFailed answers a store error of a change proved by a code: a
// recovery code that is not (or no longer) the user's, or the same code
// sent twice at once, is told as a wrong code, by the form.
func (s *Server) codeStoreFailed(w http.ResponseWriter, r *http.Request, err error, form string) {
	if problem, ok := s.codeProblem(r, currentUser(r), err); ok {
		s.renderTwoFactor(w, r, http.StatusUnprocessableEntity, newForm(), string(problem), form)
		return
	}
	s.fail(w, r, err)
}
