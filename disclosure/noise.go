package disclosure

import "math"

// The method's parameters. Changing any of them changes every published
// figure; docs/PRIVACY.md gives the accuracy they cost and the protection
// they buy, measured by this package's tests.
const (
	// SigmaMin is the smallest standard deviation, in score points, of the
	// noise added to a stratum's sum of scores: one firm's score is never
	// closer than this to what a difference of two figures shows.
	SigmaMin = 40.0
	// SigmaRoot scales the noise with the square root of the stratum's size,
	// so large groups, which many differences could average, get more noise
	// on their sums while their means still move by little.
	SigmaRoot = 3.0
	// Rho is the correlation between the noise on a stratum's overall sum and
	// on each of its pillar sums. Independent noise would let a difference of
	// six pillar sums average the noise away (the overall score is a mean of
	// the pillars); fully shared noise would show each pillar's distance from
	// the overall score exactly. At 0.8 a pillar's distance keeps noise of
	// 0.63σ (0.89σ on a difference of two figures), and averaging the
	// pillars gains almost nothing.
	Rho = 0.8
	// zMax bounds the noise at this many standard deviations.
	zMax = 3.0
	// PublicCells is how many published cells, at most, one result enters
	// at once in open data together with what an association's lead sees
	// (docs/PRIVACY.md, "Open data"): the province, its ward, section and
	// size class, the estimate strata or pools it falls in (up to three),
	// and the lead's association. Whoever differences two quarters gets one
	// look per cell, each with its own noise, and may average them; open
	// data's noise has PublicCells times the variance of the Center's, so
	// all its cells together tell no more than one cell of the Center's.
	PublicCells = 8
	// PublicCountDraws is how many table draws each half of a count's
	// noise adds up in open data (levels, adoption facts). A level or a
	// fact is one count moving by one: a difference of counts tells it far
	// more directly than a difference of sums tells a score, so open
	// data's counts carry three times the variance its sums do, relative
	// to the portal's (docs/PRIVACY.md, "Open data").
	PublicCountDraws = 3 * PublicCells
	// PublicSharesMin is the fewest results a group needs for open data to
	// publish its shares (levels, adoption facts): with the noise above, a
	// count moves by about ±8 firms, which in a smaller group would say
	// more about the noise than about the firms.
	PublicSharesMin = 100
)

// scale is how much noise a protection adds: sigma multiplies the
// standard deviation on sums, draws is how many table draws each half of a
// count's noise adds up, and figure offsets every figure number so the
// draws are unrelated to those of another scale over the same cell.
type scale struct {
	sigma  float64
	draws  int
	figure int
}

var (
	// private is the scale of every figure inside the portal: pages,
	// exports and charts of leads, firms and the Center.
	private = scale{sigma: 1, draws: 1}
	// public is open data's (PublicCells).
	public = scale{sigma: math.Sqrt(PublicCells), draws: PublicCountDraws, figure: 1 << 24}
)

// pTable is the perturbation table for counts: a noise value with its
// probability (mean 0, variance 1.4). A count gets two draws, one keyed by
// its firms and one by their results, so its noise has variance 2.8.
var pTable = []struct {
	v int
	p float64
}{{-3, 0.02}, {-2, 0.08}, {-1, 0.20}, {0, 0.40}, {1, 0.20}, {2, 0.08}, {3, 0.02}}

// resultPart offsets the figure number of a draw keyed by results, so it
// is never the draw keyed by firms of the same figure.
const resultPart = 1 << 20

// Which figure of a cell a noise value is for: each gets its own, unrelated
// draw from the same cell key.
const (
	figSum    = 1
	figPillar = 100 // + pillar index
	figLevel  = 200 // + level
	figBand   = 300 // + band
	figAdopt  = 400 // + adoption slot
	// figDraw separates the draws of a count that adds several (public).
	figDraw = 1000
	// figRebalance (+ step) draws which count an adjustment moves.
	figRebalance = 10_000
)

// mix is SplitMix64's finaliser: a bijection of 64 bits in which every
// input bit affects every output bit.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// uniform is a number in (0, 1) that depends only on the cell (its key and
// size) and on which of its figures it perturbs.
func uniform(key uint32, n int, figure int) float64 {
	h := mix(uint64(key)<<32 | uint64(uint32(n)))
	h = mix(h ^ uint64(figure)*0xd6e8feb86659fd93)
	return (float64(h>>11) + 0.5) / (1 << 53)
}

