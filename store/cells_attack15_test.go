package store_test

import (
	"context"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"dxready/disclosure"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

// cancelAfter is a context that ends after its Done channel has been asked
// for n times: each statement of a transaction asks, so a loop over n
// cancels a write at every point, between its statements, in the middle
// of its cells' reconciliation and around its commit.
type cancelAfter struct {
	context.Context
	n    atomic.Int64
	done chan struct{}
	once sync.Once
}

func newCancelAfter(n int64) *cancelAfter {
	c := &cancelAfter{Context: context.Background(), done: make(chan struct{})}
	c.n.Store(n)
	return c
}

func (c *cancelAfter) Done() <-chan struct{} {
	if c.n.Add(-1) <= 0 {
		c.once.Do(func() { close(c.done) })
	}
	return c.done
}

func (c *cancelAfter) Err() error {
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}

// cellsNow reads the tallies of the groups a write below can change, at
// the end of the current quarter, from memory.
func cellsNow(t *testing.T, s *store.Store, in string, groups []string, q scoring.Quarter) []disclosure.Tally {
	t.Helper()
	var out []disclosure.Tally
	for _, g := range groups {
		for st := range 2 {
			tl, err := store.CellTally(s, in, g, st, q)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, tl)
		}
	}
	return out
}

// ATTACK15: a write cancelled at any point (before, during or after its
// cells' reconciliation, around its commit) leaves memory equal to the
// database and the database equal to a full recomputation: the change is
// in all three or in none.
func TestAttack15WriteCancelledAtEveryPointKeepsCellsConsistent(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	ids := storetest.SevenWoodFirms(t, s, fx, in)
	q := scoring.QuarterOf(fx.Clock.Now())
	groups := []string{"p", "a:" + itoa(fx.Wood.ID), "a:" + itoa(fx.Logistics.ID), "w:25760", "w:25813", "w:25942"}
	writes := []func(context.Context, int) error{
		func(c context.Context, i int) error {
			res := scoring.Result{Instrument: in.Key(), Overall: float64(30 + i%50), Level: i % 6,
				Pillars: []scoring.PillarScore{{PillarID: "customer", Score: float64(i % 90), Scored: true}}}
			return s.LoadSubmissions(c, in, []store.PastSubmission{{FirmID: ids[i%len(ids)], Result: res, SubmittedAt: storetest.Clock}})
		},
		func(c context.Context, i int) error { return s.SetSharing(c, ids[i%len(ids)], fx.Wood.ID, i%2 == 0, 0) },
		func(c context.Context, i int) error {
			f, err := s.FindFirmByID(ctx, ids[i%len(ids)])
			if err != nil {
				return err
			}
			f.WardCode = []string{"25760", "25813", "25942"}[i%3]
			return s.UpdateFirm(c, f)
		},
		func(c context.Context, i int) error {
			return s.AddMemberships(c, fx.Logistics.ID, []int64{ids[i%len(ids)]})
		},
	}
	failed := 0
	for w, write := range writes {
		ok := 0
		for n := int64(1); n < 400 && ok < 3; n++ {
			err := write(newCancelAfter(n), w*400+int(n))
			if err != nil {
				failed++
				if ctx.Err() == nil && n == 399 {
					t.Logf("write %d: %v", w, err)
				}
			} else {
				ok++
			}
			mem := cellsNow(t, s, in.Key(), groups, q)
			store.DropCellsMemory(s)
			if db := cellsNow(t, s, in.Key(), groups, q); !reflect.DeepEqual(mem, db) {
				t.Fatalf("ATTACK15: write %d cancelled after %d looks (err %v): memory differs from the database", w, n, err)
			}
		}
		if ok == 0 {
			t.Errorf("write %d: none went through", w)
		}
	}
	// The same, cancelled from outside while the write runs (as a client
	// that goes away): the cancellation lands anywhere, the commit too.
	for i := range 400 {
		c, cancel := context.WithCancel(context.Background())
		go func() {
			for range i % 40 * 50 {
				runtime.Gosched()
			}
			cancel()
		}()
		err := writes[i%len(writes)](c, 2000+i)
		if err != nil {
			failed++
		}
		mem := cellsNow(t, s, in.Key(), groups, q)
		store.DropCellsMemory(s)
		if db := cellsNow(t, s, in.Key(), groups, q); !reflect.DeepEqual(mem, db) {
			t.Fatalf("ATTACK15: write %d cancelled from outside (err %v): memory differs from the database", i%len(writes), err)
		}
		cancel()
	}
	if c, err := s.VerifyAggregates(ctx); err != nil || c.BadCells+c.BadInputs != 0 {
		t.Fatalf("ATTACK15: after cancelled writes the cells differ from a recomputation: %+v, %v", c, err)
	}
	if failed == 0 {
		t.Fatal("no write was cancelled: the test proves nothing")
	}
	t.Logf("%d writes cancelled", failed)
}

// ATTACK15: two stores on one file (a second server, dxready import)
// writing at once: each transaction reconciles against what the other
// committed, so the database stays equal to a recomputation, and each
// store's memory, once it has written, equals the database.
func TestAttack15TwoStoresWritingAtOnceKeepTheCellsRight(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	ids := storetest.SevenWoodFirms(t, s, fx, in)
	other, err := store.Open(ctx, s.Path(), store.Options{Clock: fx.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	q := scoring.QuarterOf(fx.Clock.Now())
	groups := []string{"p", "a:" + itoa(fx.Wood.ID), "w:25760", "w:25813"}
	var wg sync.WaitGroup
	for w, st := range []*store.Store{s, other} {
		wg.Go(func() {
			for i := range 25 {
				res := scoring.Result{Instrument: in.Key(), Overall: float64(w*40 + i), Level: i % 6,
					Pillars: []scoring.PillarScore{{PillarID: "customer", Score: float64(i), Scored: true}}}
				id := ids[(w*3+i)%len(ids)]
				if err := st.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: id, Result: res, SubmittedAt: storetest.Clock}}); err != nil {
					t.Error(err)
				}
				if err := st.SetSharing(ctx, id, fx.Wood.ID, i%3 == 0, 0); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if c, err := s.VerifyAggregates(ctx); err != nil || c.BadCells+c.BadInputs != 0 {
		t.Fatalf("ATTACK15: two writers left the cells unlike a recomputation: %+v, %v", c, err)
	}
	for i, st := range []*store.Store{s, other} {
		// A last write by each makes its memory catch up with the other's.
		if err := st.SetSharing(ctx, ids[0], fx.Wood.ID, i == 0, 0); err != nil {
			t.Fatal(err)
		}
		mem := cellsNow(t, st, in.Key(), groups, q)
		store.DropCellsMemory(st)
		if db := cellsNow(t, st, in.Key(), groups, q); !reflect.DeepEqual(mem, db) {
			t.Errorf("ATTACK15: store %d's memory differs from the database after two writers", i)
		}
	}
}
