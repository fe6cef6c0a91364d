package disclosure

import (
	"math"
	"slices"

	"dxready/scoring"
)

// MinGroup is the smallest group whose figures are shown. A group of fewer
// firms shows its count only, everywhere: pages, charts, exports.
const MinGroup = 5

// Stat describes one score over a group.
type Stat struct {
	N          int
	Suppressed bool // fewer than MinGroup scores: the numbers are zero
	Mean       float64
	// Quantiles is set for exact figures only: P25, Median and P75 then
	// interpolate linearly between closest ranks (Excel's PERCENTILE.INC).
	Quantiles        bool
	P25, Median, P75 float64
}

// Figures is what may be shown of a group.
type Figures struct {
	N          int  // firms with a result: exact
	Suppressed bool // N < MinGroup: nothing below is filled
	Perturbed  bool // the figures carry noise (Protect); false for Exact
	Levels     []int
	// Adopt counts, per adoption slot, the firms whose fact holds:
	// perturbed like Levels, each on its own (they are not a partition).
	Adopt   []int
	Overall Stat
	Pillars []Stat
	// FewForShares: the group is too small for open data to publish its
	// shares (PublicSharesMin); Levels and Adopt are filled all the same,
	// for estimates that pool it.
	FewForShares bool
	bands        []int   // perturbed overall scores per band of ten points
	noiseSD      float64 // the standard deviation of the overall mean's noise
	countVar     float64 // the variance of one count's noise
}

// Margin is how far, at most in 19 cases out of 20, the published overall
// mean may lie from the exact one because of the noise: 1.96 standard
// deviations. It depends only on how many firms each stratum holds, which
// is no secret, so showing it discloses nothing. Zero for exact figures.
func (f Figures) Margin() float64 { return 1.96 * f.noiseSD }

// suppressed returns the figures of a group too small to show.
func suppressed(n, pillars int, perturbed bool) Figures {
	f := Figures{N: n, Suppressed: true, Perturbed: perturbed, Overall: Stat{N: n, Suppressed: true}, Pillars: make([]Stat, pillars)}
	for i := range f.Pillars {
		f.Pillars[i].Suppressed = true
	}
	return f
}

// Protect computes the figures of a group whose results are not all visible
// to the viewer, from its strata (each perturbed with its own cell key; see
// the package documentation). Every stratum must have the same pillars.
func Protect(strata ...Tally) Figures { return protect(private, strata) }

// ProtectPublic computes the figures open data publishes of a group: as
// Protect, with the noise of PublicCells cells on each, drawn apart from
// Protect's, so the published figures and the portal's together tell no
// more than the portal's and one more look.
func ProtectPublic(strata ...Tally) Figures { return protect(public, strata) }

func protect(sc scale, strata []Tally) Figures {
	var all Tally
	if len(strata) > 0 {
		all = NewTally(len(strata[0].Pillars))
	}
	for _, st := range strata {
		all.Merge(st)
	}
	if all.N < MinGroup {
		return suppressed(all.N, len(all.Pillars), true)
	}
	f := Figures{N: all.N, Perturbed: true, Levels: make([]int, scoring.Levels), bands: make([]int, Bands),
		Overall: Stat{N: all.N}, Pillars: make([]Stat, len(all.Pillars))}
	sum, variance := 0.0, 0.0
	pillarSums := make([]float64, len(all.Pillars))
	for _, st := range strata {
		if st.N == 0 {
			continue
		}
		variance += sc.sigma * sc.sigma * sigma(st.N) * sigma(st.N)
		sum += st.Sum + sumNoise(&st, sc)
		for i, p := range st.Pillars {
			pillarSums[i] += p.Sum + pillarNoise(&st, i, sc)
		}
	}
	f.Levels, f.bands = perturbCounts(all.Levels[:], &all, figLevel, sc), perturbCounts(all.Bands[:], &all, figBand, sc)
	f.Adopt = perturbShares(all.Adopt[:], &all, figAdopt, sc)
	f.countVar = countNoiseVar * float64(sc.draws)
	f.FewForShares = sc == public && all.N < PublicSharesMin
	f.Overall.Mean = clampScore(sum / float64(all.N))
	f.noiseSD = math.Sqrt(variance) / float64(all.N)
	for i, p := range all.Pillars {
		f.Pillars[i] = Stat{N: p.N, Suppressed: p.N < MinGroup}
		if !f.Pillars[i].Suppressed {
			f.Pillars[i].Mean = clampScore(pillarSums[i] / float64(p.N))
		}
	}
	return f
}

func clampScore(v float64) float64 { return max(0, min(100, v)) }

// Exact computes the figures of a group whose every result the viewer may
// see one by one (members sharing with the lead's association): no noise,
// and quantiles, still nothing below MinGroup.
func Exact(records []scoring.Entry, pillars int) Figures {
	if len(records) < MinGroup {
		return suppressed(len(records), pillars, false)
	}
	f := Figures{N: len(records), Levels: make([]int, scoring.Levels), Pillars: make([]Stat, pillars)}
	overall := make([]float64, 0, len(records))
	cols := make([][]float64, pillars)
	for _, e := range records {
		overall = append(overall, e.Overall)
		if e.Level >= 0 && e.Level < scoring.Levels {
			f.Levels[e.Level]++
		}
		for i := range min(pillars, len(e.Pillars)) {
			if !math.IsNaN(e.Pillars[i]) {
				cols[i] = append(cols[i], e.Pillars[i])
			}
		}
	}
	f.Overall = describe(overall)
	for i := range cols {
		f.Pillars[i] = describe(cols[i])
	}
	return f
}

// describe is the exact Stat of vals, suppressed below MinGroup. It sorts
// vals in place.
func describe(vals []float64) Stat {
	st := Stat{N: len(vals)}
	if len(vals) < MinGroup {
		st.Suppressed = true
		return st
	}
	slices.Sort(vals)
	sum := 0.0
	for _, v := range vals {
		sum += v
	}
	st.Mean, st.Quantiles = sum/float64(len(vals)), true
	st.P25, st.Median, st.P75 = quantile(vals, 0.25), quantile(vals, 0.5), quantile(vals, 0.75)
	return st
}

// quantile of sorted vals at q in [0,1], by linear interpolation.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	if lo+1 >= len(sorted) {
		return sorted[lo]
	}
	return sorted[lo] + (pos-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// Below estimates the share (0–100) of the group's firms that score less
// than v overall, from the perturbed bands: the bands wholly below v, and
// the part of v's band below it as if its firms were spread evenly. It is
// 0 for suppressed or exact figures.
func (f Figures) Below(v float64) float64 {
	if f.Suppressed || len(f.bands) == 0 || f.N == 0 {
		return 0
	}
	b := band(v)
	below := 0.0
	for _, c := range f.bands[:b] {
		below += float64(c)
	}
	width := 100.0 / Bands
	below += float64(f.bands[b]) * max(0, min(1, (v-float64(b)*width)/width))
	return clampScore(below / float64(f.N) * 100)
}
