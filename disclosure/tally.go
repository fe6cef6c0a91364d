package disclosure

import (
	"math"

	"dxready/scoring"
)

// Bands is how many bands of ten points a tally counts overall scores in;
// percentiles are read from the perturbed bands.
const Bands = 10

// Record is one result as a figure sees it.
type Record struct {
	scoring.Entry
	Key     uint32 // the result's secret record key
	FirmKey uint32 // its firm's secret record key
	// Adoption has bit i set when the result shows the instrument's
	// adoption fact i (scoring.AdoptionBits).
	Adoption uint8
}

// ScoredKey mixes a result's record key with its scores. The noise then
// changes whenever the scores do — when a rescore rewrites them, say — so
// two figures over the same results before and after never differ by the
// exact change. The mix of a secret uniform key is as secret and uniform.
func ScoredKey(key uint32, e scoring.Entry) uint32 {
	h := mix(uint64(key)<<32 ^ math.Float64bits(e.Overall))
	h = mix(h ^ uint64(e.Level))
	for _, p := range e.Pillars {
		h = mix(h ^ math.Float64bits(p))
	}
	return uint32(h >> 32)
}

// PillarTally is one pillar's additive part of a tally.
type PillarTally struct {
	N   int // results with this pillar scored
	Sum float64
}

// Tally is the additive summary of a set of results: everything a
// protected figure needs, and nothing that cannot be added and taken away,
// so a tally can be kept up to date one result at a time.
type Tally struct {
	N       int
	Key     uint32 // the cell key of its results: Σ result keys mod 2³²
	FirmKey uint32 // the cell key of their firms: Σ firm keys mod 2³²
	Sum     float64
	Levels  [scoring.Levels]int
	Bands   [Bands]int
	// Adopt counts, for each adoption slot (scoring.AdoptionSlots), the
	// results whose fact holds.
	Adopt   [AdoptionSlots]int
	Pillars []PillarTally
}

// AdoptionSlots is scoring.AdoptionSlots: how many adoption facts a tally
// counts (a fixed array keeps a tally a plain value, like its levels).
const AdoptionSlots = scoring.AdoptionSlots

// NewTally returns an empty tally over pillars pillars.
func NewTally(pillars int) Tally { return Tally{Pillars: make([]PillarTally, pillars)} }

// Add counts r in t.
func (t *Tally) Add(r Record) { t.apply(r, 1) }

// Remove takes r, counted before, out of t: keys and figures.
func (t *Tally) Remove(r Record) { t.apply(r, -1) }

// Exclude takes r's figures, counted before, out of t but leaves its keys:
// a firm compared with its group without itself gets the noise of the
// group, the same for every firm that looks, so many firms looking (or one
// firm under many names) do not gather many noises to average.
func (t *Tally) Exclude(r Record) {
	key, firmKey := t.Key, t.FirmKey
	t.apply(r, -1)
	t.Key, t.FirmKey = key, firmKey
}

func (t *Tally) apply(r Record, sign int) {
	t.N += sign
	t.Key += uint32(sign) * r.Key
	t.FirmKey += uint32(sign) * r.FirmKey
	t.Sum += float64(sign) * r.Overall
	if r.Level >= 0 && r.Level < scoring.Levels {
		t.Levels[r.Level] += sign
	}
	t.Bands[band(r.Overall)] += sign
	for i := range t.Adopt {
		if r.Adoption&(1<<i) != 0 {
			t.Adopt[i] += sign
		}
	}
	for i := range min(len(t.Pillars), len(r.Pillars)) {
		if !math.IsNaN(r.Pillars[i]) {
			t.Pillars[i].N += sign
			t.Pillars[i].Sum += float64(sign) * r.Pillars[i]
		}
	}
}

// Merge adds every result of o to t (o's pillars must match t's).
func (t *Tally) Merge(o Tally) {
	t.N += o.N
	t.Key += o.Key
	t.FirmKey += o.FirmKey
	t.Sum += o.Sum
	for i := range t.Levels {
		t.Levels[i] += o.Levels[i]
	}
	for i := range t.Bands {
		t.Bands[i] += o.Bands[i]
	}
	for i := range t.Adopt {
		t.Adopt[i] += o.Adopt[i]
	}
	for i := range min(len(t.Pillars), len(o.Pillars)) {
		t.Pillars[i].N += o.Pillars[i].N
		t.Pillars[i].Sum += o.Pillars[i].Sum
	}
}

// band is the band of ten points that holds score v (100 is in the last).
func band(v float64) int {
	return max(0, min(Bands-1, int(v/(100/Bands))))
}
