package scoring

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// MinGroup is the smallest group whose figures are shown. Any group of
// fewer firms is suppressed everywhere (numbers, charts, exports) so that no
// single firm's result can be read out of an aggregate.
const MinGroup = 5

// Levels is how many levels the DBI scale has (0–5).
const Levels = 6

// Entry is one firm's result as aggregates see it.
type Entry struct {
	Overall float64
	Level   int
	Pillars []float64 // by the instrument's pillar order; NaN when not scored
}

// Stat describes one score over a group. Percentiles interpolate linearly
// between closest ranks (Excel's PERCENTILE.INC), so exports recompute them
// the same way in a spreadsheet.
type Stat struct {
	N                      int
	Mean, P25, Median, P75 float64
	Suppressed             bool // fewer than MinGroup scores behind it: the numbers are zero
}

// Describe returns the Stat of vals, suppressed below MinGroup. It sorts
// vals in place.
func Describe(vals []float64) Stat {
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
	st.Mean = sum / float64(len(vals))
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

// Summary is a group's figures over its firms' results.
type Summary struct {
	Firms      int
	Suppressed bool   // fewer than MinGroup firms: every figure below is zero
	Levels     []int  // firms per level, 0–5
	Overall    Stat   //
	Pillars    []Stat // by the instrument's pillar order
}

// Summarize computes a group's figures from its entries, each with
// pillars scores.
func Summarize(entries []Entry, pillars int) Summary {
	s := Summary{Firms: len(entries), Levels: make([]int, Levels), Pillars: make([]Stat, pillars)}
	if len(entries) < MinGroup {
		s.Suppressed = true
		s.Overall = Stat{N: len(entries), Suppressed: true}
		for i := range s.Pillars {
			s.Pillars[i].Suppressed = true
		}
		return s
	}
	overall := make([]float64, 0, len(entries))
	cols := make([][]float64, pillars)
	for _, e := range entries {
		overall = append(overall, e.Overall)
		if e.Level >= 0 && e.Level < Levels {
			s.Levels[e.Level]++
		}
		for i := range min(pillars, len(e.Pillars)) {
			if !math.IsNaN(e.Pillars[i]) {
				cols[i] = append(cols[i], e.Pillars[i])
			}
		}
	}
	s.Overall = Describe(overall)
	for i := range cols {
		s.Pillars[i] = Describe(cols[i])
		s.Pillars[i].N = len(cols[i])
	}
	return s
}

// Zone is the programme's time zone (Asia/Ho_Chi_Minh has had no daylight
// saving since 1975, so a fixed offset is exact and needs no tzdata).
var Zone = time.FixedZone("ICT", 7*60*60)

// Quarter is a calendar quarter in Vietnam's time.
type Quarter struct{ Year, Q int }

// QuarterOf returns the quarter that holds t, in Vietnam's time.
func QuarterOf(t time.Time) Quarter {
	t = t.In(Zone)
	return Quarter{t.Year(), (int(t.Month())-1)/3 + 1}
}

// ParseQuarter reads "2026-Q3".
func ParseQuarter(s string) (Quarter, bool) {
	var q Quarter
	if n, err := fmt.Sscanf(s, "%d-Q%d", &q.Year, &q.Q); err != nil || n != 2 || q.Q < 1 || q.Q > 4 || q.Year < 2000 || q.Year > 2100 {
		return Quarter{}, false
	}
	return q, q.String() == s
}

func (q Quarter) String() string { return fmt.Sprintf("%d-Q%d", q.Year, q.Q) }

// Start is the first instant of the quarter.
func (q Quarter) Start() time.Time {
	return time.Date(q.Year, time.Month(3*(q.Q-1)+1), 1, 0, 0, 0, 0, Zone)
}

// End is the first instant after the quarter.
func (q Quarter) End() time.Time { return q.Next().Start() }

// Next is the quarter after q.
func (q Quarter) Next() Quarter {
	if q.Q == 4 {
		return Quarter{q.Year + 1, 1}
	}
	return Quarter{q.Year, q.Q + 1}
}

// Prev is the quarter before q.
func (q Quarter) Prev() Quarter {
	if q.Q == 1 {
		return Quarter{q.Year - 1, 4}
	}
	return Quarter{q.Year, q.Q - 1}
}

// LastQuarters returns the n quarters ending with last, oldest first.
func LastQuarters(last Quarter, n int) []Quarter {
	out := make([]Quarter, n)
	for i := n - 1; i >= 0; i-- {
		out[i] = last
		last = last.Prev()
	}
	return out
}