// sigma is the noise's standard deviation on the sum of n scores.
func sigma(n int) float64 {
	return max(SigmaMin, SigmaRoot*math.Sqrt(float64(n)))
}

// normal is a standard normal draw for a figure of a cell, from its uniform
// through the inverse normal distribution, bounded at zMax.
func normal(key uint32, n, figure int) float64 {
	z := math.Sqrt2 * math.Erfinv(2*uniform(key, n, figure)-1)
	return max(-zMax, min(zMax, z))
}

// twoPart is a standard normal draw for a figure of a cell made of two
// halves: one keyed by its firms, one by their results. A firm that
// submits again changes the second half only; whoever averages many such
// looks is left with the first, of standard deviation 1/√2.
func twoPart(t *Tally, n, figure int) float64 {
	return (normal(t.FirmKey, n, figure) + normal(t.Key, n, figure+resultPart)) / math.Sqrt2
}

// sumNoise is the noise on the sum of a stratum's overall scores.
func sumNoise(t *Tally, sc scale) float64 {
	if t.N == 0 {
		return 0
	}
	return sc.sigma * sigma(t.N) * twoPart(t, t.N, sc.figure+figSum)
}

// pillarNoise is the noise on the sum of a stratum's scores of pillar i:
// correlated with the overall noise by Rho.
func pillarNoise(t *Tally, i int, sc scale) float64 {
	n := t.Pillars[i].N
	if n == 0 {
		return 0
	}
	z := Rho*twoPart(t, t.N, sc.figure+figSum) + math.Sqrt(1-Rho*Rho)*twoPart(t, n, sc.figure+figPillar+i)
	return sc.sigma * sigma(n) * z
}

// countNoise is the noise on one count of a cell with n results.
func countNoise(key uint32, n, figure int) int {
	u := uniform(key, n, figure)
	for _, e := range pTable {
		if u < e.p {
			return e.v
		}
		u -= e.p
	}
	return pTable[len(pTable)-1].v
}

// perturbCounts adds count noise (a draw keyed by the stratum's firms and
// one keyed by their results) to each of counts and then adjusts the
// result so it is never negative and adds up to the stratum's n again: one
// firm at a time is taken from (or given to) a count drawn at random from
// the cell keys, in proportion to its size, so the adjustment favours no
// level, and a stratum of one result does not point at its own.
func perturbCounts(counts []int, t *Tally, figure int, sc scale) []int {
	out := make([]int, len(counts))
	total, n := 0, t.N
	for i, c := range counts {
		out[i] = max(0, c+countPairs(t, figure+i, sc))
		total += out[i]
	}
	for step := 0; total != n; step++ {
		d := sign(n - total)
		out[weighted(out, d > 0, uniform(t.Key^t.FirmKey, n, sc.figure+figure+figRebalance+step))] += d
		total += d
	}
	return out
}

// countPairs is the noise on one count of a cell: sc.draws pairs of
// table draws, each pair one keyed by the cell's firms and one by their
// results (draws at strides of figDraw, so no two coincide).
func countPairs(t *Tally, figure int, sc scale) int {
	v := 0
	for d := range sc.draws {
		f := sc.figure + figure + d*figDraw
		v += countNoise(t.FirmKey, t.N, f) + countNoise(t.Key, t.N, f+resultPart)
	}
	return v
}

// perturbShares adds count noise to each of counts, each a part of the
// cell's t.N results on its own (not a partition): each stays within 0
// and t.N.
func perturbShares(counts []int, t *Tally, figure int, sc scale) []int {
	out := make([]int, len(counts))
	for i, c := range counts {
		out[i] = max(0, min(t.N, c+countPairs(t, figure+i, sc)))
	}
	return out
}

// weighted picks an index of counts at random (u in (0,1)) in proportion
// to each count (to each count plus one when adding, so an empty one may
// grow).
func weighted(counts []int, adding bool, u float64) int {
	w := func(c int) float64 {
		if adding {
			return float64(c + 1)
		}
		return float64(c)
	}
	sum := 0.0
	for _, c := range counts {
		sum += w(c)
	}
	u *= sum
	for i, c := range counts {
		if u -= w(c); u < 0 && w(c) > 0 {
			return i
		}
	}
	for i := len(counts) - 1; i >= 0; i-- { // rounding: the last that may move
		if w(counts[i]) > 0 {
			return i
		}
	}
	return 0
}

func sign(x int) int {
	if x < 0 {
		return -1
	}
	return 1
}
