// Package auth holds who is who and who may do what: users and roles, the
// single pure authorisation function Can, and argon2id password hashing.
// It imports nothing of ours and nothing that touches HTTP or SQL.
package auth

import (
	"crypto/rand"
	"encoding/base32"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Problem is a user-correctable validation failure carrying an i18n message ID.
type Problem string

// Error returns the message ID.
func (p Problem) Error() string { return string(p) }

// Account problems, as i18n message IDs.
const (
	ErrEmailInvalid     Problem = "error.account.email_invalid"
	ErrPasswordShort    Problem = "error.account.password_short"
	ErrPasswordLong     Problem = "error.account.password_long"
	ErrPasswordMismatch Problem = "error.account.password_mismatch"
	ErrPasswordCommon   Problem = "error.account.password_common"
	// ErrPasswordSame: a change of password to the password it replaces.
	ErrPasswordSame Problem = "error.account.password_same"
)

// Password length bounds, in characters. The upper bound keeps hashing cost
// and request sizes sane; it is far above any passphrase people use.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 200
)

// Role is what kind of user someone is.
type Role string

// The roles of the portal.
const (
	RoleFirm    Role = "firm"    // a user of one enterprise
	RoleLead    Role = "lead"    // an association lead, scoped to one association
	RoleAdvisor Role = "advisor" // a Center advisor
	RoleAdmin   Role = "admin"   // Center staff running the programme
)

// Roles lists every role.
var Roles = []Role{RoleFirm, RoleLead, RoleAdvisor, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleFirm, RoleLead, RoleAdvisor, RoleAdmin:
		return true
	}
	return false
}

// Status is an account's state.
type Status string

// Account states. Pending is no longer given: before verified claims a
// firm user waited as pending for a colleague; those accounts are now open
// claims (see FirmVerified).
const (
	StatusActive   Status = "active"
	StatusPending  Status = "pending"
	StatusDisabled Status = "disabled"
)

// User is an account.
type User struct {
	ID            int64
	Email         string // lower case
	Name          string
	Role          Role
	Status        Status
	FirmID        int64 // for RoleFirm
	AssociationID int64 // for RoleLead
	Lang          string
	PasswordHash  string
	CreatedAt     time.Time
	// FirmVerified: a firm user's tie to FirmID was verified (a code sent
	// to the registry's address, the Center, a verified colleague, or the
	// user created the firm). False: an open claim, which sees the firm's
	// name only (Can).
	FirmVerified bool
	// EmailVerified: the owner followed a link sent to Email. Until then
	// the outbox sends the address nothing but that link.
	EmailVerified bool
	TwoFactor     bool // signs in with a TOTP code after the password
}

// NormalizeEmail trims and lower-cases an address and checks its syntax.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 {
		return "", ErrEmailInvalid
	}
	return s, nil
}

// CheckPassword enforces the password policy of NIST SP 800-63B: at least
// MinPasswordLen characters, no composition rules, and not on the embedded
// list of common passwords (IsCommonPassword); confirm must equal pw. Both
// are taken in their normal form (NormalizePassword), as the hash is, so
// length counts letters, not combining marks. Every place that sets a
// password asks it.
func CheckPassword(pw, confirm string) error {
	pw, confirm = NormalizePassword(pw), NormalizePassword(confirm)
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return ErrPasswordShort
	case n > MaxPasswordLen:
		return ErrPasswordLong
	case IsCommonPassword(pw):
		return ErrPasswordCommon
	case pw != confirm:
		return ErrPasswordMismatch
	}
	return nil
}

// CheckChangedPassword is CheckPassword for a change of password whose
// current password (already checked against the hash) is current: the new
// one must also differ from it, in normal form, or nothing would change
// while the user believes it did.
func CheckChangedPassword(current, pw, confirm string) error {
	if err := CheckPassword(pw, confirm); err != nil {
		return err
	}
	if NormalizePassword(pw) == NormalizePassword(current) {
		return ErrPasswordSame
	}
	return nil
}

// NewPassword makes a readable 19-character password (four groups of four
// from 80 random bits) for an account someone else will sign in to first.
func NewPassword() string {
	b := make([]byte, 10)
	rand.Read(b)
	s := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return s[:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}
