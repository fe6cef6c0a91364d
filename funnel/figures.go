package funnel

import (
	"slices"
	"time"

	"dxready/scoring"
)

// MaxGapDays caps the days counted between two stages: a gap of more is
// counted as MaxGapDays, so the tallies stay small and a median beyond two
// years reads "at least".
const MaxGapDays = 730

// NoNext is the Gap of an Entry whose firm has not reached the next stage.
const NoNext = -1

// Entry is a firm's place in the tallies for one stage it reached: the
// quarter (QuarterIndex, Vietnam's time) it reached the stage in, and the
// whole days until it reached the next (NoNext if it has not, and for the
// last stage).
type Entry struct {
	Stage   Stage
	Quarter int
	Gap     int
}

// Entries returns a journey's entries, one per stage reached.
func (j Journey) Entries() []Entry {
	var out []Entry
	for k, t := range j {
		if t.IsZero() {
			continue
		}
		e := Entry{Stage: Stage(k), Quarter: QuarterIndex(scoring.QuarterOf(t)), Gap: NoNext}
		if k+1 < NumStages && !j[k+1].IsZero() {
			e.Gap = GapDays(t, j[k+1])
		}
		out = append(out, e)
	}
	return out
}

// GapDays is the whole days from a to b (b not before a), at most MaxGapDays.
func GapDays(a, b time.Time) int {
	return min(int(b.Sub(a)/(24*time.Hour)), MaxGapDays)
}

// Cell is how many firms share one Entry (within whatever group the caller
// filtered): the unit the store keeps and sums.
type Cell struct {
	Entry
	N int
}

// StageFigures are one stage's figures over the firms that reached it in
// the quarters asked for.
type StageFigures struct {
	Stage Stage
	Count int // firms that reached the stage
	Next  int // of them, firms that went on to the next stage (at any time)
	Drop  int // of them, firms that have not (Count - Next)
	// Conversion is Next/Count, and HasConversion false when Count is 0 or
	// the stage is the last.
	Conversion    float64
	HasConversion bool
	// MedianDays is the median of the whole days the firms that went on
	// took to reach the next stage; HasMedian false when none did.
	MedianDays float64
	HasMedian  bool
}

// Figures is a group's funnel: each stage's figures, and how many firms
// reached each stage in each quarter (QuarterIndex), oldest first.
type Figures struct {
	Stages   [NumStages]StageFigures
	Quarters []QuarterCounts
}

// QuarterCounts is how many firms reached each stage in one quarter.
type QuarterCounts struct {
	Quarter int
	Counts  [NumStages]int
}

// Summarise turns cells into figures. The stages' figures count the cells
// whose quarter keep accepts (nil: every quarter); the quarter table counts
// them all.
func Summarise(cells []Cell, keep func(quarter int) bool) Figures {
	var f Figures
	gaps := make([]map[int]int, NumStages)
	byQ := map[int]*QuarterCounts{}
	for _, c := range cells {
		qc := byQ[c.Quarter]
		if qc == nil {
			qc = &QuarterCounts{Quarter: c.Quarter}
			byQ[c.Quarter] = qc
		}
		qc.Counts[c.Stage] += c.N
		if keep != nil && !keep(c.Quarter) {
			continue
		}
		sf := &f.Stages[c.Stage]
		sf.Count += c.N
		if c.Gap != NoNext {
			sf.Next += c.N
			if gaps[c.Stage] == nil {
				gaps[c.Stage] = map[int]int{}
			}
			gaps[c.Stage][c.Gap] += c.N
		}
	}
	for k := range f.Stages {
		sf := &f.Stages[k]
		sf.Stage, sf.Drop = Stage(k), sf.Count-sf.Next
		if sf.Count > 0 && k+1 < NumStages {
			sf.Conversion, sf.HasConversion = float64(sf.Next)/float64(sf.Count), true
		}
		sf.MedianDays, sf.HasMedian = Median(gaps[k])
	}
	for _, qc := range byQ {
		f.Quarters = append(f.Quarters, *qc)
	}
	slices.SortFunc(f.Quarters, func(a, b QuarterCounts) int { return a.Quarter - b.Quarter })
	return f
}

// Median is the median of the values counted in hist (value → how many):
// the middle value, or the mean of the two middle ones; ok is false for
// an empty histogram.
func Median(hist map[int]int) (float64, bool) {
	total := 0
	vals := make([]int, 0, len(hist))
	for v, n := range hist {
		if n > 0 {
			vals = append(vals, v)
			total += n
		}
	}
	if total == 0 {
		return 0, false
	}
	slices.Sort(vals)
	lo, hi := nth(vals, hist, (total-1)/2), nth(vals, hist, total/2)
	return float64(lo+hi) / 2, true
}

// nth is the i-th (from 0) value in sorted order, each value repeated as
// many times as hist counts it.
func nth(vals []int, hist map[int]int, i int) int {
	for _, v := range vals {
		if i < hist[v] {
			return v
		}
		i -= hist[v]
	}
	return vals[len(vals)-1]
}
