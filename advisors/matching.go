package advisors

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// Languages an advisor may consult in.
var Languages = []string{"vi", "en", "ko", "zh", "ja"}

// Profile is what matching knows of an advisor.
type Profile struct {
	ID             int64
	Name           string
	Pillars        []string // pillar IDs of the instrument the advisor is expert in
	Sections       []string // VSIC sections the advisor knows
	Associations   []int64  // associations the advisor serves
	Languages      []string // of Languages
	Wards          []string // wards visited on site; none: the whole province
	Online, OnSite bool
	WeeklyCapacity int // consultations a week
	Active         bool
}

// Load is an advisor's booking load, from the store.
type Load struct {
	ThisWeek   int       // bookings in the current week (Monday to Sunday, local)
	LastBooked time.Time // when the advisor was last booked; zero: never
}

// Need is what a firm needs from an advisor, from its profile and latest
// result.
type Need struct {
	Weakest      []string // pillar IDs, weakest first (the first three count)
	Section      string
	Associations []int64
	Language     string // the language the firm wants to consult in
	Ward         string
	OnSite       bool // the firm wants a visit
}

// Reason kinds, each worded by the web layer ("advisor.reason.<kind>").
const (
	ReasonAssociation = "association" // Value: association ID
	ReasonPillar      = "pillar"      // Value: pillar ID, the firm's weakest, which the advisor knows
	ReasonPillar2     = "pillar2"     // Value: pillar ID, the firm's second weakest (the advisor knows not the weakest)
	ReasonPillar3     = "pillar3"     // Value: pillar ID, the firm's third weakest
	ReasonSection     = "section"     // Value: VSIC section
	ReasonLanguage    = "language"    // Value: language code (only when not Vietnamese)
	ReasonArea        = "area"        // Value: ward code
	ReasonAvailable   = "available"   // no better fit: the advisor has the most room
)

// pillarReasons is the reason kind for the firm's weakest, second and third
// weakest pillar: a card says which it is, never "weakest" for all three.
var pillarReasons = [3]string{ReasonPillar, ReasonPillar2, ReasonPillar3}

// Reason is one part of why an advisor is suggested.
type Reason struct {
	Kind  string
	Value string
}

// Suggestion is an advisor ranked for a firm.
type Suggestion struct {
	Advisor Profile
	Fit     int // points of fit; higher is better
	Full    bool
	Reasons []Reason
}

// Fit points. Expertise in the weakest pillar weighs most, then the
// association and industry the advisor serves, then the second and third
// weakest pillars, language and area. A firm that asks for a language the
// advisor lacks is not sent to them unless nobody speaks it.
const (
	pointsPillar1     = 40
	pointsPillar2     = 20
	pointsPillar3     = 10
	pointsAssociation = 25
	pointsSection     = 20
	pointsLanguage    = 30
	pointsArea        = 10
)

// Rank orders the active advisors for a firm: best fit first; among equal
// fits, advisors with room this week before full ones, then the lowest
// share of weekly capacity already booked, then the least recently
// booked, then the lowest ID. Equal advisors therefore take turns, and
// the order is the same for the same inputs.
func Rank(n Need, profiles []Profile, loads map[int64]Load) []Suggestion {
	var out []Suggestion
	for _, p := range profiles {
		if !p.Active || (n.OnSite && !p.OnSite) || (!n.OnSite && !p.Online) {
			continue
		}
		s := Suggestion{Advisor: p}
		s.Fit, s.Reasons = fit(n, p)
		s.Full = loads[p.ID].ThisWeek >= p.WeeklyCapacity
		out = append(out, s)
	}
	slices.SortStableFunc(out, func(a, b Suggestion) int {
		if c := cmp.Compare(b.Fit, a.Fit); c != 0 {
			return c
		}
		if a.Full != b.Full {
			if a.Full {
				return 1
			}
			return -1
		}
		la, lb := loads[a.Advisor.ID], loads[b.Advisor.ID]
		// Compare la.ThisWeek/capA with lb.ThisWeek/capB without division.
		if c := cmp.Compare(la.ThisWeek*max(b.Advisor.WeeklyCapacity, 1), lb.ThisWeek*max(a.Advisor.WeeklyCapacity, 1)); c != 0 {
			return c
		}
		if c := la.LastBooked.Compare(lb.LastBooked); c != 0 {
			return c
		}
		return cmp.Compare(a.Advisor.ID, b.Advisor.ID)
	})
	return out
}

// fit scores how well p suits n, with the reasons in order of weight.
func fit(n Need, p Profile) (int, []Reason) {
	points := 0
	var reasons []Reason
	for _, a := range n.Associations {
		if slices.Contains(p.Associations, a) {
			points += pointsAssociation
			reasons = append(reasons, Reason{ReasonAssociation, strconv.FormatInt(a, 10)})
			break
		}
	}
	named := false
	for i, pl := range n.Weakest[:min(3, len(n.Weakest))] {
		if slices.Contains(p.Pillars, pl) {
			points += []int{pointsPillar1, pointsPillar2, pointsPillar3}[i]
			if !named { // one pillar reason: the weakest the advisor knows, with its rank
				reasons = append(reasons, Reason{pillarReasons[i], pl})
				named = true
			}
		}
	}
	if n.Section != "" && slices.Contains(p.Sections, n.Section) {
		points += pointsSection
		reasons = append(reasons, Reason{ReasonSection, n.Section})
	}
	if n.Language != "" && slices.Contains(p.Languages, n.Language) {
		points += pointsLanguage
		if n.Language != "vi" {
			reasons = append(reasons, Reason{ReasonLanguage, n.Language})
		}
	}
	if n.OnSite && n.Ward != "" && (len(p.Wards) == 0 || slices.Contains(p.Wards, n.Ward)) {
		points += pointsArea
		reasons = append(reasons, Reason{ReasonArea, n.Ward})
	}
	if len(reasons) == 0 {
		reasons = []Reason{{ReasonAvailable, ""}}
	}
	return points, reasons
}
