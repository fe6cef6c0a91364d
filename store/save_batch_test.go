package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"testing"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// batchWorld is a store with drafts to save into, and the saves' answers.
type batchWorld struct {
	t      *testing.T
	s      *store.Store
	fx     *storetest.Fixtures
	in     *survey.Instrument
	p      survey.Profile
	drafts map[int64]int64 // draft → its firm
	// serialRef: saves go through the serial reference (SaveAnswersSerial).
	serialRef bool
}

func newBatchWorld(t *testing.T) *batchWorld {
	s, fx := storetest.Open(t)
	w := &batchWorld{t: t, s: s, fx: fx, in: storetest.Instrument(t), p: survey.Profile{Section: "C", Size: "medium"}, drafts: map[int64]int64{}}
	for _, f := range []int64{fx.GoDuc.ID, fx.NoiThat.ID, fx.Kho.ID} {
		w.draft(f)
	}
	return w
}

// draft starts firm's draft and returns its ID.
func (w *batchWorld) draft(firm int64) int64 {
	d, err := w.s.Draft(ctx, firm, w.in, w.p, 0)
	if err != nil {
		w.t.Fatal(err)
	}
	w.drafts[d.ID] = firm
	return d.ID
}

// answer is question i's option j (both taken modulo what there is).
func (w *batchWorld) answer(i, j int) map[string]survey.Answer {
	qs := w.in.Questions()
	q := qs[i%len(qs)]
	return map[string]survey.Answer{q.ID: {Options: []string{q.Options[j%len(q.Options)].ID}}}
}

// queued waits until n saves wait in the store's queue.
func queued(s *store.Store, n int) {
	for store.QueuedSaves(s) != n {
		runtime.Gosched()
	}
}

