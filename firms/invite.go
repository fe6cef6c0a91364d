package firms

import "time"

// Invitations of member firms by their association's lead, one at a time
// or many at once (InviteDecision is the rule both follow).
const (
	// InviteAgainAfter is how long a member invited by its association is
	// not invited again by it, whoever pressed and however.
	InviteAgainAfter = 30 * 24 * time.Hour
	// MaxBulkInvite bounds the invitations one press sends and the
	// selection it takes: the rest wait for the next press.
	MaxBulkInvite = 200
)

// InviteSkip is why a member is not invited, named by its message ID; ""
// means it is.
type InviteSkip string

// The reasons InviteDecision gives, in the order it asks them.
const (
	SkipNotMember  InviteSkip = "invite.skip.not_member" // not a member of the association (a forged or stale id)
	SkipRegistered InviteSkip = "invite.skip.registered" // someone of the firm has a verified account
	SkipAssessed   InviteSkip = "invite.skip.assessed"   // it has a result already
	SkipOptedOut   InviteSkip = "invite.skip.opted_out"  // the firm erased its contact person: no mail to it
	SkipRecent     InviteSkip = "invite.skip.recent"     // invited within InviteAgainAfter
	SkipNoAddress  InviteSkip = "invite.skip.no_address" // neither a contact nor a registry address
	SkipOverLimit  InviteSkip = "invite.skip.over_limit" // past MaxBulkInvite in this press: the next press takes it
)

// InviteSkips lists every reason, in the order a page reports them.
var InviteSkips = []InviteSkip{SkipNotMember, SkipRegistered, SkipAssessed, SkipOptedOut, SkipRecent, SkipNoAddress, SkipOverLimit}

// Invitee is what the rule needs to know of a firm an invitation is for.
type Invitee struct {
	Member      bool
	Registered  bool
	Assessed    bool
	OptedOut    bool      // its contact person was erased and none given since
	LastInvited time.Time // by this association; zero: never
	Address     string    // where the invitation would go; "" none
}

// InviteDecision says whether i is invited at now: a member without an
// account or a result, that has not erased its contact, was not invited by
// the association within InviteAgainAfter, and has an address.
func InviteDecision(i Invitee, now time.Time) InviteSkip {
	switch {
	case !i.Member:
		return SkipNotMember
	case i.Registered:
		return SkipRegistered
	case i.Assessed:
		return SkipAssessed
	case i.OptedOut:
		return SkipOptedOut
	case !i.LastInvited.IsZero() && now.Sub(i.LastInvited) < InviteAgainAfter:
		return SkipRecent
	case i.Address == "":
		return SkipNoAddress
	}
	return ""
}
