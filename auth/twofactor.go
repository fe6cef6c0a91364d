package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Two-factor sign-in (TOTP, RFC 6238): SHA-1, six digits, 30-second steps,
// and one step of clock drift either way, which is what every
// authenticator app does by default.
const (
	TOTPPeriod      = 30 * time.Second
	TOTPSkew        = 1  // steps accepted before and after the current one
	TOTPSecretBytes = 20 // 160 bits, as RFC 4226 recommends for SHA-1
)

// Guessing limits. A pending sign-in takes MaxCodeTries wrong codes and is
// then dropped (back to the password); an account takes MaxCodeFailures
// wrong codes per CodeFailureWindow, whatever the sign-in, and then refuses
// codes until the window ends. With three valid codes at any moment
// (TOTPSkew), someone who has the password gets 20 tries a day at
// 3 in 10^6: about 2% a year, and every try costs a password sign-in.
// Every try is counted before its code is checked (CountCodeTry), so tries
// sent in parallel cannot pass the limits together, and a user has at most
// MaxPendingSignIns open (a new one replaces the oldest), so the password
// does not buy many sign-ins to guess on at once.
const (
	MaxCodeTries      = 5
	MaxCodeFailures   = 20
	CodeFailureWindow = 24 * time.Hour
	MaxPendingSignIns = 3
)

// RecoveryCodeCount is how many recovery codes an enrolment gives.
const RecoveryCodeCount = 10

// Two-factor problems, as i18n message IDs.
const (
	ErrTOTPWrong   Problem = "error.twofactor.code_wrong"
	ErrCodeMissing Problem = "error.twofactor.code_missing"
	ErrCodeTooMany Problem = "error.twofactor.too_many"
	ErrCodeShape   Problem = "error.twofactor.code_shape"
)

// ErrCodeReplayed is a code that was right at a step used already. It is
// no Problem of its own: the user is told ErrTOTPWrong (CodeProblem), for
// "used already" would tell someone guessing that their guess was the code
// of a recent step.
var ErrCodeReplayed = errors.New("auth: totp code of a step used already")

// CodeProblem is what the user is told about err from checking a code:
// the Problem itself, or ErrTOTPWrong for a replayed code (replayed is then
// true, for the log). ok is false for any other error.
func CodeProblem(err error) (p Problem, replayed, ok bool) {
	if errors.Is(err, ErrCodeReplayed) {
		return ErrTOTPWrong, true, true
	}
	ok = errors.As(err, &p)
	return p, false, ok
}

var totpOpts = totp.ValidateOpts{Period: uint(TOTPPeriod / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a fresh random secret, base32 without padding as
// authenticator apps take it.
func NewTOTPSecret() string {
	b := make([]byte, TOTPSecretBytes)
	rand.Read(b)
	return b32.EncodeToString(b)
}

// GroupSecret writes a secret in groups of four for typing by hand.
func GroupSecret(secret string) string {
	var groups []string
	for len(secret) > 4 {
		groups = append(groups, secret[:4])
		secret = secret[4:]
	}
	return strings.Join(append(groups, secret), " ")
}

// TOTPStep is the RFC 6238 time step that t falls in.
func TOTPStep(t time.Time) int64 { return t.Unix() / int64(TOTPPeriod/time.Second) }

// TOTPCode is the code for secret at time t.
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totpOpts)
}

// CheckTOTP checks code against secret at now, accepting TOTPSkew steps of
// drift, and returns the step it matched. A step at or before lastStep was
// used already: a code works once (ErrCodeReplayed). Spaces and dashes in
// the code are ignored; anything else that is not six digits is wrong.
func CheckTOTP(secret, code string, now time.Time, lastStep int64) (int64, error) {
	code = cleanCode(code)
	if code == "" {
		return 0, ErrCodeMissing
	}
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return 0, ErrTOTPWrong
	}
	cur := TOTPStep(now)
	matched := int64(-1)
	for d := -TOTPSkew; d <= TOTPSkew; d++ {
		step := cur + int64(d)
		want, err := TOTPCode(secret, time.Unix(step*int64(TOTPPeriod/time.Second), 0))
		if err != nil {
			return 0, ErrTOTPWrong
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			matched = step
		}
	}
	switch {
	case matched < 0:
		return 0, ErrTOTPWrong
	case matched <= lastStep:
		return 0, ErrCodeReplayed
	}
	return matched, nil
}

