package scoring

import (
	"cmp"
	"slices"
)

// PriorityPillars is how many of the weakest pillars a result names as
// the ones to work on first.
const PriorityPillars = 2

// Priorities is the pillars to work on first: the PriorityPillars weakest
// scored pillars, weakest first, instrument order on ties. The result
// page gives their advice, and the path to the next level starts with
// their steps (orderGroups).
func (r Result) Priorities() []string {
	var scored []PillarScore
	for _, ps := range r.Pillars {
		if ps.Scored {
			scored = append(scored, ps)
		}
	}
	slices.SortStableFunc(scored, func(a, b PillarScore) int { return cmp.Compare(a.Score, b.Score) })
	var ids []string
	for _, ps := range scored[:min(PriorityPillars, len(scored))] {
		ids = append(ids, ps.PillarID)
	}
	return ids
}
