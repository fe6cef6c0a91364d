package disclosure

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"dxready/scoring"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestExactDescribesByHand(t *testing.T) {
	cases := []struct {
		name string
		vals []float64
		want Stat
	}{
		{"four firms are suppressed", []float64{10, 20, 30, 40}, Stat{N: 4, Suppressed: true}},
		{"five, by hand", []float64{50, 10, 40, 20, 30}, Stat{N: 5, Mean: 30, Quantiles: true, P25: 20, Median: 30, P75: 40}},
		// Six values: positions 1.25, 2.5, 3.75 between ranks (PERCENTILE.INC).
		{"six interpolate", []float64{0, 10, 20, 30, 40, 100}, Stat{N: 6, Mean: 200.0 / 6, Quantiles: true, P25: 12.5, Median: 25, P75: 37.5}},
		{"all equal", []float64{7, 7, 7, 7, 7}, Stat{N: 5, Mean: 7, Quantiles: true, P25: 7, Median: 7, P75: 7}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var es []scoring.Entry
			for _, v := range tc.vals {
				es = append(es, scoring.Entry{Overall: v, Level: simLevel(v), Pillars: []float64{v}})
			}
			got := Exact(es, 1).Overall
			if got.N != tc.want.N || got.Suppressed != tc.want.Suppressed || got.Quantiles != tc.want.Quantiles || !near(got.Mean, tc.want.Mean) ||
				!near(got.P25, tc.want.P25) || !near(got.Median, tc.want.Median) || !near(got.P75, tc.want.P75) {
				t.Fatalf("Exact(%v).Overall = %+v, want %+v", tc.vals, got, tc.want)
			}
		})
	}
}

// Properties of protected figures over random groups: suppressed below
// MinGroup; counts add up to the firms and are never negative; means stay
// within 0–100; no quantile is published.
func TestProtectProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for range 2000 {
		n, k := rng.IntN(40), 0
		if n > 0 {
			k = rng.IntN(n + 1)
		}
		rs := make([]Record, n)
		for i := range rs {
			rs[i] = simRecord(rng)
			if rng.IntN(4) == 0 {
				rs[i].Pillars[2] = math.NaN() // not applicable to this firm
			}
		}
		f := Protect(tallyOf(rs[:k]), tallyOf(rs[k:]))
		if f.N != n || !f.Perturbed {
			t.Fatalf("N %d perturbed %v, want %d true", f.N, f.Perturbed, n)
		}
		if n < MinGroup {
			if !f.Suppressed || f.Levels != nil || f.Overall.Mean != 0 || !f.Pillars[0].Suppressed {
				t.Fatalf("a group of %d is not suppressed: %+v", n, f)
			}
			continue
		}
		if sum(f.Levels) != n || sum(f.bands) != n || slices.Min(f.Levels) < 0 || slices.Min(f.bands) < 0 {
			t.Fatalf("counts of %d firms: levels %v bands %v", n, f.Levels, f.bands)
		}
		if f.Overall.Mean < 0 || f.Overall.Mean > 100 || f.Overall.Quantiles {
			t.Fatalf("overall %+v", f.Overall)
		}
		scored := 0
		for _, r := range rs {
			if !math.IsNaN(r.Pillars[2]) {
				scored++
			}
		}
		if p := f.Pillars[2]; p.N != scored || p.Suppressed != (scored < MinGroup) || p.Quantiles {
			t.Fatalf("pillar with %d scored: %+v", scored, p)
		}
	}
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

// The same set of results gives the same figures however it was put
// together: in another order, as a tally kept up to date one result at a
// time, or with a result added and taken away again.
func TestSameSetSameFigures(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	rs := make([]Record, 30)
	for i := range rs {
		rs[i] = simRecord(rng)
	}
	want := Protect(tallyOf(rs[:10]), tallyOf(rs[10:]))
	shuffled := slices.Clone(rs[10:])
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	kept := tallyOf(shuffled)
	extra := simRecord(rng)
	kept.Add(extra)
	kept.Remove(extra)
	merged := tallyOf(rs[:4])
	merged.Merge(tallyOf(rs[4:10]))
	got := Protect(merged, kept)
	if !slices.Equal(got.Levels, want.Levels) || !slices.Equal(got.bands, want.bands) ||
		math.Abs(got.Overall.Mean-want.Overall.Mean) > 1e-9 || math.Abs(got.Pillars[3].Mean-want.Pillars[3].Mean) > 1e-9 {
		t.Fatalf("same set, other figures:\n got %+v\nwant %+v", got, want)
	}
	other := Protect(tallyOf(rs[:10]), tallyOf(rs[11:]))
	if other.Overall.Mean == want.Overall.Mean {
		t.Fatal("a set one result smaller has the very same mean: is the noise keyed by the set?")
	}
}

