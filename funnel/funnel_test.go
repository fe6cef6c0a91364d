package funnel

import (
	"testing"
	"time"

	"dxready/scoring"
)

// at is a UTC time in 2026: month, day, hour.
func at(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, time.UTC) }

func ts(t ...time.Time) []time.Time { return t }

// fixture is five firms whose journeys, entries and figures below were
// worked out by hand (docs/FUNNEL.md, "A worked example").
var fixture = map[string]Facts{
	// A passes every stage; its earlier submission is not after the consultation.
	"A": {Accounts: ts(at(1, 5, 3)), Verified: ts(at(1, 6, 3)), Responses: ts(at(1, 10, 3), at(4, 4, 3)),
		Submissions: ts(at(4, 5, 3), at(1, 20, 3)), Bookings: ts(at(2, 1, 3)),
		Plans: []Plan{{Held: at(2, 10, 3), Items: ts(at(2, 20, 3), at(2, 15, 3))}}},
	// B was loaded without an account; 31 March 20:00 UTC is 1 April in Vietnam.
	"B": {Responses: ts(at(3, 31, 20)), Submissions: ts(at(4, 2, 20))},
	// C started a draft on a claim never verified.
	"C": {Accounts: ts(at(1, 3, 3)), Responses: ts(at(1, 4, 3))},
	// D started before its claim was verified; one item of its plan is open,
	// so its re-assessment does not count.
	"D": {Accounts: ts(at(2, 1, 3)), Responses: ts(at(2, 2, 3)), Verified: ts(at(2, 5, 3)),
		Submissions: ts(at(2, 7, 3), at(2, 20, 3)), Bookings: ts(at(2, 8, 3)),
		Plans: []Plan{{Held: at(2, 12, 3), Items: ts(at(2, 13, 3), time.Time{})}}},
	// E's consultation agreed no action items: done when held.
	"E": {Accounts: ts(at(1, 2, 3)), Verified: ts(at(1, 2, 4)), Responses: ts(at(1, 2, 5)), Submissions: ts(at(1, 3, 3)),
		Bookings: ts(at(1, 3, 4)), Plans: []Plan{{Held: at(1, 9, 3)}}},
}

func TestReach(t *testing.T) {
	z := time.Time{}
	want := map[string]Journey{
		"A": {at(1, 5, 3), at(1, 6, 3), at(1, 10, 3), at(1, 20, 3), at(2, 1, 3), at(2, 10, 3), at(2, 20, 3), at(4, 5, 3)},
		"B": {at(3, 31, 20), at(4, 2, 20), at(4, 2, 20), at(4, 2, 20), z, z, z, z},
		"C": {at(1, 3, 3), z, z, z, z, z, z, z},
		"D": {at(2, 1, 3), at(2, 5, 3), at(2, 5, 3), at(2, 7, 3), at(2, 8, 3), at(2, 12, 3), z, z},
		"E": {at(1, 2, 3), at(1, 2, 4), at(1, 2, 5), at(1, 3, 3), at(1, 3, 4), at(1, 9, 3), at(1, 9, 3), z},
	}
	for name, f := range fixture {
		t.Run(name, func(t *testing.T) {
			got := Reach(f)
			for k := range got {
				if !got[k].Equal(want[name][k]) {
					t.Errorf("%s: reached %v, want %v", Stage(k).Key(), got[k], want[name][k])
				}
			}
		})
	}
}

func TestEntries(t *testing.T) {
	q1, q2 := QuarterIndex(scoring.Quarter{Year: 2026, Q: 1}), QuarterIndex(scoring.Quarter{Year: 2026, Q: 2})
	want := map[string][]Entry{
		"A": {{Registered, q1, 1}, {Verified, q1, 4}, {Started, q1, 10}, {Submitted, q1, 12}, {Booked, q1, 9}, {Held, q1, 10},
			{ActionsDone, q1, 44}, {Reassessed, q2, NoNext}},
		"B": {{Registered, q2, 2}, {Verified, q2, 0}, {Started, q2, 0}, {Submitted, q2, NoNext}},
		"C": {{Registered, q1, NoNext}},
	}
	for name, w := range want {
		got := Reach(fixture[name]).Entries()
		if len(got) != len(w) {
			t.Fatalf("%s: %v, want %v", name, got, w)
		}
		for i := range w {
			if got[i] != w[i] {
				t.Errorf("%s: entry %d is %+v, want %+v", name, i, got[i], w[i])
			}
		}
	}
}

