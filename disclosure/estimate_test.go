package disclosure

import (
	"math"
	"math/rand/v2"
	"testing"
)

// figuresFor builds protected-looking figures by hand: n firms, a mean,
// level counts, band counts and the noise's standard deviation.
func figuresFor(n int, mean float64, levels, bands []int, noiseSD float64) Figures {
	return Figures{N: n, Perturbed: true, Overall: Stat{N: n, Mean: mean}, Levels: levels, bands: bands, noiseSD: noiseSD, countVar: countNoiseVar}
}

// Two strata worked by hand. A: 1,000 firms in the registry, 10 assessed,
// mean 40, all in the band 40–50 (midpoint 45), levels 5 at 2 and 5 at 3,
// noise SD 0.5. B: 3,000 firms, 20 assessed, mean 60, all in 60–70
// (midpoint 65), 20 at level 3, noise SD 0.2.
//
//	weights 0.25 and 0.75; mean 0.25·40 + 0.75·60 = 55
//	band variances: A 10·5²/9 = 27.78, B 20·5²/19 = 26.32
//	var = 0.0625·(0.99·27.78/10 + 0.25) + 0.5625·(0.99333·26.32/20 + 0.04)
//	    = 0.0625·3.0000 + 0.5625·1.3472 = 0.18750 + 0.75781 = 0.94531
//	95% half-width 1.96·0.97227 = 1.9056
//	level 3 share: 0.25·0.5 + 0.75·1 = 0.875; its variance
//	    0.0625·(0.99·0.25/9 + 2.8/100) + 0.5625·(0 + 2.8/400) = 0.0034688 + 0.0039375
func TestPostStratifyByHand(t *testing.T) {
	a := figuresFor(10, 40, []int{0, 0, 5, 5, 0, 0}, []int{0, 0, 0, 0, 10, 0, 0, 0, 0, 0}, 0.5)
	b := figuresFor(20, 60, []int{0, 0, 0, 20, 0, 0}, []int{0, 0, 0, 0, 0, 0, 20, 0, 0, 0}, 0.2)
	small := Figures{N: 3, Suppressed: true, Perturbed: true}
	e, ok := PostStratify([]Stratum{{1000, a}, {3000, b}, {500, small}, {0, a}})
	if !ok || e.Strata != 2 || e.Registry != 4000 {
		t.Fatalf("strata used: %+v %v", e, ok)
	}
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-3 {
			t.Errorf("%s = %.5f, want %.5f", what, got, want)
		}
	}
	near("mean", e.Mean.Value, 55)
	wantVar := 0.0625*(0.99*250.0/9/10+0.25) + 0.5625*(0.99333333*500.0/19/20+0.04)
	near("mean low", e.Mean.Lo, 55-z95*math.Sqrt(wantVar))
	near("mean high", e.Mean.Hi, 55+z95*math.Sqrt(wantVar))
	near("half-width by hand", e.Mean.Hi-55, 1.9056)
	near("level 3", e.Levels[3].Value, 87.5)
	v3 := 0.0625*(0.99*0.25/9+2.8/100) + 0.5625*(2.8/400)
	near("level 3 low", e.Levels[3].Lo, 100*(0.875-z95*math.Sqrt(v3)))
	near("level 0", e.Levels[0].Value, 0)
	if e.Levels[0].Lo != 0 {
		t.Errorf("a share's interval went below zero: %+v", e.Levels[0])
	}
	if _, ok := PostStratify([]Stratum{{500, small}}); ok {
		t.Error("an estimate from suppressed strata alone")
	}
	// Exact figures (a lead's own sharing members) are not protected and
	// never go into a published estimate.
	if _, ok := PostStratify([]Stratum{{1000, Exact(nil, 6)}}); ok {
		t.Error("an estimate from exact figures")
	}
}

// An estimate from open data's figures says its counts carry more noise:
// its level shares' intervals are wider than from the portal's figures of
// the same strata.
func TestPublicEstimateCarriesItsNoiseInItsIntervals(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var tallies []Tally
	for range 3 {
		rs := make([]Record, 120)
		for i := range rs {
			rs[i] = simRecord(rng)
		}
		tallies = append(tallies, tallyOf(rs))
	}
	var priv, pub []Stratum
	for _, tl := range tallies {
		priv = append(priv, Stratum{Registry: 1000, Figures: Protect(tl)})
		pub = append(pub, Stratum{Registry: 1000, Figures: ProtectPublic(tl)})
	}
	ep, _ := PostStratify(priv)
	eo, _ := PostStratify(pub)
	for l := range ep.Levels {
		wp, wo := ep.Levels[l].Hi-ep.Levels[l].Lo, eo.Levels[l].Hi-eo.Levels[l].Lo
		if ep.Levels[l].Value > 5 && wo <= wp {
			t.Errorf("level %d: open data's interval %.2f is no wider than the portal's %.2f", l, wo, wp)
		}
	}
	if eo.Mean.Hi-eo.Mean.Lo <= ep.Mean.Hi-ep.Mean.Lo {
		t.Errorf("open data's mean interval %.2f is no wider than the portal's %.2f", eo.Mean.Hi-eo.Mean.Lo, ep.Mean.Hi-ep.Mean.Lo)
	}
}
