package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"dxready/scoring"
	"dxready/store"
	"dxready/survey"
)

// Attacks on starts and submits in the batched writer (store/save_noted.go).

// submittable starts owner's draft of firm, answers it, and returns it as
// a review page reads it (its version) with its result.
func (w *cycleWorld) submittable(firm, owner int64) (*survey.Response, scoring.Result) {
	w.t.Helper()
	d, err := w.s.StartDraft(ctx, firm, owner, w.in, 0)
	if err == nil {
		err = w.s.SaveAnswers(ctx, d.ID, firm, w.allAnswers(), 0)
	}
	if err == nil {
		d, err = w.s.FindResponse(ctx, d.ID)
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return d, scoring.Score(w.in, d.Profile, d.Answers)
}

// allAnswers answers every question with its first option.
func (w *cycleWorld) allAnswers() map[string]survey.Answer {
	out := map[string]survey.Answer{}
	for _, q := range w.in.Questions() {
		out[q.ID] = survey.Answer{Options: []string{q.Options[0].ID}}
	}
	return out
}

// derivedAgain fails unless the kept aggregates, the cells in memory and
// the funnel equal those derived again from the rows.
func (w *cycleWorld) derivedAgain(when string) {
	w.t.Helper()
	(&cellsWorld{t: w.t, s: w.s, fx: w.fx, in: w.in}).check(when, w.fx.Clock.Now().AddDate(0, -4, 0))
	funnelEqualsRebuild(w.t, w.s, when)
	if c, err := w.s.VerifyAggregates(ctx); err != nil || c.BadInputs != 0 || c.BadCells != 0 {
		w.t.Fatalf("%s: verify aggregates: %+v, %v", when, c, err)
	}
}

// Starts, submits and a step queued together run in one write
// transaction, one commit, each with its own outcome; what they leave
// equals a full derivation.
func TestStartsAndSubmitsShareOneCommit(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	go1, r1 := w.submittable(fx.GoDuc.ID, 0)
	noi, r2 := w.submittable(fx.NoiThat.ID, 0)
	kho, _ := w.submittable(fx.Kho.ID, 0)
	before := s.SQLCounts()
	errs := batchOf(t, s,
		func() error { _, err := s.StartDraft(ctx, fx.Kho.ID, fx.FirmUser.ID, w.in, 0); return err },
		func() error { return s.SubmitResponse(ctx, go1.ID, fx.GoDuc.ID, 0, go1.Version(), r1) },
		func() error { return s.SaveAnswers(ctx, kho.ID, fx.Kho.ID, w.allAnswers(), 0) },
		func() error { return s.SubmitResponse(ctx, noi.ID, fx.NoiThat.ID, 0, noi.Version(), r2) },
		func() error { _, err := s.StartDraft(ctx, fx.GoDuc.ID, 0, w.in, 0); return err },
	)
	for i, err := range errs {
		if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
	if n := s.SQLCounts().Sub(before); n.WriteTxs != 1 {
		t.Errorf("five calls ran %d write transactions, not one", n.WriteTxs)
	}
	w.derivedAgain("after the batch")
}

// Two submits of one draft in one batch (a double click, two tabs): the
// first wins, the second finds it submitted, as one after the other; a
// step between them too; and the aggregates count it once.
func TestTwoSubmitsOfOneDraftInOneBatch(t *testing.T) {
	w := newCycleWorld(t)
	s, id := w.s, w.fx.NoiThat.ID
	d, r := w.submittable(id, 0)
	errs := batchOf(t, s,
		func() error { return s.SubmitResponse(ctx, d.ID, id, 0, d.Version(), r) },
		func() error { return s.SaveAnswers(ctx, d.ID, id, w.allAnswers(), 0) },
		func() error { return s.SubmitResponse(ctx, d.ID, id, 0, d.Version(), r) },
	)
	if errs[0] != nil || !errors.Is(errs[1], store.ErrSubmitted) || !errors.Is(errs[2], store.ErrSubmitted) {
		t.Fatalf("errors = %v", errs)
	}
	if subs, err := s.Submissions(ctx, id); err != nil || len(subs) != 1 {
		t.Fatalf("submissions = %v, %v", subs, err)
	}
	w.derivedAgain("after two submits of one draft")
}

// A start and a submit whose callers left before their batch reached them
// are not run: no draft started, the draft still a draft; the batch's
// other calls are written.
func TestCancelledStartAndSubmitAreNotRun(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	d, r := w.submittable(fx.NoiThat.ID, 0)
	first, cancel := context.WithCancel(ctx)
	defer cancel()
	gone, leave := context.WithCancel(ctx)
	defer leave()
	store.TraceSaves(s, func(c context.Context, err error) {
		if c == first { // the first has run: the others' callers leave
			leave()
		}
	})
	errs := batchOf(t, s,
		func() error { _, err := s.StartDraft(first, fx.GoDuc.ID, 0, w.in, 0); return err },
		func() error { _, err := s.StartDraft(gone, fx.Kho.ID, fx.FirmUser.ID, w.in, 0); return err },
		func() error { return s.SubmitResponse(gone, d.ID, fx.NoiThat.ID, 0, d.Version(), r) },
	)
	if errs[0] != nil || !errors.Is(errs[1], context.Canceled) || !errors.Is(errs[2], context.Canceled) {
		t.Fatalf("errors = %v", errs)
	}
	if _, err := s.FindDraftOf(ctx, fx.Kho.ID, fx.FirmUser.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the cancelled start's draft: %v", err)
	}
	if got, err := s.FindResponse(ctx, d.ID); err != nil || got.Status != survey.Draft {
		t.Fatalf("the cancelled submit's draft: %+v, %v", got, err)
	}
	if _, err := s.FindDraftOf(ctx, fx.GoDuc.ID, 0); err != nil {
		t.Fatalf("the first start's draft: %v", err)
	}
	w.derivedAgain("after cancelled calls")
}

// A start that panics in its batch (here: no instrument) fails alone,
// with an error, and the batch's other calls are written.
func TestPanickingStartFailsAlone(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	d, r := w.submittable(fx.NoiThat.ID, 0)
	errs := batchOf(t, s,
		func() error { _, err := s.StartDraft(ctx, fx.Kho.ID, fx.FirmUser.ID, w.in, 0); return err },
		func() error { _, err := s.StartDraft(ctx, fx.GoDuc.ID, fx.FirmUser.ID, nil, 0); return err },
		func() error { return s.SubmitResponse(ctx, d.ID, fx.NoiThat.ID, 0, d.Version(), r) },
	)
	if errs[0] != nil || errs[1] == nil || !strings.Contains(errs[1].Error(), "panicked") || errs[2] != nil {
		t.Fatalf("errors = %v", errs)
	}
	if _, err := s.FindDraftOf(ctx, fx.GoDuc.ID, fx.FirmUser.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the panicking start's draft: %v", err)
	}
	w.derivedAgain("after a panicking start")
}

// A hand write (another process, the sqlite3 shell) changes a firm while
// starts and submits queue: their notes must not speak for it, and what
// the batch leaves equals a full derivation.
func TestHandWriteBeforeABatchOfStartsAndSubmits(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	d, r := w.submittable(fx.NoiThat.ID, 0)
	if _, err := s.StartDraft(ctx, fx.GoDuc.ID, fx.FirmUser.ID, w.in, 0); err != nil {
		t.Fatal(err)
	}
	release, err := store.HoldWriter(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openRaw(t, s).Exec("UPDATE firms SET section = 'G', size_class = 'large' WHERE id = ?", fx.GoDuc.ID); err != nil {
		t.Fatal(err)
	}
	release()
	errs := batchOf(t, s,
		func() error { _, err := s.StartDraft(ctx, fx.GoDuc.ID, 0, w.in, 0); return err },
		func() error { return s.SubmitResponse(ctx, d.ID, fx.NoiThat.ID, 0, d.Version(), r) },
	)
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("errors = %v", errs)
	}
	w.derivedAgain("after a hand write")
}

// Read-your-writes: a request reading in its read view sees the draft its
// start made and the submission its submit made, though it read before.
func TestStartAndSubmitAreReadBackInTheView(t *testing.T) {
	w := newCycleWorld(t)
	s, id := w.s, w.fx.NoiThat.ID
	c, end := s.ReadView(ctx)
	defer end()
	if _, err := s.FindDraftOf(c, id, 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("before the start: %v", err)
	}
	d, err := s.StartDraft(c, id, 0, w.in, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindDraftOf(c, id, 0); err != nil {
		t.Fatalf("the draft just started, in the view: %v", err)
	}
	if err := s.SaveAnswers(c, d.ID, id, w.allAnswers(), 0); err != nil {
		t.Fatal(err)
	}
	if d, err = s.FindResponse(c, d.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.SubmitResponse(c, d.ID, id, 0, d.Version(), scoring.Score(w.in, d.Profile, d.Answers)); err != nil {
		t.Fatal(err)
	}
	if subs, err := s.Submissions(c, id); err != nil || len(subs) != 1 {
		t.Fatalf("the submission just made, in the view: %v, %v", subs, err)
	}
}
