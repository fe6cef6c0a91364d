package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// Starts and submits in the batched writer (store/save_noted.go): starts,
// steps and submits of the same and of different firms, queued together
// in random order, leave what the same calls made one at a time leave.

// cycleOp is one call of a client's firm cycle.
type cycleOp struct {
	id    int
	kind  string // "start", "step", "submit", "panic" (a step whose Decide panics)
	firm  int64  // the firm it names (now and then not the draft's, for a step or submit)
	owner int64
	// Filled in as it runs: the draft it worked on (a start's: the one it
	// returned), a submit's version and result, and its own error.
	draft   int64
	answers map[string]survey.Answer
	version string
	result  scoring.Result
	err     error
}

// cycleWorld is a store whose firms have some history: a submission a
// quarter back for one, a draft started a month back for another. Its
// clock moves a minute at each reading: the calls made in the same order
// get the same times, batched or not.
type cycleWorld struct {
	t      *testing.T
	s      *store.Store
	fx     *storetest.Fixtures
	in     *survey.Instrument
	firms  []int64
	owners []int64
}

func newCycleWorld(t *testing.T) *cycleWorld {
	clock := storetest.NewClock()
	s, fx := storetest.OpenWith(t, store.Options{Clock: func() time.Time { // a minute on at each call, so no two writes tie
		clock.Add(time.Minute)
		return clock.Now()
	}})
	fx.Clock = clock
	w := &cycleWorld{t: t, s: s, fx: fx, in: storetest.Instrument(t), firms: []int64{fx.GoDuc.ID, fx.NoiThat.ID, fx.Kho.ID},
		owners: []int64{0, fx.FirmUser.ID}}
	now := fx.Clock.Now()
	fx.Clock.Set(now.AddDate(0, -3, 0))
	d, err := s.StartDraft(ctx, fx.GoDuc.ID, 0, w.in, 0)
	if err == nil {
		err = s.SaveAnswers(ctx, d.ID, fx.GoDuc.ID, w.answers(rand.New(rand.NewPCG(1, 1))), 0)
	}
	if err == nil {
		d, err = s.FindResponse(ctx, d.ID)
	}
	if err == nil {
		err = s.SubmitResponse(ctx, d.ID, fx.GoDuc.ID, 0, d.Version(), scoring.Score(w.in, d.Profile, d.Answers))
	}
	fx.Clock.Set(now.AddDate(0, -1, 0))
	if err == nil {
		_, err = s.StartDraft(ctx, fx.Kho.ID, 0, w.in, 0)
	}
	if err != nil {
		t.Fatal(err)
	}
	fx.Clock.Set(now)
	return w
}

// answers draws answers to one to three questions.
func (w *cycleWorld) answers(rng *rand.Rand) map[string]survey.Answer {
	qs := w.in.Questions()
	out := map[string]survey.Answer{}
	for range 1 + rng.IntN(3) {
		q := qs[rng.IntN(len(qs))]
		out[q.ID] = survey.Answer{Options: []string{q.Options[rng.IntN(len(q.Options))].ID}}
	}
	return out
}

// drawCycles draws g clients' calls: each a firm and owner (two clients
// may share both, so one draft), n calls of start, steps and submits.
func (w *cycleWorld) drawCycles(rng *rand.Rand, g, n int) [][]*cycleOp {
	out := make([][]*cycleOp, g)
	for i := range out {
		firm, owner := w.firms[rng.IntN(len(w.firms))], w.owners[rng.IntN(len(w.owners))]
		for j := range n {
			op := &cycleOp{id: i*n + j, kind: "step", firm: firm, owner: owner, answers: w.answers(rng)}
			switch k := rng.IntN(10); {
			case j == 0 || k < 2:
				op.kind = "start"
			case k < 4:
				op.kind = "submit"
			case k < 5:
				op.kind = "panic"
			}
			if op.kind != "start" && rng.IntN(10) == 0 {
				op.firm = w.firms[rng.IntN(len(w.firms))] // a tampered firm: not the draft's, now and then
			}
			out[i] = append(out[i], op)
		}
	}
	return out
}

// runCycles runs each client's calls in order, all clients at once; their
// first calls are held until all are queued, so they batch.
func (w *cycleWorld) runCycles(clients [][]*cycleOp, tr *traced) {
	release, err := store.HoldWriter(w.s)
	if err != nil {
		w.t.Fatal(err)
	}
	store.TraceSaves(w.s, tr.add)
	var wg sync.WaitGroup
	for _, calls := range clients {
		wg.Go(func() {
			var draft int64
			for _, op := range calls {
				op.draft = draft
				if op.kind == "submit" { // the version this tab saw, maybe stale by its turn
					if d, err := w.s.FindResponse(ctx, draft); err == nil {
						op.version, op.result = d.Version(), scoring.Score(w.in, d.Profile, d.Answers)
					}
				}
				c := context.WithValue(ctx, callKey{}, op.id)
				var got int64
				got, op.err = w.batched(c, op)
				if op.kind == "start" && op.err == nil {
					draft, op.draft = got, got
				}
			}
		})
	}
	queued(w.s, len(clients))
	release()
	wg.Wait()
}

