// Package funnel defines the programme funnel (docs/FUNNEL.md): the stages
// a firm passes from registering to being re-assessed after a consultation,
// when it reached each, and the figures of a group of firms (counts,
// conversion to the next stage, drop-off, median days). It is pure: the
// store gives it what the rows say about a firm (Facts) and keeps what it
// returns.
package funnel

import (
	"slices"
	"time"

	"dxready/scoring"
)

// Stage is one step of the funnel, in order.
type Stage int

// The stages, in the order a firm passes them.
const (
	Registered  Stage = iota // a firm user's account on the firm was created
	Verified                 // a firm user's claim on the firm was verified
	Started                  // an assessment (draft) of the firm was started
	Submitted                // an assessment of the firm was submitted
	Booked                   // a consultation with an advisor was booked, whatever became of it
	Held                     // a consultation took place (marked held by its advisor)
	ActionsDone              // every action item of a held consultation is done
	Reassessed               // an assessment was submitted after a held consultation
	NumStages   int   = iota
)

// Stages lists every stage in order.
var Stages = []Stage{Registered, Verified, Started, Submitted, Booked, Held, ActionsDone, Reassessed}

var keys = [NumStages]string{"registered", "verified", "started", "submitted", "booked", "held", "actions", "reassessed"}

// Key is the stage's name in URLs and message IDs ("submitted").
func (s Stage) Key() string { return keys[s] }

// ParseStage reads a Key; ok is false for anything else.
func ParseStage(k string) (Stage, bool) {
	i := slices.Index(keys[:], k)
	return Stage(i), i >= 0
}

// Facts is what a firm's rows say, each time in UTC; order does not matter.
type Facts struct {
	Accounts    []time.Time // creation of each firm-user account on the firm
	Verified    []time.Time // verification of each of those accounts' claims still verified
	Responses   []time.Time // creation of each of its assessments, draft or submitted
	Submissions []time.Time // submission of each submitted assessment
	Bookings    []time.Time // creation of each booking, whatever its status now
	Plans       []Plan      // one per booking marked held
}

// Plan is the action plan of one held consultation.
type Plan struct {
	Held  time.Time   // the consultation's start
	Items []time.Time // each item's completion, zero while the item is open
}

// Journey is when a firm reached each stage; zero for a stage not reached.
type Journey [NumStages]time.Time

// Marks returns the first time of each stage's own mark in f, zero where
// there is none: the earliest account, verification, assessment, submission,
// booking and held consultation; for ActionsDone the earliest time a held
// consultation's plan had every item done (its last item's completion, or
// the consultation itself when it agreed none); for Reassessed the first
// submission after the first held consultation.
func Marks(f Facts) Journey {
	var m Journey
	m[Registered] = earliest(f.Accounts)
	m[Verified] = earliest(f.Verified)
	m[Started] = earliest(f.Responses)
	m[Submitted] = earliest(f.Submissions)
	m[Booked] = earliest(f.Bookings)
	var held []time.Time
	for _, p := range f.Plans {
		held = append(held, p.Held)
	}
	m[Held] = earliest(held)
	for _, p := range f.Plans {
		if done := p.done(); !done.IsZero() && (m[ActionsDone].IsZero() || done.Before(m[ActionsDone])) {
			m[ActionsDone] = done
		}
	}
	if !m[Held].IsZero() {
		var after []time.Time
		for _, t := range f.Submissions {
			if t.After(m[Held]) {
				after = append(after, t)
			}
		}
		m[Reassessed] = earliest(after)
	}
	return m
}

// Reach returns when the firm reached each stage: when it had passed that
// stage and every one before it, so that no stage counts more firms than
// the one before and no stage is reached before the one before. A stage's
// own mark (Marks) is the evidence of it, with two exceptions where the
// portal lets no firm skip a stage: a firm with any mark has registered
// (records loaded without accounts, the registry's history or the demo's,
// registered outside the portal), and a firm that submitted had its claim
// verified (a submission needs one; a claim revoked since keeps the stage).
// Elsewhere a later mark is no evidence: a claimant may start a draft before
// its claim is verified, and reaches Started when it is verified.
func Reach(f Facts) Journey {
	m := Marks(f)
	for k := Verified; int(k) < NumStages; k++ {
		m[Registered] = earlier(m[Registered], m[k])
	}
	m[Verified] = earlier(m[Verified], m[Submitted])
	j := Journey{Registered: m[Registered]}
	for k := 1; k < NumStages; k++ {
		if j[k-1].IsZero() || m[k].IsZero() {
			break
		}
		j[k] = m[k]
		if j[k].Before(j[k-1]) {
			j[k] = j[k-1]
		}
	}
	return j
}

// earlier is the earlier of a and b, a zero time meaning "never".
func earlier(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// done is when every item of the plan was done (its last completion), the
// consultation itself for a plan without items, zero while an item is open.
func (p Plan) done() time.Time {
	last := p.Held
	for _, t := range p.Items {
		if t.IsZero() {
			return time.Time{}
		}
		if t.After(last) {
			last = t
		}
	}
	return last
}

func earliest(ts []time.Time) time.Time {
	var e time.Time
	for _, t := range ts {
		e = earlier(e, t)
	}
	return e
}

// QuarterIndex numbers a quarter (year*4 + quarter - 1), as the aggregates do.
func QuarterIndex(q scoring.Quarter) int { return q.Year*4 + q.Q - 1 }

// QuarterAt is the quarter a QuarterIndex numbers.
func QuarterAt(i int) scoring.Quarter { return scoring.Quarter{Year: i / 4, Q: i%4 + 1} }
