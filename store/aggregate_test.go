package store_test

import (
	"testing"
	"time"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

// The seven wood firms, six of which share their results with the
// association: the whole association's figures are protected (perturbed,
// no quantiles, never narrowed by a dimension); the shared selection is
// exact, by hand.
func TestAggregateByHand(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	ids := storetest.SevenWoodFirms(t, s, fx, in)
	if err := s.AddSharing(ctx, fx.Wood.ID, ids[:6]); err != nil {
		t.Fatal(err)
	}
	snap, err := s.Snapshot(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	a := aggregate(t, snap, store.AggFilter{AssociationID: fx.Wood.ID})
	// Nine members (the seven and the two fixtures without results).
	if a.Members != 9 || a.Assessed != 7 || a.Sharing != 6 || a.Whole.N != 7 || a.Province.N != 7 || a.Selected != 6 {
		t.Fatalf("participation: %+v", a)
	}
	w := a.Whole
	if w.Suppressed || !w.Perturbed || w.Overall.Quantiles || sumInts(w.Levels) != 7 || w.Overall.Mean < 0 || w.Overall.Mean > 100 {
		t.Fatalf("whole association: %+v", w)
	}
	o := a.Shared.Overall // 10, 20, … 60
	if a.Shared.Perturbed || o.Suppressed || o.Mean != 35 || o.Median != 35 || o.P25 != 22.5 || o.P75 != 47.5 {
		t.Fatalf("shared overall: %+v", o)
	}
	if want := []int{1, 1, 1, 1, 1, 1}; !equalInts(a.Shared.Levels, want) {
		t.Fatalf("shared levels %v, want %v", a.Shared.Levels, want)
	}
	if a.Shared.Pillars[0].Mean != 35 || !a.Shared.Pillars[1].Suppressed || a.Shared.Pillars[1].N != 0 {
		t.Fatalf("shared pillars: %+v", a.Shared.Pillars)
	}
	wards := a.By[store.ByWard] // the seventh firm, in 25760, does not share
	if len(wards) != 2 || wards[0].Key != "25760" || wards[0].N != 1 || !wards[0].Suppressed || wards[0].Overall.Mean != 0 ||
		wards[1].Key != "25813" || wards[1].N != 5 || wards[1].Overall.Mean != 30 {
		t.Fatalf("by ward: %+v", wards)
	}
	// Q4 2026 holds the clock; at the end of Q3 only the two older results
	// were current: too few to show.
	tr := a.Trend
	if len(tr) != store.TrendQuarters || tr[7].Quarter != (scoring.Quarter{Year: 2026, Q: 4}) || tr[7].N != 7 ||
		tr[6].N != 2 || !tr[6].Suppressed || tr[0].Quarter != (scoring.Quarter{Year: 2025, Q: 1}) || tr[0].N != 0 {
		t.Fatalf("trend: %+v", tr)
	}
	if tr[7].Overall.Mean != w.Overall.Mean {
		t.Fatalf("the current quarter's trend point %v is not the whole association's figure %v", tr[7].Overall.Mean, w.Overall.Mean)
	}
	if len(a.Improved) != 2 || a.Improved[0].FirmID != ids[1] || a.Improved[0].Delta() != 20 || a.Improved[1].FirmID != ids[0] {
		t.Fatalf("improved: %+v", a.Improved)
	}
	past := aggregate(t, snap, store.AggFilter{AssociationID: fx.Wood.ID, Quarter: scoring.Quarter{Year: 2026, Q: 3}})
	if past.Assessed != 2 || !past.Whole.Suppressed || !past.AsOf.Equal(time.Date(2026, 9, 30, 17, 0, 0, 0, time.UTC)) {
		t.Fatalf("as of Q3: %+v", past)
	}
	if other := aggregate(t, snap, store.AggFilter{AssociationID: fx.Logistics.ID}); other.Members != 1 || other.Assessed != 0 || !other.Whole.Suppressed {
		t.Fatalf("logistics: %+v", other)
	}
	if prov := aggregate(t, snap, store.AggFilter{}); prov.Whole.N != 7 || prov.Whole.Overall.Mean != a.Province.Overall.Mean || prov.Selected != 0 {
		t.Fatalf("province: %+v", prov)
	}
}

// A dimension narrows the shared selection only: the whole association's
// figures stay the very same cell, so two selections cannot be subtracted.
func TestDimensionsNeverNarrowTheWholeAssociation(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	ids := storetest.SevenWoodFirms(t, s, fx, in)
	if err := s.AddSharing(ctx, fx.Wood.ID, ids[:3]); err != nil {
		t.Fatal(err)
	}
	snap, _ := s.Snapshot(ctx, in)
	all := aggregate(t, snap, store.AggFilter{AssociationID: fx.Wood.ID})
	for _, f := range []store.AggFilter{{Ward: "25760"}, {Ward: "25813"}, {Division: "16"}, {Section: "C"}, {Size: "small"}, {Section: "A"}} {
		f.AssociationID = fx.Wood.ID
		got := aggregate(t, snap, f)
		if got.Whole.N != all.Whole.N || got.Whole.Overall.Mean != all.Whole.Overall.Mean || !equalInts(got.Whole.Levels, all.Whole.Levels) ||
			got.Whole.Pillars[0].Mean != all.Whole.Pillars[0].Mean {
			t.Errorf("filter %+v changed the whole association's figures: %+v vs %+v", f, got.Whole, all.Whole)
		}
		if got.Selected > 3 {
			t.Errorf("filter %+v selects %d, but only 3 share", f, got.Selected)
		}
	}
}

// Withdrawing consent moves a member out of the shared selection and out
// of the improved list at the next snapshot.
func TestSharingChangesReachTheSnapshot(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	ids := storetest.SevenWoodFirms(t, s, fx, in)
	if err := s.AddSharing(ctx, fx.Wood.ID, ids); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Snapshot(ctx, in)
	if a := aggregate(t, before, store.AggFilter{AssociationID: fx.Wood.ID}); a.Sharing != 7 || len(a.Improved) != 2 {
		t.Fatalf("all sharing: %+v", a)
	}
	if err := s.SetSharing(ctx, ids[1], fx.Wood.ID, false, 0); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Snapshot(ctx, in)
	a := aggregate(t, after, store.AggFilter{AssociationID: fx.Wood.ID})
	if a.Sharing != 6 || a.Selected != 6 || len(a.Improved) != 1 || a.Improved[0].FirmID != ids[0] {
		t.Fatalf("after a withdrawal: sharing %d selected %d improved %+v", a.Sharing, a.Selected, a.Improved)
	}
}

func sumInts(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// A new submission reaches the figures at once: the cells change in the
// submission's own transaction.
func TestSnapshotSeesNewResults(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	storetest.SevenWoodFirms(t, s, fx, in)
	res := scoring.Result{Instrument: in.Key(), Overall: 100, Level: 5, Pillars: []scoring.PillarScore{{PillarID: "customer", Score: 100, Scored: true}}}
	if err := s.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: fx.NoiThat.ID, Result: res, SubmittedAt: storetest.Clock.Add(-time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Snapshot(ctx, in)
	got := aggregate(t, after, store.AggFilter{AssociationID: fx.Wood.ID})
	if got.Assessed != 8 || got.Whole.N != 8 || got.Province.N != 8 {
		t.Fatalf("after a new result: %+v", got)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Switching consent back and forth within a quarter makes no new cell: the
// protected figures are split by who shared at the quarter's start, so the
// whole association's figures stay the very same (no fresh noise to
// average), while the shared selection follows consent at once.
func TestConsentTogglesMakeNoNewCells(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	ids := storetest.SevenWoodFirms(t, s, fx, in)
	snap, _ := s.Snapshot(ctx, in)
	before := aggregate(t, snap, store.AggFilter{AssociationID: fx.Wood.ID})
	for i, share := range []bool{true, false, true} {
		if err := s.SetSharing(ctx, ids[0], fx.Wood.ID, share, 0); err != nil {
			t.Fatal(err)
		}
		snap, _ = s.Snapshot(ctx, in)
		a := aggregate(t, snap, store.AggFilter{AssociationID: fx.Wood.ID})
		if a.Whole.Overall.Mean != before.Whole.Overall.Mean || !equalInts(a.Whole.Levels, before.Whole.Levels) || a.Whole.Pillars[0].Mean != before.Whole.Pillars[0].Mean {
			t.Fatalf("toggle %d moved the whole association's figures: %v → %v", i, before.Whole.Overall.Mean, a.Whole.Overall.Mean)
		}
		if want := map[bool]int{true: 1, false: 0}[share]; a.Sharing != want || a.Selected != want {
			t.Fatalf("toggle %d: sharing %d selected %d, want %d", i, a.Sharing, a.Selected, want)
		}
	}
}
