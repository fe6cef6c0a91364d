package disclosure

import (
	"math"

	"dxready/scoring"
)

// Stratum is one stratum of a registry-weighted estimate: how many firms
// of the registry it holds, and the protected figures of those of them
// that assessed themselves.
type Stratum struct {
	Registry int
	Figures  Figures
}

// Interval is an estimate with its 95% confidence interval.
type Interval struct{ Value, Lo, Hi float64 }

// Estimate is a figure for every firm of the registry, not only those that
// assessed themselves (who chose to, and may differ from the rest): each
// stratum's figures weighted by its share of the registry
// (post-stratification). docs/ESTIMATES.md gives the method.
type Estimate struct {
	Mean     Interval   // overall score, 0–100
	Levels   []Interval // share of firms at each level, 0–100
	Registry int        // firms of the strata used
	Strata   int        // strata used
}

// z95 is the normal quantile of a two-sided 95% interval.
const z95 = 1.959963984540054

// PostStratify estimates the registry's mean score and level shares from
// strata, each with its protected figures (Protect). A stratum with no
// firm in the registry or whose figures are suppressed is left out; ok is
// false when none is left. The variance of each stratum's mean adds its
// sampling variance, with the finite-population correction and the spread
// read from its perturbed bands of ten points (the only spread protected
// figures show), to the variance of its noise; level shares likewise, with
// the count noise. Only protected figures go in, so the estimate discloses
// nothing they do not.
func PostStratify(strata []Stratum) (Estimate, bool) {
	var used []Stratum
	total := 0
	for _, st := range strata {
		if st.Registry > 0 && !st.Figures.Suppressed && st.Figures.Perturbed && st.Figures.N > 0 {
			used = append(used, st)
			total += st.Registry
		}
	}
	if len(used) == 0 {
		return Estimate{}, false
	}
	e := Estimate{Registry: total, Strata: len(used), Levels: make([]Interval, scoring.Levels)}
	var mean, meanVar float64
	shares, shareVar := make([]float64, scoring.Levels), make([]float64, scoring.Levels)
	for _, st := range used {
		f, n := st.Figures, float64(st.Figures.N)
		w := float64(st.Registry) / float64(total)
		fpc := max(0, 1-n/float64(st.Registry))
		mean += w * f.Overall.Mean
		meanVar += w * w * (fpc*f.bandVariance()/n + f.noiseSD*f.noiseSD)
		for l := range scoring.Levels {
			p := float64(f.Levels[l]) / n
			shares[l] += w * p
			// Each perturbed count carries noise of variance f.countVar.
			shareVar[l] += w * w * (fpc*p*(1-p)/max(1, n-1) + f.countVar/(n*n))
		}
	}
	e.Mean = interval(mean, meanVar, 100)
	for l := range scoring.Levels {
		iv := interval(shares[l], shareVar[l], 1)
		e.Levels[l] = Interval{iv.Value * 100, iv.Lo * 100, iv.Hi * 100}
	}
	return e, true
}

// countNoiseVar is the variance of the noise on one count of the portal's
// figures: two draws from pTable (variance 1.4 each); open data's adds up
// PublicCountDraws such pairs.
const countNoiseVar = 2.8

// PublicCountSD is the standard deviation of the noise on one count of
// open data (PublicCountDraws pairs of table draws), in firms: what the
// methodology tells readers a published count may be off by.
func PublicCountSD() float64 { return math.Sqrt(countNoiseVar * PublicCountDraws) }

func interval(v, variance, top float64) Interval {
	h := z95 * math.Sqrt(variance)
	return Interval{Value: v, Lo: max(0, v-h), Hi: min(top, v+h)}
}

// bandVariance is the spread of the overall scores as the perturbed bands
// show it: each band's firms at its middle, about the mean.
func (f Figures) bandVariance() float64 {
	if f.N < 2 || len(f.bands) == 0 {
		return 0
	}
	width, ss := 100.0/Bands, 0.0
	for b, c := range f.bands {
		d := (float64(b)+0.5)*width - f.Overall.Mean
		ss += float64(c) * d * d
	}
	return ss / float64(f.N-1)
}