// CodeShapeProblem is what is wrong with code before any check:
// ErrCodeMissing when it is empty, ErrCodeShape when it cannot be a code
// at all (not six digits once spaces and dashes are dropped, nor shaped
// like a recovery code), "" when it is worth checking. A code with a
// problem here is not a try: nothing is checked, so nothing is counted
// (a typo of five digits does not cost one of the MaxCodeTries).
func CodeShapeProblem(code string) Problem {
	c := cleanCode(code)
	switch {
	case c == "":
		return ErrCodeMissing
	case len(c) == 6 && strings.Trim(c, "0123456789") == "":
		return ""
	}
	if _, ok := NormalizeRecoveryCode(code); ok {
		return ""
	}
	return ErrCodeShape
}

// ReenrolmentTTL is how long a user who proved their second factor has
// to confirm a new authenticator app (moving to a new phone); the old app
// and recovery codes work until the new one is confirmed.
const ReenrolmentTTL = 15 * time.Minute

// ReenrolmentOpen reports whether a move to a new app begun at started may
// still be confirmed at now.
func ReenrolmentOpen(started, now time.Time) bool {
	return !started.IsZero() && now.Before(started.Add(ReenrolmentTTL))
}

func cleanCode(code string) string {
	return strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(code))
}

// TwoFactorOffered reports whether role may use two-factor sign-in. Firm
// users are not offered it: an account of a firm holds that firm's own
// data only, many firms share one office mailbox and phone, and a lost
// phone would then need a Center decision for every small firm
// (docs/SECURITY.md).
func TwoFactorOffered(role Role) bool {
	return role == RoleLead || role == RoleAdvisor || role == RoleAdmin
}

// TwoFactorRequired reports whether role must use two-factor sign-in:
// Center admins, who see and change every firm's record.
func TwoFactorRequired(role Role) bool { return role == RoleAdmin }

// EnrolmentDue reports whether u must enrol a second factor before doing
// anything else: the one rule the server asks on every signed-in request.
func EnrolmentDue(u *User) bool {
	return u != nil && TwoFactorRequired(u.Role) && !u.TwoFactor
}

// TwoFactorOffered reports whether u may use two-factor sign-in (for
// templates).
func (u *User) TwoFactorOffered() bool { return u != nil && TwoFactorOffered(u.Role) }

// CanDisableTwoFactor reports whether u may switch their second factor off:
// only where it is optional.
func CanDisableTwoFactor(u *User) bool {
	return u != nil && u.TwoFactor && !TwoFactorRequired(u.Role)
}

// CodeFailuresExhausted reports whether an account with failures wrong
// codes since the window opened at since may try no more at now.
func CodeFailuresExhausted(failures int, since, now time.Time) bool {
	return failures >= MaxCodeFailures && now.Before(since.Add(CodeFailureWindow))
}

// CountCodeTry counts one code try against an account that has had
// failures tries since its window opened at since (zero: never): it
// returns the new count and window start, or ErrCodeTooMany when the
// account may try no more at now. The try counts before the code is
// checked, whatever the code turns out to be; a right code then clears the
// count.
func CountCodeTry(failures int, since, now time.Time) (int, time.Time, error) {
	if CodeFailuresExhausted(failures, since, now) {
		return failures, since, ErrCodeTooMany
	}
	if since.IsZero() || !now.Before(since.Add(CodeFailureWindow)) {
		return 1, now, nil
	}
	return failures + 1, since, nil
}

// recoveryAlphabet has no 0/o, 1/l/i: codes are read off paper.
const recoveryAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"

// NewRecoveryCodes returns RecoveryCodeCount fresh codes like
// "k7m2q-x9fhd": ten characters of 31, about 50 bits each.
func NewRecoveryCodes() []string {
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		b := make([]byte, 0, 10)
		one := make([]byte, 1)
		for len(b) < 10 {
			rand.Read(one)
			if one[0] < 248 { // 248 = 8×31: no bias towards early letters
				b = append(b, recoveryAlphabet[one[0]%31])
			}
		}
		codes[i] = string(b[:5]) + "-" + string(b[5:])
	}
	return codes
}

// NormalizeRecoveryCode returns code in the form NewRecoveryCodes writes
// it (lower case, one dash), and whether it has that shape at all.
func NormalizeRecoveryCode(code string) (string, bool) {
	c := strings.ToLower(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(code)))
	if len(c) != 10 || strings.Trim(c, recoveryAlphabet) != "" {
		return "", false
	}
	return c[:5] + "-" + c[5:], true
}
