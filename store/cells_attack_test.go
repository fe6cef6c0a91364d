package store_test

import (
	"database/sql"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

// A past quarter's figures are frozen: consent given now, and the turn of
// the quarter, leave the figures of the end of Q3 exactly as they were, so
// a lead watching them across quarters gets no fresh noise to average.
func TestPastQuarterFiguresDoNotMove(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	ids := storetest.SevenWoodFirms(t, s, fx, in)
	q3 := store.AggFilter{AssociationID: fx.Wood.ID, Quarter: scoring.Quarter{Year: 2026, Q: 3}}
	snap, _ := s.Snapshot(ctx, in)
	before := aggregate(t, snap, q3)
	if err := s.AddSharing(ctx, fx.Wood.ID, ids); err != nil {
		t.Fatal(err)
	}
	fx.Clock.Set(time.Date(2027, 2, 1, 3, 0, 0, 0, time.UTC)) // Q1 2027: everyone shared at its start
	snap, _ = s.Snapshot(ctx, in)
	after := aggregate(t, snap, q3)
	if after.Whole.N != before.Whole.N || after.Whole.Overall.Mean != before.Whole.Overall.Mean || !equalInts(after.Whole.Levels, before.Whole.Levels) {
		t.Fatalf("the end of Q3 moved: %+v → %+v", before.Whole, after.Whole)
	}
	now := aggregate(t, snap, store.AggFilter{AssociationID: fx.Wood.ID})
	for _, st := range []int{0, 1} {
		tl, _ := store.CellTally(s, in.Key(), "a:"+itoa(fx.Wood.ID), st, scoring.Quarter{Year: 2027, Q: 1})
		if want := map[int]int{0: 7, 1: 0}[st]; tl.N != want {
			t.Fatalf("Q1 2027 stratum %d holds %d results, want %d (all shared at its start)", st, tl.N, want)
		}
	}
	if now.Whole.N != 7 || now.Sharing != 7 {
		t.Fatalf("now: %+v", now)
	}
}

// Cells kept in memory by writes racing with reads end equal to the
// cells in the database: memory applies the changes in commit order.
func TestConcurrentWritesKeepMemoryEqualToTheDatabase(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	ids := storetest.SevenWoodFirms(t, s, fx, in)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 15 {
				id := ids[(w*15+i)%len(ids)]
				res := scoring.Result{Instrument: in.Key(), Overall: float64(w*20 + i), Level: w,
					Pillars: []scoring.PillarScore{{PillarID: "customer", Score: float64(i), Scored: true}}}
				if err := s.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: id, Result: res, SubmittedAt: storetest.Clock}}); err != nil {
					t.Error(err)
				}
				if err := s.SetSharing(ctx, id, fx.Wood.ID, i%2 == 0, 0); err != nil {
					t.Error(err)
				}
			}
		})
		wg.Go(func() {
			for range 30 {
				snap, err := s.Snapshot(ctx, in)
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := snap.Aggregate(ctx, store.AggFilter{AssociationID: fx.Wood.ID}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	q := scoring.QuarterOf(fx.Clock.Now())
	var mem [2]int
	for st := range 2 {
		tl, _ := store.CellTally(s, in.Key(), "a:"+itoa(fx.Wood.ID), st, q.Next())
		mem[st] = tl.N
	}
	store.DropCellsMemory(s)
	for st := range 2 {
		tl, _ := store.CellTally(s, in.Key(), "a:"+itoa(fx.Wood.ID), st, q.Next())
		if tl.N != mem[st] {
			t.Fatalf("stratum %d: memory held %d results, the database %d", st, mem[st], tl.N)
		}
	}
	if c, err := s.VerifyAggregates(ctx); err != nil || c.BadCells+c.BadInputs != 0 {
		t.Fatalf("after concurrent writes: %+v, %v", c, err)
	}
}

// A firm's kept contribution that cannot be read (written behind the
// store's back) makes the write that would change it fail, saying what to
// run, rather than publish figures that no longer add up; the rows are
// left as they were.
func TestUnreadableContributionFailsTheWriteLoudly(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	ids := storetest.SevenWoodFirms(t, s, fx, in)
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("UPDATE agg_inputs SET data = x'07' WHERE firm_id = ?", ids[0]); err != nil {
		t.Fatal(err)
	}
	err = s.SetSharing(ctx, ids[0], fx.Wood.ID, true, 0)
	if err == nil || !strings.Contains(err.Error(), "dxready aggregates rebuild") {
		t.Fatalf("a write over an unreadable contribution: %v", err)
	}
	if sh, _ := s.SharingOf(ctx, ids[0]); len(sh) != 1 || sh[0].Shared {
		t.Fatalf("the failed write left rows: %+v", sh)
	}
	if err := s.RebuildAggregates(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSharing(ctx, ids[0], fx.Wood.ID, true, 0); err != nil {
		t.Fatalf("after a rebuild: %v", err)
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// Another process (dxready import, rescore, a second server) writing the
// same database is seen within a second: the cells' seq in the database
// is checked, and memory loaded again.
func TestAnotherProcessesWritesReachTheFigures(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	ids := storetest.SevenWoodFirms(t, s, fx, in)
	for range 2 { // the first read loads memory, the second asks the database once
		if got := aggregate(t, mustSnapshot(t, s), store.AggFilter{AssociationID: fx.Wood.ID}); got.Sharing != 0 {
			t.Fatalf("sharing before: %d", got.Sharing)
		}
	}
	other, err := store.Open(ctx, s.Path(), store.Options{Clock: fx.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.AddSharing(ctx, fx.Wood.ID, ids); err != nil {
		t.Fatal(err)
	}
	res := scoring.Result{Instrument: in.Key(), Overall: 90, Level: 5, Pillars: []scoring.PillarScore{{PillarID: "customer", Score: 90, Scored: true}}}
	if err := other.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: fx.GoDuc.ID, Result: res, SubmittedAt: storetest.Clock}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		a := aggregate(t, mustSnapshot(t, s), store.AggFilter{AssociationID: fx.Wood.ID})
		if a.Sharing == 7 && a.Assessed == 8 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("another process's writes never reached the figures: sharing %d, assessed %d", a.Sharing, a.Assessed)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func mustSnapshot(t *testing.T, s *store.Store) *store.Snapshot {
	t.Helper()
	snap, err := s.Snapshot(ctx, storetest.Instrument(t))
	if err != nil {
		t.Fatal(err)
	}
	return snap
}
