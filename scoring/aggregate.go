package scoring

import (
	"fmt"
	"time"
)

// Levels is how many levels the DBI scale has (0–5).
const Levels = 6

// Entry is one firm's result as aggregates see it. Figures over many
// entries are computed, and protected, by package disclosure.
type Entry struct {
	Overall float64
	Level   int
	Pillars []float64 // by the instrument's pillar order; NaN when not scored
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