// An empty stratum adds no noise, and a group entirely in one stratum gets
// the figures of that stratum alone.
func TestEmptyStratumAddsNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	rs := make([]Record, 12)
	for i := range rs {
		rs[i] = simRecord(rng)
	}
	a, b := Protect(tallyOf(rs)), Protect(tallyOf(rs), NewTally(simPillars))
	if a.Overall.Mean != b.Overall.Mean || !slices.Equal(a.Levels, b.Levels) {
		t.Fatalf("%+v != %+v", a, b)
	}
}

// The noise has the advertised shape over many cells: mean near 0, sums'
// standard deviation near sigma(n), and counts' distribution the p-table.
func TestNoiseShape(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	const cells = 40000
	var s, s2 float64
	hist := map[int]int{}
	for range cells {
		tl := Tally{N: 30, Key: rng.Uint32(), FirmKey: rng.Uint32(), Pillars: []PillarTally{{N: 30}}}
		e := sumNoise(&tl, private)
		s, s2 = s+e, s2+e*e
		hist[countNoise(tl.Key, tl.N, figLevel)]++
	}
	mean, sd := s/cells, math.Sqrt(s2/cells-(s/cells)*(s/cells))
	if math.Abs(mean) > 1 || math.Abs(sd-sigma(30))/sigma(30) > 0.03 {
		t.Fatalf("sum noise: mean %.2f sd %.2f, want 0 and %.2f", mean, sd, sigma(30))
	}
	for _, e := range pTable {
		if got := float64(hist[e.v]) / cells; math.Abs(got-e.p) > 0.01 {
			t.Fatalf("count noise %+d: %.3f of cells, want %.2f", e.v, got, e.p)
		}
	}
	if sigma(4) != SigmaMin || sigma(1_000_000) != SigmaRoot*1000 {
		t.Fatalf("sigma: %v %v", sigma(4), sigma(1_000_000))
	}
}

func TestBelow(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	rs := make([]Record, 200)
	for i := range rs {
		rs[i] = simRecord(rng)
	}
	f := Protect(tallyOf(rs))
	prev := -1.0
	for v := 0.0; v <= 100; v += 0.5 {
		b := f.Below(v)
		if b < prev || b < 0 || b > 100 {
			t.Fatalf("Below(%v) = %v after %v: not a share that grows with the score", v, b, prev)
		}
		prev = b
	}
	if f.Below(0) != 0 || f.Below(100) < 99 {
		t.Fatalf("Below(0) = %v, Below(100) = %v", f.Below(0), f.Below(100))
	}
	if (Figures{N: 3, Suppressed: true}).Below(50) != 0 {
		t.Fatal("a suppressed group gives a share")
	}
}

// A result's key for the noise follows its scores: rewriting the scores
// (a rescore) gives new noise, so figures before and after never differ by
// the exact change; the same scores give the same key.
func TestScoredKeyFollowsTheScores(t *testing.T) {
	e := scoring.Entry{Overall: 61.7, Level: 3, Pillars: []float64{60, math.NaN(), 70}}
	k := ScoredKey(12345, e)
	if k != ScoredKey(12345, scoring.Entry{Overall: 61.7, Level: 3, Pillars: []float64{60, math.NaN(), 70}}) {
		t.Fatal("the same scores give another key")
	}
	e2 := e
	e2.Overall = 61.8
	e3 := scoring.Entry{Overall: 61.7, Level: 3, Pillars: []float64{60, math.NaN(), 71}}
	if ScoredKey(12345, e2) == k || ScoredKey(12345, e3) == k || ScoredKey(12346, e) == k {
		t.Fatal("a changed score or record key keeps the key")
	}
}

// The deviation the methodology states for open data's counts is the one
// countPairs draws: measured over many cells, not taken from the formula.
func TestPublicCountSDIsWhatOpenDataDraws(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 17))
	const cells = 40000
	var s, s2 float64
	for range cells {
		tl := Tally{N: 200, Key: rng.Uint32(), FirmKey: rng.Uint32()}
		e := float64(countPairs(&tl, figLevel, public))
		s, s2 = s+e, s2+e*e
	}
	mean, sd := s/cells, math.Sqrt(s2/cells-(s/cells)*(s/cells))
	if math.Abs(mean) > 0.3 || math.Abs(sd-PublicCountSD())/PublicCountSD() > 0.03 {
		t.Fatalf("open data's count noise: mean %.2f, sd %.2f; PublicCountSD says %.2f", mean, sd, PublicCountSD())
	}
}
