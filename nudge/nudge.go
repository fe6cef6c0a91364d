// Package nudge holds the rules of the portal's nudges (issue 15, point
// 4): which subjects are due a reminder, how often one may be sent (the
// cap), and where the worker starts looking. It is pure: the store finds
// the candidates, the web package composes and queues the messages.
package nudge

import "time"

// Kind is a kind of nudge; a user may opt out of each kind on its own.
type Kind string

// The kinds of nudges.
const (
	Draft  Kind = "draft"  // a draft untouched for StaleAfter
	Action Kind = "action" // an action item due within DueWithin, or overdue
	NoShow Kind = "noshow" // an offer to book again after a missed consultation
)

// Kinds lists every kind, in the order the account page shows them.
var Kinds = []Kind{Draft, Action, NoShow}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { return k == Draft || k == Action || k == NoShow }

// The timing of the nudges.
const (
	// StaleAfter is how long a draft stays untouched before its reminder.
	StaleAfter = 7 * 24 * time.Hour
	// DueWithinDays is how many days before its due date an open action
	// item is reminded (and any overdue one).
	DueWithinDays = 3
	// Lookback is how far back the worker looks the first time it runs:
	// a draft abandoned, an item due or a consultation missed longer ago
	// than that before nudges existed is not chased.
	Lookback = 30 * 24 * time.Hour
	// Cap is the most nudges of one kind about one subject (a draft, an
	// item, a missed booking): a reminder, not a drip.
	Cap = 1
)

// Allowed is the cap: one more nudge about a subject may go when sent
// were sent about it already.
func Allowed(sent int) bool { return sent < Cap }

// DraftStale reports whether a draft last answered at lastAnswer is due
// its reminder at now: not submitted, and untouched for StaleAfter.
func DraftStale(lastAnswer time.Time, submitted bool, now time.Time) bool {
	return !submitted && !lastAnswer.IsZero() && now.Sub(lastAnswer) >= StaleAfter
}

// StaleBefore is the latest last answer of a draft due its reminder at now.
func StaleBefore(now time.Time) time.Time { return now.Add(-StaleAfter) }

// DueBy is the latest due date (a local date, 2006-01-02) of an action
// item reminded on the local day today.
func DueBy(today time.Time) string {
	return today.AddDate(0, 0, DueWithinDays).Format(time.DateOnly)
}

// ActionDue reports whether an action item due on due (a local date) is
// reminded on the local day today: not done, and due within DueWithinDays
// or overdue. An unreadable date is never due.
func ActionDue(due string, done bool, today time.Time) bool {
	d, err := time.Parse(time.DateOnly, due)
	return err == nil && !done && d.Format(time.DateOnly) == due && due <= DueBy(today)
}

// NoShowOffer reports whether a firm that missed a consultation is offered
// to book again: not when it has booked again already.
func NoShowOffer(bookedSince bool) bool { return !bookedSince }

// Send reports whether a nudge of a kind goes to one recipient: one whose
// address is verified and who has not opted out of that kind.
func Send(verified, optedOut bool) bool { return verified && !optedOut }

// Since is where the worker starts the first time it looks for nudges of
// kind k at now (Lookback): the earliest last answer of a draft, the
// earliest change of a missed booking, and, for action items, the earliest
// due date (a local date, today being now's local day).
func Since(k Kind, now, today time.Time) (at time.Time, due string) {
	switch k {
	case Draft:
		return StaleBefore(now).Add(-Lookback), ""
	case Action:
		return time.Time{}, today.Add(-Lookback).Format(time.DateOnly)
	}
	return now.Add(-Lookback), ""
}