// tableRows is what table holds, one string a row, in id order (answers by key).
func tableRows(t *testing.T, s *store.Store, table string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(5000)&mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	q := map[string]string{
		"answers":       "SELECT response_id, question, options, COALESCE(updated_by, 0) FROM answers ORDER BY response_id, question",
		"answer_events": "SELECT response_id, question, options, COALESCE(user_id, 0) FROM answer_events ORDER BY id",
	}[table]
	rs, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var id, user int64
		var question, opts string
		if err := rs.Scan(&id, &question, &opts, &user); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d %s %s %d", id, question, opts, user))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// byHand runs statements on the database behind the store's back (a test
// database's own trigger).
func byHand(t *testing.T, s *store.Store, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// batchOf runs saves as one batch: the writer is held until all are
// queued. Each save's error comes back in order.
func batchOf(t *testing.T, s *store.Store, saves ...func() error) []error {
	t.Helper()
	release, err := store.HoldWriter(s)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.SaveBatches()
	errs := make([]error, len(saves))
	var wg sync.WaitGroup
	for i, save := range saves {
		wg.Go(func() { errs[i] = save() })
		queued(s, i+1) // in this order
	}
	release()
	wg.Wait()
	if after, _ := s.SaveBatches(); after != before+1 {
		t.Fatalf("%d saves ran in %d batches, not one", len(saves), after-before)
	}
	return errs
}

// A save that fails in a batch, after it wrote part of itself, takes only
// its own changes back and gets its own error; the others of the batch are
// written; and a draft of another firm, or a submitted one, says so.
func TestSaveBatchOneFailingSaveLeavesTheOthers(t *testing.T) {
	w := newBatchWorld(t)
	s, fx := w.s, w.fx
	// Only in this database: an answer to the first question with its
	// second option cannot be stored, after its change was recorded.
	bad := w.answer(0, 1)
	q := w.in.Questions()[0]
	byHand(t, s, fmt.Sprintf(`CREATE TRIGGER test_refuse BEFORE INSERT ON answers WHEN NEW.question = '%s' AND NEW.options = '["%s"]'
		BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`, q.ID, q.Options[1].ID))
	ids := draftIDs(w)
	errs := batchOf(t, s,
		func() error { return s.SaveAnswers(ctx, ids[0], w.drafts[ids[0]], w.answer(1, 0), 0) },
		func() error { return s.SaveAnswers(ctx, ids[1], w.drafts[ids[1]], bad, 0) },
		func() error { return s.SaveAnswers(ctx, ids[1], fx.Kho.ID, w.answer(2, 0), 0) },
		func() error { return s.SaveAnswers(ctx, ids[2], w.drafts[ids[2]], w.answer(3, 0), 0) },
	)
	if errs[0] != nil || errs[1] == nil || !errors.Is(errs[2], store.ErrNotFound) || errs[3] != nil {
		t.Fatalf("errors = %v", errs)
	}
	want := []string{
		fmt.Sprintf("%d %s %s 0", ids[0], w.in.Questions()[1].ID, optsJSON(w.answer(1, 0))),
		fmt.Sprintf("%d %s %s 0", ids[2], w.in.Questions()[3].ID, optsJSON(w.answer(3, 0))),
	}
	if got := tableRows(t, s, "answer_events"); !slices.Equal(got, want) {
		t.Fatalf("answer events = %q, want %q", got, want)
	}
	if got := tableRows(t, s, "answers"); !slices.Equal(got, want) {
		t.Fatalf("answers = %q, want %q", got, want)
	}
}

func draftIDs(w *batchWorld) []int64 {
	var ids []int64
	for id := range w.drafts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// optsJSON is the options of a one-answer map as stored.
func optsJSON(a map[string]survey.Answer) string {
	for _, v := range a {
		return fmt.Sprintf(`["%s"]`, v.Options[0])
	}
	return ""
}

// A batch whose COMMIT fails (a deferred foreign key that one save breaks,
// only in this database) fails every save of it and writes none; the
// store goes on saving afterwards.
func TestSaveBatchFailingCommitFailsEveryone(t *testing.T) {
	w := newBatchWorld(t)
	s := w.s
	q := w.in.Questions()[0]
	byHand(t, s, "CREATE TABLE test_parent (id INTEGER PRIMARY KEY)",
		"CREATE TABLE test_child (parent INTEGER REFERENCES test_parent (id) DEFERRABLE INITIALLY DEFERRED)",
		fmt.Sprintf(`CREATE TRIGGER test_orphan AFTER INSERT ON answers WHEN NEW.question = '%s' AND NEW.options = '["%s"]'
		BEGIN INSERT INTO test_child VALUES (42); END`, q.ID, q.Options[1].ID))
	ids := draftIDs(w)
	for _, n := range []int{3, 1} { // a batch of several, and of one
		saves := []func() error{func() error { return s.SaveAnswers(ctx, ids[0], w.drafts[ids[0]], w.answer(0, 1), 0) }}
		for i := 1; i < n; i++ {
			saves = append(saves, func() error { return s.SaveAnswers(ctx, ids[i], w.drafts[ids[i]], w.answer(i, 0), 0) })
		}
		for i, err := range batchOf(t, s, saves...) {
			if err == nil {
				t.Fatalf("batch of %d: save %d succeeded though its COMMIT failed", n, i)
			}
		}
		if got := tableRows(t, s, "answer_events"); len(got) != 0 {
			t.Fatalf("batch of %d: a failed COMMIT left %q", n, got)
		}
	}
	if err := s.SaveAnswers(ctx, ids[1], w.drafts[ids[1]], w.answer(1, 0), 0); err != nil {
		t.Fatalf("a save after the failed COMMIT: %v", err)
	}
	if got := tableRows(t, s, "answers"); len(got) != 1 {
		t.Fatalf("answers = %q", got)
	}
}

// A save whose context ends while it waits in the queue is never written
// and says why; the lead's own caller leaving hands the lead on, and the
// rest of the queue is written.
func TestSaveBatchCancelledQueuedSaveIsNotWritten(t *testing.T) {
	w := newBatchWorld(t)
	s := w.s
	ids := draftIDs(w)
	release, err := store.HoldWriter(s)
	if err != nil {
		t.Fatal(err)
	}
	errs := make([]error, 3)
	cancels := make([]context.CancelFunc, 3)
	var wg sync.WaitGroup
	for i := range 3 {
		c, cancel := context.WithCancel(ctx)
		cancels[i] = cancel
		wg.Go(func() { errs[i] = s.SaveAnswers(c, ids[i], w.drafts[ids[i]], w.answer(i, 0), 0) })
		queued(s, i+1)
	}
	cancels[0]() // the leader, waiting for the writer
	cancels[2]() // one queued behind another
	queued(s, 1)
	release()
	wg.Wait()
	cancels[1]()
	if !errors.Is(errs[0], context.Canceled) || errs[1] != nil || !errors.Is(errs[2], context.Canceled) {
		t.Fatalf("errors = %v", errs)
	}
	want := []string{fmt.Sprintf("%d %s %s 0", ids[1], w.in.Questions()[1].ID, optsJSON(w.answer(1, 0)))}
	if got := tableRows(t, s, "answer_events"); !slices.Equal(got, want) {
		t.Fatalf("answer events = %q, want %q", got, want)
	}
}

// A save racing the submit of its draft is either in what was submitted
// (the submit's version check saw it, so the submit failed with
// ErrConflict) or refused with ErrSubmitted: never written after it.
func TestSaveBatchRacingASubmit(t *testing.T) {
	w := newBatchWorld(t)
	s := w.s
	firm := w.fx.GoDuc.ID
	for round := range 20 {
		id := w.draft(firm)
		d, err := s.FindResponse(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		res := scoring.Score(w.in, w.p, d.Answers)
		errs := make([]error, 6)
		var submitErr error
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() { errs[i] = s.SaveAnswers(ctx, id, firm, w.answer(i, round), 0) })
		}
		wg.Go(func() { submitErr = s.SubmitResponse(ctx, id, firm, 0, d.Version(), res) })
		wg.Wait()
		got, err := s.FindResponse(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		saved := 0
		for i, err := range errs {
			switch {
			case err == nil:
				saved++
				if _, ok := got.Answers[w.in.Questions()[i].ID]; !ok {
					t.Fatalf("round %d: save %d succeeded but is not in the response", round, i)
				}
			case !errors.Is(err, store.ErrSubmitted) || submitErr != nil:
				t.Fatalf("round %d: save %d: %v (submit: %v)", round, i, err, submitErr)
			}
		}
		if len(got.Answers) != saved || (submitErr == nil) != (saved == 0) || submitErr != nil && !errors.Is(submitErr, store.ErrConflict) {
			t.Fatalf("round %d: %d saved, %d answers stored, submit %v", round, saved, len(got.Answers), submitErr)
		}
		if submitErr != nil { // submit this round's draft so the next starts afresh
			if err := s.SubmitResponse(ctx, id, firm, 0, got.Version(), scoring.Score(w.in, w.p, got.Answers)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// Each store batches its own saves: a save to one store is never held
// behind, nor run on the connection of, another store's batch.
func TestSaveBatchNeverMixesStores(t *testing.T) {
	a, b := newBatchWorld(t), newBatchWorld(t)
	release, err := store.HoldWriter(a.s)
	if err != nil {
		t.Fatal(err)
	}
	idsA, idsB := draftIDs(a), draftIDs(b)
	done := make(chan error, 1)
	go func() { done <- a.s.SaveAnswers(ctx, idsA[0], a.drafts[idsA[0]], a.answer(0, 0), 0) }()
	queued(a.s, 1)
	if err := b.s.SaveAnswers(ctx, idsB[0], b.drafts[idsB[0]], b.answer(1, 0), 0); err != nil { // while a's writer is held
		t.Fatal(err)
	}
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wantA := []string{fmt.Sprintf("%d %s %s 0", idsA[0], a.in.Questions()[0].ID, optsJSON(a.answer(0, 0)))}
	wantB := []string{fmt.Sprintf("%d %s %s 0", idsB[0], b.in.Questions()[1].ID, optsJSON(b.answer(1, 0)))}
	if got := tableRows(t, a.s, "answers"); !slices.Equal(got, wantA) {
		t.Fatalf("store a: %q, want %q", got, wantA)
	}
	if got := tableRows(t, b.s, "answers"); !slices.Equal(got, wantB) {
		t.Fatalf("store b: %q, want %q", got, wantB)
	}
}

// Saves queued when the store closes all return, with an error: none is
// left waiting for a writer that will not come.
func TestSaveBatchStoreClosedWhileQueued(t *testing.T) {
	w := newBatchWorld(t)
	s := w.s
	ids := draftIDs(w)
	release, err := store.HoldWriter(s)
	if err != nil {
		t.Fatal(err)
	}
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Go(func() { errs[i] = s.SaveAnswers(ctx, ids[i], w.drafts[ids[i]], w.answer(i, 0), 0) })
		queued(s, i+1)
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	wg.Wait() // the writer still held: the close alone ends the wait
	release()
	<-closed
	for i, err := range errs {
		if err == nil {
			t.Fatalf("save %d succeeded on a closed store", i)
		}
	}
}

// A save whose context ends after its batch took it but before its turn
// in the batch is not written and says why; one whose context ends after
// its own turn keeps the batch's outcome (written: no error).
func TestSaveBatchCancelledInItsBatchBeforeItsTurn(t *testing.T) {
	w := newBatchWorld(t)
	s := w.s
	ids := draftIDs(w)
	ctxs := make([]context.Context, 3)
	cancels := make([]context.CancelFunc, 3)
	for i := range ctxs {
		ctxs[i], cancels[i] = context.WithCancel(ctx)
		defer cancels[i]()
	}
	store.TraceSaves(s, func(c context.Context, err error) {
		if c == ctxs[0] { // the first save has run: the second's caller leaves, and the first's
			cancels[1]()
			cancels[0]()
		}
	})
	var saves []func() error
	for i := range 3 {
		saves = append(saves, func() error { return s.SaveAnswers(ctxs[i], ids[i], w.drafts[ids[i]], w.answer(i, 0), 0) })
	}
	errs := batchOf(t, s, saves...)
	if errs[0] != nil || !errors.Is(errs[1], context.Canceled) || errs[2] != nil {
		t.Fatalf("errors = %v", errs)
	}
	var want []string
	for _, i := range []int{0, 2} {
		want = append(want, fmt.Sprintf("%d %s %s 0", ids[i], w.in.Questions()[i].ID, optsJSON(w.answer(i, 0))))
	}
	if got := tableRows(t, s, "answer_events"); !slices.Equal(got, want) {
		t.Fatalf("answer events = %q, want %q", got, want)
	}
}