// cellsOf tallies the fixture's entries as the store does.
func cellsOf(fs map[string]Facts) []Cell {
	n := map[Entry]int{}
	for _, f := range fs {
		for _, e := range Reach(f).Entries() {
			n[e]++
		}
	}
	var out []Cell
	for e, c := range n {
		out = append(out, Cell{e, c})
	}
	return out
}

func TestSummarise(t *testing.T) {
	type fig struct {
		count, next, drop int
		median            float64
		hasMedian         bool
	}
	want := [NumStages]fig{{5, 4, 1, 1.5, true}, {4, 4, 0, 0, true}, {4, 4, 0, 1, true}, {4, 3, 1, 1, true},
		{3, 3, 0, 5, true}, {3, 2, 1, 5, true}, {2, 1, 1, 44, true}, {1, 0, 1, 0, false}}
	f := Summarise(cellsOf(fixture), nil)
	for k, w := range want {
		s := f.Stages[k]
		if s.Count != w.count || s.Next != w.next || s.Drop != w.drop || s.MedianDays != w.median || s.HasMedian != w.hasMedian {
			t.Errorf("%s: %+v, want %+v", Stage(k).Key(), s, w)
		}
	}
	if c := f.Stages[Registered]; !c.HasConversion || c.Conversion != 0.8 {
		t.Errorf("registered converts %v (%v), want 0.8", c.Conversion, c.HasConversion)
	}
	if c := f.Stages[Reassessed]; c.HasConversion {
		t.Errorf("the last stage has a conversion: %+v", c)
	}
	wantQ := []QuarterCounts{{QuarterIndex(scoring.Quarter{Year: 2026, Q: 1}), [NumStages]int{4, 3, 3, 3, 3, 3, 2, 0}},
		{QuarterIndex(scoring.Quarter{Year: 2026, Q: 2}), [NumStages]int{1, 1, 1, 1, 0, 0, 0, 1}}}
	if len(f.Quarters) != 2 || f.Quarters[0] != wantQ[0] || f.Quarters[1] != wantQ[1] {
		t.Errorf("by quarter %+v, want %+v", f.Quarters, wantQ)
	}
}

func TestSummariseOneQuarter(t *testing.T) {
	q1 := QuarterIndex(scoring.Quarter{Year: 2026, Q: 1})
	f := Summarise(cellsOf(fixture), func(q int) bool { return q == q1 })
	if s := f.Stages[Registered]; s.Count != 4 || s.Next != 3 || s.MedianDays != 1 {
		t.Errorf("registered in 2026-Q1: %+v, want 4 firms, 3 on, median 1 day", s)
	}
	if s := f.Stages[Reassessed]; s.Count != 0 || s.HasMedian || s.HasConversion {
		t.Errorf("re-assessed in 2026-Q1: %+v, want none", s)
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		name string
		hist map[int]int
		want float64
		ok   bool
	}{
		{"empty", nil, 0, false},
		{"zero counts", map[int]int{3: 0}, 0, false},
		{"one", map[int]int{7: 1}, 7, true},
		{"odd", map[int]int{1: 2, 9: 1}, 1, true},
		{"even between values", map[int]int{2: 1, 5: 1}, 3.5, true},
		{"even within a value", map[int]int{2: 1, 5: 2, 100: 1}, 5, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Median(tc.hist)
			if got != tc.want || ok != tc.ok {
				t.Errorf("Median(%v) = %v, %v; want %v, %v", tc.hist, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestParseStage(t *testing.T) {
	for _, s := range Stages {
		if got, ok := ParseStage(s.Key()); !ok || got != s {
			t.Errorf("ParseStage(%q) = %v, %v", s.Key(), got, ok)
		}
	}
	for _, bad := range []string{"", "Submitted", "8", "reassessed "} {
		if _, ok := ParseStage(bad); ok {
			t.Errorf("ParseStage(%q) accepted", bad)
		}
	}
}

func TestGapDaysCapped(t *testing.T) {
	if g := GapDays(at(1, 1, 0), at(1, 1, 0).Add(5000*24*time.Hour)); g != MaxGapDays {
		t.Errorf("a gap of 5000 days counts %d, want %d", g, MaxGapDays)
	}
	if g := GapDays(at(1, 1, 0), at(1, 2, 23)); g != 1 {
		t.Errorf("47 hours count %d days, want 1", g)
	}
}
