package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"dxready/scoring"
	"dxready/store"
	"dxready/survey"
)

// batchOp is one call of the property test: a save, or a submit.
type batchOp struct {
	id      int
	submit  bool
	draft   int64
	firm    int64 // the draft's, or now and then another firm's
	answers map[string]survey.Answer
	// Filled in as it runs: the version a submit read, its result, and
	// the call's own error.
	version string
	result  scoring.Result
	err     error
}

type callKey struct{}

// traced is the order the writer ran the calls in, with the outcome each
// had there.
type traced struct {
	mu    sync.Mutex
	order []int
	errs  map[int]error
}

func (tr *traced) add(ctx context.Context, err error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	id := ctx.Value(callKey{}).(int)
	tr.order = append(tr.order, id)
	tr.errs[id] = err
}

// Many goroutines saving at once (several firms, several drafts, some
// submitted half-way, some saves to the wrong firm) leave exactly the
// answers and the changes recorded, and get exactly the errors, that the
// same calls made one at a time, each in its own transaction as before
// group commit, in the order the writer ran them give.
func TestSaveBatchPropertySameAsSerial(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { checkAgainstSerial(t, seed) })
	}
}

func checkAgainstSerial(t *testing.T, seed uint64) {
	w := newBatchWorld(t)
	tr := &traced{errs: map[int]error{}}
	store.TraceSaves(w.s, tr.add)
	ops := w.drawOps(rand.New(rand.NewPCG(seed, 14)), 12, 10)
	w.runConcurrently(ops, tr)
	byID := map[int]*batchOp{}
	for _, calls := range ops {
		for _, op := range calls {
			byID[op.id] = op
		}
	}
	batches, saves := w.s.SaveBatches()
	if batches >= saves {
		t.Fatalf("%d saves in %d batches: none was batched", saves, batches)
	}
	classes := map[string]int{}
	for _, calls := range ops {
		for _, op := range calls {
			classes[errClass(op.err)]++
		}
	}
	t.Logf("%d saves in %d batches; outcomes %v", saves, batches, classes)
	if len(tr.order) != len(byID) {
		t.Fatalf("the writer ran %d of %d calls", len(tr.order), len(byID))
	}
	serial := newBatchWorld(t)
	serial.serialRef = true
	if !slices.Equal(draftIDs(serial), draftIDs(w)) {
		t.Fatal("the serial world's drafts are not the same")
	}
	for _, id := range tr.order {
		op := byID[id]
		if errClass(op.err) != errClass(tr.errs[id]) {
			t.Fatalf("call %d returned %v but ran as %v", id, op.err, tr.errs[id])
		}
		if got := serial.run(op, func(context.Context, error) {}); errClass(got) != errClass(op.err) {
			t.Fatalf("call %d (%+v): %v at once, %v one at a time", id, op, op.err, got)
		}
	}
	for _, table := range []string{"answers", "answer_events"} {
		if got, want := tableRows(t, w.s, table), tableRows(t, serial.s, table); !slices.Equal(got, want) {
			t.Fatalf("%s: %q at once, %q one at a time", table, got, want)
		}
	}
}

// drawOps draws n calls for each of g goroutines: the first of each a
// save, one in fifteen of the second half a submit, one save in eight to
// the wrong firm.
func (w *batchWorld) drawOps(rng *rand.Rand, g, n int) [][]*batchOp {
	ids, firms := draftIDs(w), []int64{w.fx.GoDuc.ID, w.fx.NoiThat.ID, w.fx.Kho.ID}
	out := make([][]*batchOp, g)
	for i := range out {
		for j := range n {
			op := &batchOp{id: i*n + j, draft: ids[rng.IntN(len(ids))]}
			op.firm = w.drafts[op.draft]
			switch {
			case j >= n/2 && rng.IntN(15) == 0:
				op.submit = true
			case rng.IntN(8) == 0:
				op.firm = firms[rng.IntN(len(firms))]
				fallthrough
			default:
				op.answers = w.answer(rng.IntN(5), rng.IntN(2))
				op.answers = mergeAnswers(op.answers, w.answer(rng.IntN(5), rng.IntN(2)))
			}
			out[i] = append(out[i], op)
		}
	}
	return out
}

func mergeAnswers(a, b map[string]survey.Answer) map[string]survey.Answer {
	for k, v := range b {
		a[k] = v
	}
	return a
}

// runConcurrently runs each goroutine's calls in order, all goroutines at
// once; the first saves are held until all are queued, so they batch.
func (w *batchWorld) runConcurrently(ops [][]*batchOp, tr *traced) {
	release, err := store.HoldWriter(w.s)
	if err != nil {
		w.t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, calls := range ops {
		wg.Go(func() {
			for _, op := range calls {
				if op.submit { // the version this tab saw, maybe stale by its turn
					d, err := w.s.FindResponse(ctx, op.draft)
					if err != nil {
						op.err = err
						continue
					}
					op.version, op.result = d.Version(), scoring.Score(w.in, w.p, d.Answers)
				}
				op.err = w.run(op, tr.add)
			}
		})
	}
	queued(w.s, len(ops))
	release()
	wg.Wait()
}

// run makes call op on w's store: a save through SaveAnswers (batched),
// or the serial reference when trace is a no-op (the serial world).
func (w *batchWorld) run(op *batchOp, trace func(context.Context, error)) error {
	c := context.WithValue(ctx, callKey{}, op.id)
	switch {
	case op.submit:
		return store.SubmitTraced(c, w.s, op.draft, op.firm, op.version, op.result, func(err error) { trace(c, err) })
	case w.serialRef:
		return store.SaveAnswersSerial(c, w.s, op.draft, op.firm, op.answers, 0)
	default:
		return w.s.SaveAnswers(c, op.draft, op.firm, op.answers, 0)
	}
}

// errClass names the kind of err, for comparing outcomes.
func errClass(err error) string {
	for _, e := range []error{store.ErrNotFound, store.ErrSubmitted, store.ErrConflict} {
		if errors.Is(err, e) {
			return e.Error()
		}
	}
	if err != nil {
		return "other: " + err.Error()
	}
	return "ok"
}