// batched makes call op through the store's batched writer; a start
// returns its draft's ID.
func (w *cycleWorld) batched(c context.Context, op *cycleOp) (int64, error) {
	switch op.kind {
	case "start":
		d, err := w.s.StartDraft(c, op.firm, op.owner, w.in, 0)
		if err != nil {
			return 0, err
		}
		return d.ID, nil
	case "submit":
		return 0, w.s.SubmitResponse(c, op.draft, op.firm, 0, op.version, op.result)
	case "panic":
		_, err := w.s.SaveStep(c, op.draft, 0, nil, func(*survey.Response) (map[string]survey.Answer, error) { panic("a bad form") })
		return 0, err
	}
	return 0, w.s.SaveAnswers(c, op.draft, op.firm, op.answers, 0)
}

// serial makes call op the way it was made before batches, in its own
// transaction; a start returns its draft's ID.
func (w *cycleWorld) serial(op *cycleOp) (int64, error) {
	switch op.kind {
	case "start":
		d, err := store.StartDraftSerial(ctx, w.s, op.firm, op.owner, w.in, 0)
		if err != nil {
			return 0, err
		}
		return d.ID, nil
	case "submit":
		return 0, store.SubmitSerial(ctx, w.s, op.draft, op.firm, 0, op.version, op.result)
	case "panic": // a step was always batched: one alone is the reference
		return w.batched(ctx, op)
	}
	return 0, store.SaveAnswersSerial(ctx, w.s, op.draft, op.firm, op.answers, 0)
}

// Clients running firm cycles at once (a start, steps, submits, steps
// whose Decide panics, now and then the wrong firm or a stale version,
// clients sharing a firm and even a draft) get the errors, and leave the
// rows, kept aggregates, cells in memory and funnel, that the same calls
// made one at a time in their own transactions, in the order the writer
// ran them, give; and the kept aggregates and funnel equal those derived
// again from the rows.
func TestBatchedCyclesSameAsSerial(t *testing.T) {
	for seed := range uint64(8) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { cyclesAgainstSerial(t, seed) })
	}
}

func cyclesAgainstSerial(t *testing.T, seed uint64) {
	w := newCycleWorld(t)
	start := w.fx.Clock.Now()
	tr := &traced{errs: map[int]error{}}
	clients := w.drawCycles(rand.New(rand.NewPCG(seed, 14)), 12, 10)
	w.runCycles(clients, tr)
	byID := map[int]*cycleOp{}
	kinds := map[string]int{}
	for _, calls := range clients {
		for _, op := range calls {
			byID[op.id] = op
			kinds[op.kind+" "+errClassOf(op.err)]++
		}
	}
	batches, saves := w.s.SaveBatches()
	t.Logf("%d calls in %d batches; %v", saves, batches, kinds)
	if len(tr.order) != len(byID) {
		t.Fatalf("the writer ran %d of %d calls", len(tr.order), len(byID))
	}
	serial := newCycleWorld(t)
	for _, id := range tr.order {
		op := byID[id]
		if errClassOf(op.err) != errClassOf(tr.errs[id]) {
			t.Fatalf("call %d returned %v but ran as %v", id, op.err, tr.errs[id])
		}
		got, err := serial.serial(op)
		if errClassOf(err) != errClassOf(op.err) || op.kind == "start" && got != op.draft {
			t.Fatalf("call %d (%s of firm %d, draft %d): %v at once, %v (draft %d) one at a time", id, op.kind, op.firm, op.draft, op.err, err, got)
		}
	}
	sameStores(t, w.s, serial.s)
	(&cellsWorld{t: t, s: w.s, fx: w.fx, in: w.in}).check("after the batches", start)
	funnelEqualsRebuild(t, w.s, "after the batches")
	if c, err := w.s.VerifyAggregates(ctx); err != nil || c.BadInputs != 0 || c.BadCells != 0 {
		t.Fatalf("verify aggregates: %+v, %v", c, err)
	}
}

// errClassOf is errClass, a panicking Decide's error named without its
// stack.
func errClassOf(err error) string {
	if err != nil && strings.Contains(err.Error(), "panicked") {
		return "panicked"
	}
	return errClass(err)
}

// sameStores fails unless a and b hold the same rows where a firm cycle
// writes: responses (their random record keys aside) and answers, scores,
// current results, what waits in the change logs, and the funnel kept.
// The aggregates' cells depend on the record keys, which differ: each
// store's are compared with a full recomputation instead.
func sameStores(t *testing.T, a, b *store.Store) {
	t.Helper()
	dba, dbb := openRaw(t, a), openRaw(t, b)
	for _, q := range []string{
		`SELECT id, firm_id, instrument, status, section, size_class, created_by, created_at, updated_at, submitted_by,
			submitted_at, overall, level, owner_id FROM responses ORDER BY id`,
		"SELECT * FROM answers ORDER BY response_id, question", "SELECT * FROM answer_events ORDER BY id",
		"SELECT * FROM pillar_scores ORDER BY response_id, pillar", "SELECT * FROM current_results ORDER BY firm_id",
		"SELECT * FROM agg_dirty", "SELECT * FROM funnel_dirty", "SELECT * FROM counters ORDER BY name",
		"SELECT * FROM funnel_firms ORDER BY firm_id", "SELECT * FROM funnel_cells ORDER BY 1, 2, 3, 4, 5",
	} {
		if got, want := rowsText(t, dba, q), rowsText(t, dbb, q); !slices.Equal(got, want) {
			t.Fatalf("%s:\n%q at once,\n%q one at a time", q, got, want)
		}
	}
}
