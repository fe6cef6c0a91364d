package store_test

import (
	"math"
	"testing"
	"time"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

func TestAggregateByHand(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	ids := storetest.SevenWoodFirms(t, s, fx, in)
	snap, err := s.Snapshot(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	a := snap.Aggregate(store.AggFilter{AssociationID: fx.Wood.ID})
	// Nine members (the seven and the two fixtures without results).
	if a.Members != 9 || a.Assessed != 7 || a.Assessed12m != 7 || a.Group.Firms != 7 || a.Province.Firms != 7 {
		t.Fatalf("participation: %+v", a)
	}
	o := a.Group.Overall
	if o.Suppressed || o.Mean != 40 || o.Median != 40 || o.P25 != 25 || o.P75 != 55 {
		t.Fatalf("overall: %+v", o)
	}
	if want := []int{2, 1, 1, 1, 1, 1}; !equalInts(a.Group.Levels, want) {
		t.Fatalf("levels %v, want %v", a.Group.Levels, want)
	}
	if a.Group.Pillars[0].Mean != 40 || !a.Group.Pillars[1].Suppressed || a.Group.Pillars[1].N != 0 {
		t.Fatalf("pillars: %+v", a.Group.Pillars)
	}
	wards := a.By[store.ByWard]
	if len(wards) != 2 || wards[0].Key != "25760" || !wards[0].Suppressed || wards[0].Overall.Mean != 0 ||
		wards[1].Key != "25813" || wards[1].Firms != 5 || wards[1].Overall.Mean != 30 {
		t.Fatalf("by ward: %+v", wards)
	}
	// Q4 2026 holds the clock; at the end of Q3 only the two older results
	// were current: too few to show.
	tr := a.Trend
	if len(tr) != store.TrendQuarters || tr[7].Quarter != (scoring.Quarter{Year: 2026, Q: 4}) || tr[7].Firms != 7 ||
		tr[6].Firms != 2 || !tr[6].Suppressed || tr[0].Quarter != (scoring.Quarter{Year: 2025, Q: 1}) || tr[0].Firms != 0 {
		t.Fatalf("trend: %+v", tr)
	}
	if len(a.Improved) != 2 || a.Improved[0].FirmID != ids[1] || a.Improved[0].Delta() != 20 || a.Improved[1].FirmID != ids[0] {
		t.Fatalf("improved: %+v", a.Improved)
	}
	past := snap.Aggregate(store.AggFilter{AssociationID: fx.Wood.ID, Quarter: scoring.Quarter{Year: 2026, Q: 3}})
	if past.Assessed != 2 || !past.Group.Suppressed || !past.AsOf.Equal(time.Date(2026, 9, 30, 17, 0, 0, 0, time.UTC)) {
		t.Fatalf("as of Q3: %+v", past)
	}
	if other := snap.Aggregate(store.AggFilter{AssociationID: fx.Logistics.ID}); other.Members != 1 || other.Assessed != 0 || !other.Group.Suppressed {
		t.Fatalf("logistics: %+v", other)
	}
	if w := snap.Aggregate(store.AggFilter{Ward: "25760", Division: "16"}); w.Members != 2 || !w.Group.Suppressed {
		t.Fatalf("ward 25760: %+v", w)
	}
}

// A new submission reaches the next snapshot (at once when SyncAggregates
// is on, as in tests); the old snapshot's figures do not change.
func TestSnapshotSeesNewResults(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	storetest.SevenWoodFirms(t, s, fx, in)
	before, _ := s.Snapshot(ctx, in)
	if again, _ := s.Snapshot(ctx, in); again != before {
		t.Fatal("an unchanged store rebuilt its snapshot")
	}
	res := scoring.Result{Instrument: in.Key(), Overall: 100, Level: 5, Pillars: []scoring.PillarScore{{PillarID: "customer", Score: 100, Scored: true}}}
	if err := s.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: fx.NoiThat.ID, Result: res, SubmittedAt: storetest.Clock.Add(-time.Minute)}}); err != nil {
		t.Fatal(err)
	}
	after, _ := s.Snapshot(ctx, in)
	got := after.Aggregate(store.AggFilter{AssociationID: fx.Wood.ID})
	if got.Assessed != 8 || math.Abs(got.Group.Overall.Mean-(280+100)/8.0) > 1e-9 {
		t.Fatalf("after a new result: %+v", got.Group.Overall)
	}
	if old := before.Aggregate(store.AggFilter{AssociationID: fx.Wood.ID}); old.Assessed != 7 {
		t.Fatalf("the old snapshot changed: %d", old.Assessed)
	}
}

// Serving lets a snapshot lag: a read after a change answers from the old
// snapshot and rebuilds in the background.
func TestSnapshotRebuildsInTheBackground(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	s.SyncAggregates = false
	first, _ := s.Snapshot(ctx, in)
	storetest.SevenWoodFirms(t, s, fx, in)
	now := storetest.Clock.Add(store.AggregateRefresh)
	s.Now = func() time.Time { return now }
	if stale, _ := s.Snapshot(ctx, in); stale != first {
		t.Fatal("a changed store blocked a read to rebuild")
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if snap, _ := s.Snapshot(ctx, in); snap != first {
			if a := snap.Aggregate(store.AggFilter{AssociationID: fx.Wood.ID}); a.Assessed != 7 {
				t.Fatalf("rebuilt snapshot: %d assessed", a.Assessed)
			}
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the snapshot was never rebuilt")
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
