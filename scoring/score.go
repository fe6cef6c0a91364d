// Package scoring turns a response into readiness scores: a score per
// pillar, an overall score and a level, an explanation of what cost the most
// points, and the fewest one-notch steps that reach the next level. It is
// pure and deterministic: the same instrument and answers always give the
// same result.
//
//	pillar score = Σ(weight × points) / Σ(weight × max points) × 100
//	overall      = Σ(pillar weight × pillar score) / Σ(pillar weights)
//
// over the questions that apply. "Not applicable" leaves both sums; an
// applicable question with no answer (only possible in a draft) counts as 0
// points. A pillar where no question applies has no score and leaves the
// overall mean.
package scoring

import (
	"dxready/survey"
)

// PillarScore is one pillar's result.
type PillarScore struct {
	PillarID string
	Score    float64 // 0–100
	Scored   bool    // false when no question of the pillar applies
	Earned   float64 // Σ weight × points
	Possible float64 // Σ weight × max points
}

// Loss is an answer that cost its pillar points: Lost is on the pillar's
// 0–100 scale.
type Loss struct {
	QuestionID string
	Lost       float64
}

// Result is a scored response.
type Result struct {
	Instrument string // "ID@Version"
	Pillars    []PillarScore
	Overall    float64 // 0–100
	Level      int
	Losses     map[string][]Loss // per pillar, the costliest answers first (at most MaxLosses)
	Path       Path              // towards the next level
}

// MaxLosses is how many costly answers are kept per pillar.
const MaxLosses = 3

// Pillar returns the score of pillar id.
func (r *Result) Pillar(id string) (PillarScore, bool) {
	for _, p := range r.Pillars {
		if p.PillarID == id {
			return p, true
		}
	}
	return PillarScore{}, false
}

// item is one applicable, scored question of a response.
type item struct {
	q      *survey.Question
	pillar int
	points float64
	answer survey.Answer
}

// Score scores answers to in for a firm with profile p.
func Score(in *survey.Instrument, p survey.Profile, answers map[string]survey.Answer) Result {
	res := Result{Instrument: in.Key(), Losses: map[string][]Loss{}}
	pillarIdx := map[string]int{}
	for i, pl := range in.Pillars {
		pillarIdx[pl.ID] = i
		res.Pillars = append(res.Pillars, PillarScore{PillarID: pl.ID})
	}
	var items []item
	for _, q := range in.Questions() {
		if !q.Applies(p, answers) {
			continue
		}
		a, answered := answers[q.ID]
		if answered && a.NA() {
			continue
		}
		it := item{q: q, pillar: pillarIdx[q.Pillar()], answer: a}
		if answered {
			it.points = Points(q, a)
		}
		ps := &res.Pillars[it.pillar]
		ps.Earned += q.Weight * it.points
		ps.Possible += q.Weight * q.MaxPoints()
		items = append(items, it)
	}
	var sumW, sum float64
	for i := range res.Pillars {
		ps := &res.Pillars[i]
		if ps.Possible > 0 {
			ps.Scored = true
			ps.Score = clamp(ps.Earned / ps.Possible * 100)
			w := in.Pillars[i].Weight
			sumW += w
			sum += w * ps.Score
		}
	}
	if sumW > 0 {
		res.Overall = clamp(sum / sumW)
	}
	res.Level = in.LevelFor(res.Overall).Level
	res.Losses = losses(in, res.Pillars, items)
	res.Path = pathToNext(in, res, items, sumW)
	return res
}

// Points is what answer a earns on q: the chosen option's points, or for a
// checklist the sum of the ticked options, capped.
func Points(q *survey.Question, a survey.Answer) float64 {
	if a.NA() {
		return 0
	}
	sum := 0.0
	for _, id := range a.Options {
		if o, ok := q.Option(id); ok {
			sum += o.Points
		}
	}
	return min(sum, q.MaxPoints())
}

func clamp(x float64) float64 { return max(0, min(100, x)) }

func losses(in *survey.Instrument, pillars []PillarScore, items []item) map[string][]Loss {
	out := map[string][]Loss{}
	for _, it := range items {
		ps := pillars[it.pillar]
		lost := it.q.Weight * (it.q.MaxPoints() - it.points) / ps.Possible * 100
		if lost <= 0 {
			continue
		}
		id := in.Pillars[it.pillar].ID
		out[id] = insertLoss(out[id], Loss{QuestionID: it.q.ID, Lost: lost})
	}
	return out
}

// insertLoss keeps ls sorted by Lost, largest first (ties keep question
// order), and at most MaxLosses long.
func insertLoss(ls []Loss, l Loss) []Loss {
	i := len(ls)
	for i > 0 && ls[i-1].Lost < l.Lost {
		i--
	}
	if i >= MaxLosses {
		return ls
	}
	ls = append(ls, Loss{})
	copy(ls[i+1:], ls[i:])
	ls[i] = l
	if len(ls) > MaxLosses {
		ls = ls[:MaxLosses]
	}
	return ls
}
