package web

import (
	"bytes"
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
}

func (s *Server) twoFactor(w http.ResponseWriter, r *http.Request) {
	s.renderTwoFactor(w, r, http.StatusOK, newForm(), "")
}

func (s *Server) renderTwoFactor(w http.ResponseWriter, r *http.Request, status int, f *form, problem string) {
	u := s.twoFactorUser(w, r)
	if u == nil {
		return
	}
	p := twoFactorPage{page: s.newPage(w, r, "page.twofactor.title"), Required: auth.TwoFactorRequired(u.Role), Enabled: u.TwoFactor,
		CanDisable: auth.CanDisableTwoFactor(u), Form: f, Problem: problem}
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

// enrolling returns the user's unconfirmed secret, or nil after sending
// them to the two-factor page (nothing to confirm).
func (s *Server) enrolling(w http.ResponseWriter, r *http.Request) (*auth.User, *store.TOTP) {
	u := s.twoFactorUser(w, r)
	if u == nil {
		return nil, nil
	}
	t, err := s.store.FindTOTP(r.Context(), u.ID)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && t.Confirmed):
		s.redirect(w, r, "/account/2fa", "")
		return nil, nil
	case err != nil:
		s.fail(w, r, err)
		return nil, nil
	}
	return u, t
}

type setupPage struct {
	page
	Secret  string // in groups of four
	Problem string // message ID
}

func (s *Server) twoFactorSetup(w http.ResponseWriter, r *http.Request) {
	if _, t := s.enrolling(w, r); t != nil {
		s.render(w, r, http.StatusOK, "twofactor_setup", setupPage{page: s.newPage(w, r, "page.twofactor_setup.title"), Secret: auth.GroupSecret(t.Secret)})
	}
}

// twoFactorQR draws the enrolling user's otpauth:// key as a QR code. Only
// that user gets it, only while enrolling, and no cache keeps it.
func (s *Server) twoFactorQR(w http.ResponseWriter, r *http.Request) {
	u, t := s.enrolling(w, r)
	if t == nil {
		return
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(t.Secret)
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

type codesPage struct {
	page
	Codes []string
	Home  string // the user's start page
}

// twoFactorConfirmPost turns the second factor on with a current code and
// shows the recovery codes, once.
func (s *Server) twoFactorConfirmPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "code")
	if !ok {
		return
	}
	u, t := s.enrolling(w, r)
	if t == nil {
		return
	}
	step, err := auth.CheckTOTP(t.Secret, f.Get("code"), s.now(), t.LastStep)
	if problem, ok := s.codeProblem(r, u, err); ok {
		s.render(w, r, http.StatusUnprocessableEntity, "twofactor_setup", setupPage{page: s.newPage(w, r, "page.twofactor_setup.title"),
			Secret: auth.GroupSecret(t.Secret), Problem: string(problem)})
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	codes := auth.NewRecoveryCodes()
	audit := store.AuditEntry{UserID: u.ID, Action: "twofactor.enrol", Subject: userSubject(u), Detail: u.Email}
	err = s.store.ConfirmTOTP(r.Context(), u.ID, step, codes, audit)
	if errors.Is(err, store.ErrNotFound) { // the same form sent twice: the other request turned it on
		s.redirect(w, r, "/account/2fa", "")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.dropUser(u.ID)
	s.render(w, r, http.StatusOK, "twofactor_codes", codesPage{page: s.newPage(w, r, "page.twofactor_codes.title"), Codes: codes, Home: homeFor(u)})
}

// twoFactorRecoveryPost replaces the recovery codes, given a current code.
func (s *Server) twoFactorRecoveryPost(w http.ResponseWriter, r *http.Request) {
	u, step, ok := s.currentCode(w, r)
	if !ok {
		return
	}
	codes := auth.NewRecoveryCodes()
	audit := store.AuditEntry{UserID: u.ID, Action: "twofactor.recovery_regenerate", Subject: userSubject(u), Detail: u.Email}
	if err := s.store.ReplaceRecoveryCodes(r.Context(), u.ID, step, codes, audit); err != nil {
		s.codeStoreFailed(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "twofactor_codes", codesPage{page: s.newPage(w, r, "page.twofactor_codes.title"), Codes: codes, Home: homeFor(u)})
}

// twoFactorDisablePost switches the second factor off, given a current
// code; only where it is optional (auth.CanDisableTwoFactor).
func (s *Server) twoFactorDisablePost(w http.ResponseWriter, r *http.Request) {
	if u := currentUser(r); u.TwoFactor && !auth.CanDisableTwoFactor(u) {
		s.renderError(w, r, http.StatusForbidden, "error.twofactor.required")
		return
	}
	u, step, ok := s.currentCode(w, r)
	if !ok {
		return
	}
	audit := store.AuditEntry{UserID: u.ID, Action: "twofactor.disable", Subject: userSubject(u), Detail: u.Email}
	if err := s.store.RemoveTOTP(r.Context(), u.ID, step, audit); err != nil {
		s.codeStoreFailed(w, r, err)
		return
	}
	s.sessions.dropUser(u.ID)
	s.redirect(w, r, "/account/2fa", "flash.twofactor.disabled")
}

// currentCode reads and checks the form's TOTP code for the signed-in,
// enrolled user, the try counted against the account before the check
// (store.ReserveCodeTry), so tries sent at once cannot pass its limit. ok
// is false when it has answered (the page again with the problem, or an
// error).
func (s *Server) currentCode(w http.ResponseWriter, r *http.Request) (*auth.User, int64, bool) {
	f, ok := s.parseForm(w, r, "code")
	if !ok {
		return nil, 0, false
	}
	u := s.twoFactorUser(w, r)
	if u == nil {
		return nil, 0, false
	}
	if !u.TwoFactor {
		s.redirect(w, r, "/account/2fa", "")
		return nil, 0, false
	}
	step, err := s.checkCurrentCode(r, u, f.Get("code"))
	if problem, ok := s.codeProblem(r, u, err); ok {
		status := http.StatusUnprocessableEntity
		if problem == auth.ErrCodeTooMany {
			status = http.StatusTooManyRequests
		}
		s.renderTwoFactor(w, r, status, f, string(problem))
		return nil, 0, false
	} else if err != nil {
		s.fail(w, r, err)
		return nil, 0, false
	}
	return u, step, true
}

// checkCurrentCode counts a try against u's account and then checks code.
func (s *Server) checkCurrentCode(r *http.Request, u *auth.User, code string) (int64, error) {
	if auth.CodeMissing(code) {
		return 0, auth.ErrCodeMissing
	}
	if _, err := s.store.ReserveCodeTry(r.Context(), u.ID, nil); err != nil {
		return 0, err
	}
	t, err := s.store.FindTOTP(r.Context(), u.ID)
	if err != nil {
		return 0, err
	}
	return auth.CheckTOTP(t.Secret, code, s.now(), t.LastStep)
}

// codeStoreFailed answers a store error after a code passed: the same code
// sent twice at once loses the race as a used code, told as a wrong one.
func (s *Server) codeStoreFailed(w http.ResponseWriter, r *http.Request, err error) {
	if problem, ok := s.codeProblem(r, currentUser(r), err); ok {
		s.renderTwoFactor(w, r, http.StatusUnprocessableEntity, newForm(), string(problem))
		return
	}
	s.fail(w, r, err)
}
