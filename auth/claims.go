package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"math/big"
	"strings"
	"time"
	"unicode/utf8"
)

// ClaimStatus is where a firm claim stands.
type ClaimStatus string

// Claim states.
const (
	ClaimOpen     ClaimStatus = "open"     // waiting for a code, the Center or a colleague
	ClaimVerified ClaimStatus = "verified" // the user is the firm's
	ClaimRejected ClaimStatus = "rejected" // the Center refused it, with a reason
	ClaimRevoked  ClaimStatus = "revoked"  // the Center transferred the firm to someone else
)

// ClaimStatuses lists every claim state.
var ClaimStatuses = []ClaimStatus{ClaimOpen, ClaimVerified, ClaimRejected, ClaimRevoked}

// ClaimMethod is how a claim was verified.
type ClaimMethod string

// Verification methods.
const (
	MethodCode      ClaimMethod = "code"      // the code sent to the firm's registry address
	MethodCenter    ClaimMethod = "center"    // a Center decision (or an account the Center made)
	MethodColleague ClaimMethod = "colleague" // a verified user of the firm approved it
	MethodCreation  ClaimMethod = "creation"  // the user created the firm (its tax code was not in the registry)
	MethodDemo      ClaimMethod = "demo"      // a demo account
)

// StatedRoles is what a claimant may say they are at the firm.
var StatedRoles = []string{"owner", "employee", "accountant", "other"}

// ValidStatedRole reports whether r is one of StatedRoles.
func ValidStatedRole(r string) bool {
	for _, v := range StatedRoles {
		if v == r {
			return true
		}
	}
	return false
}

// Claim code rules. A code has 8 digits (10^8 values) and lives CodeTTL;
// sending another does not cancel the earlier ones (the firm may open
// either mail first), so a typed code is checked against every live code
// of the claim. At most MaxCodesPerDay are sent for one claim in 24 hours,
// and the claim's codes of the last CodeTTL allow MaxCodeAttempts wrong
// guesses between them (ErrCodeTries), each tried against at most
// MaxCodesPerDay codes: at most 15 code checks a day, a chance of about 1
// in 6.7 million. Any number of
// accounts may claim one firm, so its registry mailbox also gets at most
// MaxCodesPerFirmPerDay codes in 24 hours across all its claims (two
// claimants' full days): past that, claimants ask the Center or a verified
// colleague, which a squatter cannot block. A code goes only to a claimant
// whose own address is confirmed (ErrClaimantUnconfirmed): the mail names
// that address as who asked.
const (
	CodeDigits            = 8
	CodeTTL               = 24 * time.Hour
	MaxCodeAttempts       = 5
	MaxCodesPerDay        = 3
	MaxCodesPerFirmPerDay = 6
)

// Claim problems, as i18n message IDs.
const (
	ErrCodeWrong           Problem = "error.claim.code_wrong"
	ErrCodeExpired         Problem = "error.claim.code_expired"
	ErrCodeTries           Problem = "error.claim.code_tries" // MaxCodeAttempts wrong guesses across the claim's codes
	ErrCodeNone            Problem = "error.claim.code_none"
	ErrCodeLimit           Problem = "error.claim.code_limit"
	ErrFirmCodeLimit       Problem = "error.claim.firm_code_limit" // MaxCodesPerFirmPerDay across the firm's claims
	ErrClaimantUnconfirmed Problem = "error.claim.email_unconfirmed"
	ErrReasonRequired      Problem = "error.claim.reason_required"
	ErrStatedRole          Problem = "error.claim.stated_role"
	ErrNoRegistryEmail     Problem = "error.claim.no_registry_email"
)

// ShownToFirm reports whether a user whose claim stands at st is listed
// to the firm's verified users: colleagues and open claims (to approve or
// report), never a rejected claimant or a revoked user, whose name and
// address are not the firm's to see (the Center still sees them).
func ShownToFirm(st ClaimStatus) bool {
	return st == ClaimVerified || st == ClaimOpen
}

// Closed reports whether a claim at st has been decided against the user
// (rejected or revoked): such a user has nothing more to do for the firm.
func Closed(st ClaimStatus) bool {
	return st == ClaimRejected || st == ClaimRevoked
}

// MaxSecondClaimNoticesPerDay bounds the "someone claims your firm"
// notices sent to a firm's verified users: the claims made on one firm in
// 24 hours beyond it tell nobody (the Center's queue still lists them), so
// many accounts cannot flood the firm's users.
const MaxSecondClaimNoticesPerDay = 3

// NewClaimCode returns a uniformly random code of CodeDigits digits.
func NewClaimCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	s := n.String()
	return strings.Repeat("0", CodeDigits-len(s)) + s
}

// HashClaimCode is what is stored of a code: its SHA-256, salted with the
// claim's ID so that one hash cannot be tried against another claim.
func HashClaimCode(claimID int64, code string) []byte {
	h := sha256.New()
	h.Write([]byte{byte(claimID >> 56), byte(claimID >> 48), byte(claimID >> 40), byte(claimID >> 32),
		byte(claimID >> 24), byte(claimID >> 16), byte(claimID >> 8), byte(claimID)})
	h.Write([]byte(NormalizeClaimCode(code)))
	return h.Sum(nil)
}

// CodeMatches compares a stored hash with a typed code in constant time.
func CodeMatches(stored []byte, claimID int64, typed string) bool {
	return subtle.ConstantTimeCompare(stored, HashClaimCode(claimID, typed)) == 1
}

// NormalizeClaimCode keeps the digits of what was typed ("1234 5678",
// "1234-5678" are the same code).
func NormalizeClaimCode(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// MaskEmail shows enough of an address to recognise it, not to learn it:
// the first letter of the local part and of the domain, and the top-level
// domain ("nam@congty.vn" → "n***@c***.vn").
func MaskEmail(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" || domain == "" {
		return "***"
	}
	first := func(s string) string {
		r, _ := utf8.DecodeRuneInString(s)
		return string(r) + "***"
	}
	tld := ""
	if i := strings.LastIndexByte(domain, '.'); i > 0 {
		tld = domain[i:]
	}
	return first(local) + "@" + first(domain) + tld
}
