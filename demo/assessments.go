package demo

import (
	"math"
	"time"

	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/survey"
)

// industryTilt shifts a firm's maturity per pillar by its industry:
// ICT firms lead on infrastructure and data, manufacturers on operations,
// traders on customer channels. Pillar order follows the instrument.
var industryTilt = map[string][6]float64{
	"J": {0.10, 0.10, 0.15, 0.05, 0.10, 0.15},
	"C": {-0.08, 0, 0.02, 0.08, -0.04, -0.02},
	"G": {0.08, -0.02, -0.03, 0, -0.02, 0},
	"H": {0, 0, 0.02, 0.06, -0.03, 0.02},
	"F": {-0.10, -0.05, -0.05, -0.02, -0.05, -0.08},
	"A": {-0.12, -0.08, -0.10, -0.08, -0.08, -0.10},
}

// sizeBase is the typical maturity of each size class.
var sizeBase = map[firms.SizeClass]float64{firms.Micro: 0.22, firms.Small: 0.36, firms.Medium: 0.50, firms.Large: 0.62}

// submissions makes the submitted assessments of firm f, a member of
// members associations: about 40% of firms have assessed themselves, a
// third of them two or three times across the last eight quarters,
// improving each time. Members of associations and firms in industrial
// parks start a little ahead. FirmID is left for the store to set.
func (g *generator) submissions(in *survey.Instrument, f *firms.Firm, members int, now time.Time) []store.PastSubmission {
	if g.rng.Float64() >= 0.40 {
		return nil
	}
	m := sizeBase[f.SizeClass] + 0.06*float64(min(members, 2)) + g.rng.NormFloat64()*0.12
	if f.ParkCode != "" {
		m += 0.04
	}
	n := 1
	if r := g.rng.Float64(); r < 0.22 {
		n = 2
	} else if r < 0.33 {
		n = 3
	}
	// Quarter offsets back from now, oldest first, at least a quarter apart.
	first := 1 + g.rng.IntN(8-n+1) + (n - 1)
	p := survey.Profile{Section: f.Section, Size: string(f.SizeClass)}
	out := make([]store.PastSubmission, 0, n)
	for k := range n {
		quartersAgo := first - k*(1+g.rng.IntN(2))
		quartersAgo = max(quartersAgo, 0)
		at := now.AddDate(0, -3*quartersAgo, -g.rng.IntN(80))
		level := m - 0.09*float64(n-1-k) // earlier assessments sit lower
		answers := g.answers(in, p, level, industryTilt[f.Section])
		out = append(out, store.PastSubmission{Profile: p, Answers: answers, Result: scoring.Score(in, p, answers), SubmittedAt: at})
	}
	return out
}

// answers answers every applicable question for a firm of maturity m:
// each answer lands near m along the question's scale, with noise.
func (g *generator) answers(in *survey.Instrument, p survey.Profile, m float64, tilt [6]float64) map[string]survey.Answer {
	out := map[string]survey.Answer{}
	for pi, pl := range in.Pillars {
		pm := m + tilt[pi] + g.rng.NormFloat64()*0.06
		for qi := range pl.Questions {
			q := &pl.Questions[qi]
			if !q.Applies(p, out) {
				continue
			}
			if q.AllowNA && g.rng.Float64() < 0.08 {
				out[q.ID] = survey.Answer{Options: []string{survey.NotApplicable}}
				continue
			}
			x := clamp01(pm + g.rng.NormFloat64()*0.15)
			if q.Type == survey.Multi {
				var ids []string
				for _, o := range q.Options {
					if g.rng.Float64() < x {
						ids = append(ids, o.ID)
					}
				}
				out[q.ID] = survey.Answer{Options: append([]string{}, ids...)}
				continue
			}
			i := int(math.Round(x * float64(len(q.Options)-1)))
			out[q.ID] = survey.Answer{Options: []string{q.Options[i].ID}}
		}
	}
	return out
}

func clamp01(x float64) float64 { return max(0, min(1, x)) }
