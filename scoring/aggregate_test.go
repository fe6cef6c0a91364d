package scoring

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestDescribe(t *testing.T) {
	cases := []struct {
		name string
		vals []float64
		want Stat
	}{
		{"four firms are suppressed", []float64{10, 20, 30, 40}, Stat{N: 4, Suppressed: true}},
		{"five, by hand", []float64{50, 10, 40, 20, 30}, Stat{N: 5, Mean: 30, P25: 20, Median: 30, P75: 40}},
		// Six values: positions 1.25, 2.5, 3.75 between ranks (PERCENTILE.INC).
		{"six interpolate", []float64{0, 10, 20, 30, 40, 100}, Stat{N: 6, Mean: 200.0 / 6, P25: 12.5, Median: 25, P75: 37.5}},
		{"all equal", []float64{7, 7, 7, 7, 7}, Stat{N: 5, Mean: 7, P25: 7, Median: 7, P75: 7}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Describe(slices.Clone(tc.vals))
			if got.N != tc.want.N || got.Suppressed != tc.want.Suppressed || !near(got.Mean, tc.want.Mean) ||
				!near(got.P25, tc.want.P25) || !near(got.Median, tc.want.Median) || !near(got.P75, tc.want.P75) {
				t.Fatalf("Describe(%v) = %+v, want %+v", tc.vals, got, tc.want)
			}
		})
	}
}

// Properties over random groups: p25 ≤ median ≤ p75 within [min, max], the
// mean within [min, max], and level counts adding up to the firms.
func TestSummarizeProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for range 500 {
		n := rng.IntN(40)
		es := make([]Entry, n)
		for i := range es {
			es[i] = Entry{Overall: rng.Float64() * 100, Level: rng.IntN(Levels), Pillars: []float64{rng.Float64() * 100, math.NaN()}}
			if rng.IntN(3) == 0 {
				es[i].Pillars[1] = rng.Float64() * 100
			}
		}
		s := Summarize(es, 2)
		if n < MinGroup {
			if !s.Suppressed || s.Overall.Mean != 0 || s.Levels[0]+s.Levels[5] != 0 || !s.Pillars[1].Suppressed {
				t.Fatalf("a group of %d is not suppressed: %+v", n, s)
			}
			continue
		}
		total := 0
		for _, c := range s.Levels {
			total += c
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, e := range es {
			lo, hi = min(lo, e.Overall), max(hi, e.Overall)
		}
		o := s.Overall
		if total != n || o.P25 > o.Median || o.Median > o.P75 || o.P25 < lo || o.P75 > hi || o.Mean < lo || o.Mean > hi {
			t.Fatalf("summary of %d: %+v (min %v max %v)", n, s, lo, hi)
		}
		// The second pillar counts only scored firms and is suppressed on its own.
		scored := 0
		for _, e := range es {
			if !math.IsNaN(e.Pillars[1]) {
				scored++
			}
		}
		if s.Pillars[1].N != scored || s.Pillars[1].Suppressed != (scored < MinGroup) {
			t.Fatalf("pillar 2: %+v, %d scored", s.Pillars[1], scored)
		}
	}
}

func TestQuarters(t *testing.T) {
	// 30 Sep 2026 23:30 in Vietnam is 16:30Z: still Q3 there.
	if q := QuarterOf(time.Date(2026, 9, 30, 16, 30, 0, 0, time.UTC)); q != (Quarter{2026, 3}) {
		t.Fatalf("QuarterOf = %v", q)
	}
	if q := QuarterOf(time.Date(2026, 9, 30, 17, 0, 0, 0, time.UTC)); q != (Quarter{2026, 4}) {
		t.Fatalf("QuarterOf at midnight ICT = %v", q)
	}
	if e := (Quarter{2026, 3}).End(); !e.Equal(time.Date(2026, 9, 30, 17, 0, 0, 0, time.UTC)) {
		t.Fatalf("End = %v", e)
	}
	got := LastQuarters(Quarter{2026, 2}, 8)
	if got[0] != (Quarter{2024, 3}) || got[7] != (Quarter{2026, 2}) || got[2] != (Quarter{2025, 1}) {
		t.Fatalf("LastQuarters = %v", got)
	}
	for _, bad := range []string{"", "2026-Q5", "2026-Q0", "2026Q1", "26-Q1", "2026-Q1x", "2026-q1"} {
		if _, ok := ParseQuarter(bad); ok {
			t.Errorf("ParseQuarter(%q) accepted", bad)
		}
	}
	if q, ok := ParseQuarter("2025-Q4"); !ok || q != (Quarter{2025, 4}) {
		t.Fatalf("ParseQuarter = %v %v", q, ok)
	}
}
