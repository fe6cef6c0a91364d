package advisors

import "time"

// PillarChange is one pillar's score before a consultation (T0) and at
// the firm's re-assessment after it (T1), as the EU DMA measures progress.
type PillarChange struct {
	Pillar        string
	Before, After float64
}

// Delta is the change in points.
func (c PillarChange) Delta() float64 { return c.After - c.Before }

// Baseline picks, from submission times newest first, T0 (the latest
// submitted at or before the consultation's start) and T1 (the newest,
// when it came after the consultation's end); -1 when there is none.
func Baseline(newestFirst []time.Time, consultation Period) (t0, t1 int) {
	t0, t1 = -1, -1
	for i, at := range newestFirst {
		if !at.After(consultation.Start) {
			t0 = i
			break
		}
	}
	if len(newestFirst) > 0 && newestFirst[0].After(consultation.End) {
		t1 = 0
	}
	if t0 == -1 {
		t1 = -1 // nothing to compare with
	}
	return t0, t1
}

// Progress lists the change of every pillar in order scored both times.
func Progress(order []string, before, after map[string]float64) []PillarChange {
	var out []PillarChange
	for _, id := range order {
		b, okB := before[id]
		a, okA := after[id]
		if okB && okA {
			out = append(out, PillarChange{Pillar: id, Before: b, After: a})
		}
	}
	return out
}
