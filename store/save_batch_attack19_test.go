package store_test

import (
	"context"
	"dxready/store"
	"fmt"
	"slices"
	"sync"
	"testing"

	"dxready/store/storetest"
)

// ATTACK19: two tabs of one firm, two users, and another firm's user, all
// in one batch, on the same draft and the same question: each change is
// recorded under the user who made it, the answer under its last writer,
// and a save naming another firm's draft writes nothing under anyone.
func TestAttack19BatchKeepsEachSavesUser(t *testing.T) {
	w := newBatchWorld(t)
	s, fx := w.s, w.fx
	ids := draftIDs(w)
	d := ids[0]
	firm := w.drafts[d]
	u1 := storetest.FirmUser(t, s, "tab1@attack19.test", firm)
	u2 := storetest.FirmUser(t, s, "tab2@attack19.test", firm)
	other := fx.Kho.ID
	if other == firm {
		other = fx.NoiThat.ID
	}
	u3 := storetest.FirmUser(t, s, "other@attack19.test", other)
	errs := batchOf(t, s,
		func() error { return s.SaveAnswers(ctx, d, firm, w.answer(0, 0), u1.ID) },
		func() error { return s.SaveAnswers(ctx, d, other, w.answer(0, 1), u3.ID) }, // another firm's draft
		func() error { return s.SaveAnswers(ctx, d, firm, w.answer(0, 1), u2.ID) },
		func() error { return s.SaveAnswers(ctx, d, firm, w.answer(1, 0), u1.ID) },
	)
	if errs[0] != nil || errs[1] == nil || errs[2] != nil || errs[3] != nil {
		t.Fatalf("errors = %v", errs)
	}
	q0, q1 := w.in.Questions()[0].ID, w.in.Questions()[1].ID
	wantEvents := []string{
		fmt.Sprintf("%d %s %s %d", d, q0, optsJSON(w.answer(0, 0)), u1.ID),
		fmt.Sprintf("%d %s %s %d", d, q0, optsJSON(w.answer(0, 1)), u2.ID),
		fmt.Sprintf("%d %s %s %d", d, q1, optsJSON(w.answer(1, 0)), u1.ID),
	}
	if got := tableRows(t, s, "answer_events"); !slices.Equal(got, wantEvents) {
		t.Fatalf("answer events = %q, want %q", got, wantEvents)
	}
	wantAnswers := []string{
		fmt.Sprintf("%d %s %s %d", d, q0, optsJSON(w.answer(0, 1)), u2.ID),
		fmt.Sprintf("%d %s %s %d", d, q1, optsJSON(w.answer(1, 0)), u1.ID),
	}
	slices.Sort(wantAnswers)
	if got := tableRows(t, s, "answers"); !slices.Equal(got, wantAnswers) {
		t.Fatalf("answers = %q, want %q", got, wantAnswers)
	}
}

// ATTACK19: the store closed while saves wait for the writer: every
// queued save returns an error (none hangs, none says it was written), the
// queue empties, nothing of them is in the database, and a save made
// after the close fails at once rather than waiting for a lead that will
// never come.
func TestAttack19StoreClosedMidBatch(t *testing.T) {
	w := newBatchWorld(t)
	s := w.s
	ids := draftIDs(w)
	release, err := store.HoldWriter(s)
	if err != nil {
		t.Fatal(err)
	}
	errs := make([]error, 6)
	var wg sync.WaitGroup
	for i := range errs {
		d := ids[i%len(ids)]
		wg.Go(func() { errs[i] = s.SaveAnswers(ctx, d, w.drafts[d], w.answer(i, 0), 0) })
		queued(s, i+1)
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	release()
	wg.Wait()
	<-closed
	// Each save either failed and is not in the database, or was written
	// before the close and said so: the close may take the writer before
	// or after the batch does.
	got := tableRows(t, s, "answers")
	for i, err := range errs {
		d := ids[i%len(ids)]
		row := fmt.Sprintf("%d %s %s 0", d, w.in.Questions()[i%len(w.in.Questions())].ID, optsJSON(w.answer(i, 0)))
		if in := slices.Contains(got, row); in != (err == nil) {
			t.Errorf("save %d: error %v, written %v", i, err, in)
		}
	}
	if n := store.QueuedSaves(s); n != 0 {
		t.Errorf("%d saves still queued", n)
	}
	if err := s.SaveAnswers(ctx, ids[0], w.drafts[ids[0]], w.answer(0, 1), 0); err == nil {
		t.Error("a save after the close: no error")
	}
}

// ATTACK19: a firm with tabs saving at once, each reading its draft back
// the moment its save returns (the next page of the cycle): every save
// that said it was written is seen by that read, whether it led its batch
// or followed in it.
func TestAttack19BatchedSaveIsReadBack(t *testing.T) {
	w := newBatchWorld(t)
	s := w.s
	ids := draftIDs(w)
	qs := w.in.Questions()
	var wg sync.WaitGroup
	for g := range 12 {
		wg.Go(func() {
			d := ids[g%len(ids)]
			for i := range 15 {
				a := w.answer(g*15+i, i)
				if err := s.SaveAnswers(ctx, d, w.drafts[d], a, 0); err != nil {
					t.Error(err)
					return
				}
				r, err := s.FindResponse(ctx, d)
				if err != nil {
					t.Error(err)
					return
				}
				q := qs[(g*15+i)%len(qs)].ID
				// Another tab may have answered the same question since:
				// then it holds one of that question's options, never none.
				if len(r.Answers[q].Options) == 0 {
					t.Errorf("draft %d: question %s saved but read back unanswered", d, q)
					return
				}
			}
		})
	}
	wg.Wait()
	if b, n := s.SaveBatches(); b >= n {
		t.Logf("no batch held two saves (%d batches, %d saves): the attack did not batch", b, n)
	}
}

// ATTACK19: a save that panics while its batch runs (here the test's trace
// hook, standing for a driver or a statement that panics; the server's
// recoverer turns the request into a 500 and carries on): the batch's
// other saves get an error rather than waiting for ever, and the next
// save is written, not stuck behind a lead and a writer never given back.
func TestAttack19PanickingSaveDoesNotWedgeTheQueue(t *testing.T) {
	w := newBatchWorld(t)
	s := w.s
	ids := draftIDs(w)
	var once sync.Once
	store.TraceSaves(s, func(context.Context, error) { once.Do(func() { panic("attack19") }) })
	release, err := store.HoldWriter(s)
	if err != nil {
		t.Fatal(err)
	}
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range errs {
		d := ids[i]
		wg.Go(func() {
			defer func() {
				if p := recover(); p != nil {
					errs[i] = fmt.Errorf("panic: %v", p)
				}
			}()
			errs[i] = s.SaveAnswers(ctx, d, w.drafts[d], w.answer(i, 0), 0)
		})
		queued(s, i+1)
	}
	release()
	wg.Wait()
	for i, err := range errs {
		if err == nil {
			t.Errorf("save %d of the batch that panicked: no error", i)
		}
	}
	if err := s.SaveAnswers(ctx, ids[0], w.drafts[ids[0]], w.answer(5, 0), 0); err != nil {
		t.Fatalf("the save after: %v", err)
	}
}
