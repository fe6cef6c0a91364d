package disclosure

import (
	"cmp"
	"math"
	"math/rand/v2"

	"dxready/scoring"
)

// The simulated province used by this package's tests: scores and levels
// shaped like the demo's, pillars around the overall score, and fresh
// random record keys.

const simPillars = 6

// simLevel follows the DBI's thresholds closely enough for the tests.
func simLevel(overall float64) int {
	for i, t := range []float64{80, 65, 50, 35, 20} {
		if overall >= t {
			return scoring.Levels - 1 - i
		}
	}
	return 0
}

func simRecord(rng *rand.Rand) Record {
	base := 50 + rng.NormFloat64()*16
	r := Record{Key: rng.Uint32(), FirmKey: rng.Uint32(), Entry: scoring.Entry{Pillars: make([]float64, simPillars)}}
	for i := range r.Pillars {
		r.Pillars[i] = max(0, min(100, base+rng.NormFloat64()*10))
		r.Overall += r.Pillars[i] / simPillars // the overall score is the pillars' mean
	}
	r.Level = simLevel(r.Overall)
	return r
}

func tallyOf(rs []Record) Tally {
	t := NewTally(simPillars)
	for _, r := range rs {
		t.Add(r)
	}
	return t
}

func entries(rs []Record) []scoring.Entry {
	out := make([]scoring.Entry, len(rs))
	for i, r := range rs {
		out[i] = r.Entry
	}
	return out
}

// argmax returns the index of the largest value (the first among equals).
func argmax[T cmp.Ordered](xs []T) int {
	best := 0
	for i, x := range xs {
		if x > xs[best] {
			best = i
		}
	}
	return best
}

func abs(x float64) float64 { return math.Abs(x) }
