package scoring

import (
	"slices"
	"sort"

	"dxready/survey"
)

// Step is one answer change on the path to the next level.
type Step struct {
	QuestionID string
	From, To   []string // option IDs before and after
	Gain       float64  // overall points the change adds
}

// Path is the fewest answer changes that lift the overall score over the
// next level's threshold.
type Path struct {
	NextLevel int // -1 at the top level
	Steps     []Step
	Reachable bool    // false when even every possible change falls short
	Reaches   float64 // the overall score after the steps
}

// candidate is a question whose answer can still earn more.
type candidate struct {
	it    item
	coeff float64 // overall points per question point
	gain  float64 // overall points at the question's maximum
}

// pathToNext finds the fewest changes to reach the next threshold.
//
// The overall score is linear in the points of each question while
// applicability stays fixed, so taking the largest possible gains first
// gives the fewest changes. Each chosen change is then trimmed to the
// smallest improvement that still crosses the threshold, so the advice asks
// no more than needed. Questions that decide whether others apply
// (gateways) are left out: changing them changes which questions count.
func pathToNext(in *survey.Instrument, r Result, items []item, sumW float64) Path {
	p := Path{NextLevel: -1}
	if r.Level+1 >= len(in.Levels) || sumW == 0 {
		return p
	}
	p.NextLevel = r.Level + 1
	target := in.Levels[p.NextLevel].Min
	gateways := gatewayQuestions(in)
	var cands []candidate
	for _, it := range items {
		if gateways[it.q.ID] {
			continue
		}
		ps := r.Pillars[it.pillar]
		c := candidate{it: it, coeff: in.Pillars[it.pillar].Weight / sumW * it.q.Weight / ps.Possible * 100}
		c.gain = c.coeff * (it.q.MaxPoints() - it.points)
		if c.gain > 1e-9 {
			cands = append(cands, c)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].gain > cands[j].gain })
	const eps = 1e-9
	total := r.Overall
	var chosen []candidate
	for _, c := range cands {
		if total >= target-eps {
			break
		}
		chosen = append(chosen, c)
		total += c.gain
	}
	p.Reachable = total >= target-eps
	// Trim, smallest gain first: each change keeps only what is needed.
	for i := len(chosen) - 1; i >= 0; i-- {
		c := chosen[i]
		slack := total - target
		if !p.Reachable {
			slack = 0
		}
		to, pts := minimalImprovement(c.it, (c.it.q.MaxPoints()-c.it.points)-slack/c.coeff)
		gain := c.coeff * (pts - c.it.points)
		total -= c.gain - gain
		p.Steps = append(p.Steps, Step{QuestionID: c.it.q.ID, From: slices.Clone(c.it.answer.Options), To: to, Gain: gain})
	}
	slices.Reverse(p.Steps)
	p.Reaches = min(100, total)
	return p
}

// minimalImprovement returns the answer that earns at least need more
// points than it's current one with the least change, and its points.
func minimalImprovement(it item, need float64) ([]string, float64) {
	q := it.q
	const eps = 1e-9
	if q.Type == survey.Single {
		best, bestPts := "", q.MaxPoints()+1
		for _, o := range q.Options {
			if o.Points-it.points >= need-eps && o.Points > it.points && o.Points < bestPts {
				best, bestPts = o.ID, o.Points
			}
		}
		return []string{best}, bestPts
	}
	// Checklist: the cheapest single tool that is enough; otherwise add the
	// most valuable tools until enough (fewest additions).
	var missing []survey.Option
	for _, o := range q.Options {
		if !slices.Contains(it.answer.Options, o.ID) {
			missing = append(missing, o)
		}
	}
	sort.SliceStable(missing, func(i, j int) bool { return missing[i].Points < missing[j].Points })
	with := func(extra ...string) ([]string, float64) {
		opts := append(slices.Clone(it.answer.Options), extra...)
		return opts, Points(q, survey.Answer{Options: opts})
	}
	for _, o := range missing {
		if opts, pts := with(o.ID); pts-it.points >= need-eps && pts > it.points {
			return opts, pts
		}
	}
	have, pts := with()
	for i := len(missing) - 1; i >= 0 && pts-it.points < need-eps && pts < q.MaxPoints(); i-- {
		have, pts = with(append(have[len(it.answer.Options):], missing[i].ID)...)
	}
	return have, pts
}

func gatewayQuestions(in *survey.Instrument) map[string]bool {
	g := map[string]bool{}
	for _, q := range in.Questions() {
		if q.When != nil && q.When.Question != "" {
			g[q.When.Question] = true
		}
	}
	return g
}
