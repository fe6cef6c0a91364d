package disclosure

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// accuracy is what the protection costs a group of a given size: how far
// the published figures are from the exact ones.
type accuracy struct {
	meanAbs, meanP95     float64 // overall mean, score points
	pillarAbs, pillarP95 float64 // pillar means
	levelShareAbs        float64 // a level's share of the firms, percentage points
	belowAbs             float64 // Below(v) at a member's score, percentage points
	withinMargin         float64 // share of means within the published Margin
}

// measure compares Protect with Exact over trials groups of n results, a
// share of them shared with the association (two strata).
func measure(rng *rand.Rand, n int, sharedShare float64, trials int) accuracy {
	var mean, pillar, levelShare, below []float64
	within := 0
	for range trials {
		rs := make([]Record, n)
		for i := range rs {
			rs[i] = simRecord(rng)
		}
		k := int(math.Round(sharedShare * float64(n)))
		pub, ex := Protect(tallyOf(rs[:k]), tallyOf(rs[k:])), Exact(entries(rs), simPillars)
		mean = append(mean, abs(pub.Overall.Mean-ex.Overall.Mean))
		if abs(pub.Overall.Mean-ex.Overall.Mean) <= pub.Margin() {
			within++
		}
		for i := range pub.Pillars {
			pillar = append(pillar, abs(pub.Pillars[i].Mean-ex.Pillars[i].Mean))
		}
		for l := range pub.Levels {
			levelShare = append(levelShare, 100*abs(float64(pub.Levels[l]-ex.Levels[l]))/float64(n))
		}
		v := rs[rng.IntN(n)].Overall
		exactBelow := 0.0
		for _, r := range rs {
			if r.Overall < v {
				exactBelow++
			}
		}
		below = append(below, abs(pub.Below(v)-100*exactBelow/float64(n)))
	}
	return accuracy{meanAbs: avg(mean), meanP95: p95(mean), pillarAbs: avg(pillar), pillarP95: p95(pillar),
		levelShareAbs: avg(levelShare), belowAbs: avg(below), withinMargin: float64(within) / float64(trials)}
}

func avg(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func p95(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[int(0.95*float64(len(s)-1))]
}

// TestAccuracyAtAssociationScale measures the cost of the protection
// (docs/PRIVACY.md quotes this test's log: go test ./disclosure -run
// Accuracy -v). At association scale (100–700 assessed members, 40% of them
// sharing) a mean must move by well under one point on average, and by
// little more than one point at worst in twenty.
func TestAccuracyAtAssociationScale(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	t.Logf("%6s | %-21s | %-21s | %-12s | %-11s | %s", "firms", "overall mean: avg/p95", "pillar mean: avg/p95", "level share", "share below", "within margin")
	for _, n := range []int{5, 10, 20, 50, 100, 300, 700, 5000} {
		a := measure(rng, n, 0.4, min(1500, 150_000/n))
		t.Logf("%6d | %8.2f / %-10.2f | %8.2f / %-10.2f | %9.2f pp | %8.2f pp | %5.1f%%", n, a.meanAbs, a.meanP95, a.pillarAbs, a.pillarP95,
			a.levelShareAbs, a.belowAbs, 100*a.withinMargin)
		trials := float64(min(1500, 150_000/n))
		if slack := 3 * math.Sqrt(0.95*0.05/trials); n >= 20 && math.Abs(a.withinMargin-0.95) > slack+0.005 {
			t.Errorf("at %d firms %.1f%% of means lie within the published margin, not about 95%%", n, 100*a.withinMargin)
		}
		if n >= 100 && (a.meanAbs >= 0.5 || a.meanP95 >= 1.2 || a.pillarP95 >= 1.2) {
			t.Errorf("at %d firms the mean moves by up to %.2f points and a pillar by %.2f (95th percentile)", n, a.meanP95, a.pillarP95)
		}
		if n >= 100 && a.levelShareAbs >= 2 {
			t.Errorf("at %d firms a level's share moves by %.2f percentage points on average", n, a.levelShareAbs)
		}
	}
}
