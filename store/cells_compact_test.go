package store

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"dxready/scoring"
)

// compactAt is a result of instrument inst at t with overall score v.
func compactAt(inst string, t time.Time, v float64) resultInputs {
	return resultInputs{Instrument: inst, At: t, Key: uint32(v * 7), Overall: v, Level: int(v) / 20, Pillars: []float64{v, v / 2}}
}

func TestCompactKeepsTheFirstAndLastOfEachInstrumentsQuarter(t *testing.T) {
	q1 := time.Date(2026, 1, 5, 3, 0, 0, 0, scoring.Zone)
	q2 := time.Date(2026, 4, 1, 0, 0, 0, 0, scoring.Zone) // the quarter's first instant
	var rs []resultInputs
	for i := range 5 { // five of a in Q1, with one of b among them
		rs = append(rs, compactAt("a", q1.Add(time.Duration(i)*24*time.Hour), float64(10+i)))
		if i == 2 {
			rs = append(rs, compactAt("b", q1.Add(50*time.Hour), 99))
		}
	}
	rs = append(rs, compactAt("a", q2.Add(-time.Nanosecond), 20)) // still Q1: its last
	rs = append(rs, compactAt("a", q2, 30), compactAt("a", q2.Add(time.Hour), 31), compactAt("a", q2.Add(2*time.Hour), 32))
	got := compactResults(slices.Clone(rs))
	var overall []float64
	for _, r := range got {
		overall = append(overall, r.Overall)
	}
	if want := []float64{10, 99, 20, 30, 32}; !slices.Equal(overall, want) {
		t.Fatalf("kept %v, want %v (a's first and last of Q1, b's one, a's first and last of Q2)", overall, want)
	}
	two := []resultInputs{compactAt("a", q1, 1), compactAt("a", q1.Add(time.Hour), 2), compactAt("b", q1, 3)}
	if kept := compactResults(two); len(kept) != 3 || &kept[0] != &two[0] {
		t.Fatalf("two a quarter or fewer are kept as they are: %v", kept)
	}
	if again := compactResults(slices.Clone(got)); !reflect.DeepEqual(again, got) {
		t.Fatalf("compacting twice changed it: %v, then %v", got, again)
	}
}

// randomInputs is a firm with results on two instruments over six
// quarters, many of them in the same quarter, in two associations whose
// consent changes now and then.
func randomInputs(rng *rand.Rand) *firmInputs {
	in := &firmInputs{ID: 1, Key: rng.Uint32(), Division: "31", Section: "C", Size: "small", Ward: "25760", Park: "vsip2"}
	start := time.Date(2025, 7, 1, 0, 0, 0, 0, scoring.Zone)
	at := start
	for range 1 + rng.IntN(40) {
		at = at.Add(time.Duration(rng.IntN(20*24)) * time.Hour)
		inst := []string{"dbi-2021@1", "dbi-2025@1"}[rng.IntN(2)]
		in.Results = append(in.Results, compactAt(inst, at, float64(rng.IntN(100))))
	}
	for a := range int64(2) {
		m := membershipInputs{AssociationID: a + 1}
		for q := quarterIndex(scoring.QuarterOf(start)); q < quarterIndex(scoring.QuarterOf(at))+2; q++ {
			if rng.IntN(3) == 0 {
				m.Consent = append(m.Consent, consentAt{Q: q, Shared: rng.IntN(2) == 0})
			}
		}
		in.Memberships = append(in.Memberships, m)
	}
	return in
}

// The compaction leaves out only what nothing reads: over random
// histories, the cells a firm adds up to, its contribution to each group
// at each quarter (the result page's comparisons), its result current at
// each quarter's end and now, and its first in each window that starts at
// a quarter's start (a lead's exact figures and most improved) are those
// of its whole history.
func TestCompactedInputsCountAsTheWholeHistory(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 3))
	dropped := 0
	for i := range 300 {
		full := randomInputs(rng)
		compact := *full
		compact.Results = compactResults(slices.Clone(full.Results))
		dropped += len(full.Results) - len(compact.Results)
		whole, kept := cellDelta{}, cellDelta{}
		whole.addInputs(full, 1)
		kept.addInputs(&compact, 1)
		if !reflect.DeepEqual(whole, kept) {
			t.Fatalf("history %d: the cells differ", i)
		}
		first, last := scoring.QuarterOf(full.Results[0].At).Prev(), scoring.QuarterOf(full.Results[len(full.Results)-1].At).Next()
		now := full.Results[len(full.Results)-1].At.Add(time.Hour)
		for q := first; q != last.Next(); q = q.Next() {
			for _, inst := range []string{"dbi-2021@1", "dbi-2025@1"} {
				for _, g := range []string{groupProvince, "s:C", assocGroup(1), assocGroup(2)} {
					r1, s1, ok1 := full.current(inst, g, quarterIndex(q))
					r2, s2, ok2 := compact.current(inst, g, quarterIndex(q))
					if !reflect.DeepEqual(r1, r2) || s1 != s2 || ok1 != ok2 {
						t.Fatalf("history %d: %s's contribution to %s at %v differs", i, inst, g, q)
					}
				}
				fr, cr := ofInstrument(full.Results, inst), ofInstrument(compact.Results, inst)
				for _, asOf := range []time.Time{q.End(), now} {
					a, okA := lastBefore(fr, asOf)
					b, okB := lastBefore(cr, asOf)
					if !reflect.DeepEqual(a, b) || okA != okB {
						t.Fatalf("history %d: %s current at %v: %v, compacted %v", i, inst, asOf, a, b)
					}
					if a, b := firstFrom(fr, q.Start(), asOf), firstFrom(cr, q.Start(), asOf); !reflect.DeepEqual(a, b) {
						t.Fatalf("history %d: %s's first from %v to %v: %v, compacted %v", i, inst, q.Start(), asOf, a, b)
					}
				}
			}
		}
	}
	if dropped == 0 {
		t.Fatal("no history had a result to leave out: the test tested nothing")
	}
	t.Logf("%d results left out over 300 histories", dropped)
}

func ofInstrument(rs []resultInputs, inst string) []resultInputs {
	return slices.DeleteFunc(slices.Clone(rs), func(r resultInputs) bool { return r.Instrument != inst })
}
