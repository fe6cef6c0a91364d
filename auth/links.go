package auth

import "time"

// Single-use links sent by email: what they are for, how long they last,
// and how often one address may be sent one. The store enforces these; the
// pages only say them.
const (
	// VerifyLinkTTL is how long a link confirming an address works.
	VerifyLinkTTL = 24 * time.Hour
	// ResetLinkTTL is how long a password reset link works.
	ResetLinkTTL = time.Hour
	// LinkGap is the least time between two links of one purpose to one
	// account, and LinksPerDay the most in any 24 hours: a form that sends
	// mail cannot be used to flood a mailbox.
	LinkGap     = 5 * time.Minute
	LinksPerDay = 5
)

// LinkPurpose says what a single-use link does.
type LinkPurpose string

// The purposes of links.
const (
	LinkVerify LinkPurpose = "verify" // confirms the account's address
	LinkReset  LinkPurpose = "reset"  // sets a new password
)

// TTL is how long a link of purpose p works.
func (p LinkPurpose) TTL() time.Duration {
	if p == LinkReset {
		return ResetLinkTTL
	}
	return VerifyLinkTTL
}

// LinkAllowed reports whether one more link of a purpose may go to an
// account whose latest such link is sinceLast old (negative: none yet) and
// that was sent today of them in the past 24 hours.
func LinkAllowed(sinceLast time.Duration, today int) bool {
	return today < LinksPerDay && (sinceLast < 0 || sinceLast >= LinkGap)
}
