package advisors

import (
	"slices"
	"time"
)

// Booking statuses. A booking holds the advisor's time unless cancelled.
const (
	StatusConfirmed = "confirmed"
	StatusCancelled = "cancelled"
	StatusDone      = "done"    // the consultation was held
	StatusNoShow    = "no_show" // the firm did not come
)

// Party is who asks to change a booking, as the booking rules see them.
// Whether a user is a party to a booking at all (its firm's user, its
// advisor, Center staff) is auth.Can's question; what each party may do
// to it, and when, is CanChange's.
type Party string

// The parties to a booking.
const (
	PartyFirm    Party = "firm"    // a user of the booking's firm
	PartyAdvisor Party = "advisor" // the booking's advisor
	PartyCenter  Party = "center"  // Center staff
)

// Op is a change to a booking.
type Op string

// The changes a booking can undergo.
const (
	OpCancel     Op = "cancel"
	OpReschedule Op = "reschedule"
	OpOutcome    Op = "outcome" // mark it held or no-show, or correct that
	OpNotes      Op = "notes"   // the advisor's notes of the consultation
	OpActions    Op = "actions" // add items to the action plan
	OpLink       Op = "link"    // set the booking's own meeting link (see MeetingLink)
)

// Ops lists every op, for tests and pages.
var Ops = []Op{OpCancel, OpReschedule, OpOutcome, OpNotes, OpActions, OpLink}

// Booking is what the booking rules need to know of a consultation.
type Booking struct {
	ID        int64
	AdvisorID int64
	Status    string
	Period
}

// Refusal is a booking rule's "no", named by its message ID.
type Refusal string

// Error returns the message ID.
func (r Refusal) Error() string { return string(r) }

// Refusals of CanChange and CheckFairUse.
const (
	// ErrNotAllowed: this party never may (a firm recording the outcome);
	// the web answers 403.
	ErrNotAllowed Refusal = "error.booking.not_allowed"
	ErrCancelled  Refusal = "error.booking.cancelled"   // it was cancelled
	ErrStarted    Refusal = "error.booking.started"     // too late to cancel or move
	ErrNotStarted Refusal = "error.booking.not_started" // too early to record
	ErrNotHeld    Refusal = "error.booking.not_held"    // action plans follow a held consultation
	ErrFirmLimit  Refusal = "error.booking.limit_firm"  // the firm holds its share of open bookings
	// ErrAdvisorLimit: the firm holds its share of this advisor's time.
	ErrAdvisorLimit Refusal = "error.booking.limit_advisor"
	ErrFirmBusy     Refusal = "error.booking.firm_busy" // the firm has another consultation then
)

// change is one op's rule: who may, from which statuses, and on which side
// of the start.
type change struct {
	parties  []Party
	statuses []string
	started  bool // true: only once it has started; false: only before
}

var changes = map[Op]change{
	OpCancel:     {[]Party{PartyFirm, PartyAdvisor, PartyCenter}, []string{StatusConfirmed}, false},
	OpReschedule: {[]Party{PartyFirm, PartyAdvisor, PartyCenter}, []string{StatusConfirmed}, false},
	OpOutcome:    {[]Party{PartyAdvisor, PartyCenter}, []string{StatusConfirmed, StatusDone, StatusNoShow}, true},
	OpNotes:      {[]Party{PartyAdvisor, PartyCenter}, []string{StatusConfirmed, StatusDone, StatusNoShow}, true},
	OpActions:    {[]Party{PartyAdvisor, PartyCenter}, []string{StatusDone}, true},
	OpLink:       {[]Party{PartyAdvisor, PartyCenter}, []string{StatusConfirmed}, false},
}

// CanChange reports whether party may do op to b at now, or the refusal:
//   - a firm may only cancel or reschedule; the advisor and the Center may
//     also record the outcome, notes and an action plan;
//   - the advisor and the Center may set the booking's meeting link;
//   - cancelling, moving and the link need a confirmed booking that has not started
//     (a consultation that took place cannot be cancelled after the fact);
//   - the outcome and notes wait until it has started, and may be corrected
//     afterwards; action items need one marked held;
//   - nothing changes a cancelled booking.
//
// The store asks it inside the write transaction, with the transaction's
// time; pages ask it to decide which buttons to draw.
func CanChange(b Booking, op Op, party Party, now time.Time) error {
	c, ok := changes[op]
	if !ok || !slices.Contains(c.parties, party) {
		return ErrNotAllowed
	}
	started := !now.Before(b.Start)
	switch {
	case b.Status == StatusCancelled:
		return ErrCancelled
	case !c.started && (started || b.Status != StatusConfirmed):
		return ErrStarted
	case c.started && !started:
		return ErrNotStarted
	case !slices.Contains(c.statuses, b.Status):
		return ErrNotHeld
	}
	return nil
}

// Limits are the fair use of the advisors' time: how many open bookings
// (confirmed, not yet over) one firm may hold in all, and with any one
// advisor.
type Limits struct {
	PerFirm        int
	PerFirmAdvisor int
}

// Default fair-use limits.
const (
	DefaultMaxOpenPerFirm        = 2
	DefaultMaxOpenPerFirmAdvisor = 1
	MaxOpenLimit                 = 100 // the largest either limit may be set to
)

// DefaultLimits are the Center's defaults: two open bookings per firm,
// one of them with any one advisor.
func DefaultLimits() Limits {
	return Limits{PerFirm: DefaultMaxOpenPerFirm, PerFirmAdvisor: DefaultMaxOpenPerFirmAdvisor}
}

// Valid reports whether both limits lie in 1…MaxOpenLimit.
func (l Limits) Valid() bool {
	return l.PerFirm >= 1 && l.PerFirm <= MaxOpenLimit && l.PerFirmAdvisor >= 1 && l.PerFirmAdvisor <= MaxOpenLimit
}

// Open reports whether b still holds advisor time ahead of now: confirmed
// and not yet over.
func (b Booking) Open(now time.Time) bool {
	return b.Status == StatusConfirmed && now.Before(b.End)
}

// CheckFairUse reports whether a firm holding held (its bookings, any
// status) may take next: a new booking (ID 0) or a move of one of held
// (its ID). The firm never holds two consultations at the same time, with
// whichever advisors; a new booking also needs room under both limits
// (a move does not change how much the firm holds).
func CheckFairUse(l Limits, held []Booking, next Booking, now time.Time) error {
	open, withAdvisor := 0, 0
	for _, b := range held {
		if b.Status == StatusCancelled || (next.ID != 0 && b.ID == next.ID) {
			continue
		}
		if b.Overlaps(next.Period) {
			return ErrFirmBusy
		}
		if b.Open(now) {
			open++
			if b.AdvisorID == next.AdvisorID {
				withAdvisor++
			}
		}
	}
	switch {
	case next.ID != 0:
		return nil
	case withAdvisor >= l.PerFirmAdvisor:
		return ErrAdvisorLimit
	case open >= l.PerFirm:
		return ErrFirmLimit
	}
	return nil
}
