package store_test

import (
	"errors"
	"strings"
	"testing"

	"dxready/store"
	"dxready/survey"
)

// Attacks on starts and submits sharing the batched writer (a review of
// the change that put them there): batches that fail as a whole or in
// their drain.

// A submit whose firm the drain cannot reconcile (its kept inputs are
// unreadable: "run dxready aggregates rebuild") must fail alone, as it did
// in its own transaction: a step of another firm's draft and a start of a
// third firm, queued with it, are not its business and must be written.
func TestBatchDrainFailureOfOneSubmitFailsOnlyIt(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	d, r := w.submittable(fx.GoDuc.ID, 0) // GoDuc has a result: kept inputs
	kho, err := s.StartDraft(ctx, fx.Kho.ID, fx.FirmUser.ID, w.in, 0)
	if err != nil {
		t.Fatal(err)
	}
	res, err := openRaw(t, s).Exec("UPDATE agg_inputs SET data = x'00' WHERE firm_id = ?", fx.GoDuc.ID)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("corrupt GoDuc's kept inputs: %d rows, %v", n, err)
	}
	errs := batchOf(t, s,
		func() error { return s.SaveAnswers(ctx, kho.ID, fx.Kho.ID, w.allAnswers(), 0) },
		func() error { return s.SubmitResponse(ctx, d.ID, fx.GoDuc.ID, 0, d.Version(), r) },
		func() error { _, err := s.StartDraft(ctx, fx.NoiThat.ID, 0, w.in, 0); return err },
	)
	if errs[1] == nil {
		t.Fatalf("the submit of the firm that cannot be drained was written")
	}
	if errs[0] != nil || errs[2] != nil {
		t.Errorf("one submit's drain failure failed the others of its batch:\n step of Kho: %v\n start of NoiThat: %v", errs[0], errs[2])
	}
	if _, err := s.FindDraftOf(ctx, fx.NoiThat.ID, 0); err != nil {
		t.Errorf("NoiThat's start, not written: %v", err)
	}
}

// A call whose statement makes SQLite roll the whole transaction back (here
// a trigger's RAISE(ROLLBACK), as SQLITE_FULL or an I/O error can) cannot
// have its savepoint undone: the batch fails as a whole, every call says
// so, nothing of any is written, and the writer works afterwards.
func TestBatchWholeRollbackInsideASavepoint(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	d, r := w.submittable(fx.NoiThat.ID, 0)
	raw := openRaw(t, s)
	if _, err := raw.Exec(`CREATE TRIGGER rg_full BEFORE INSERT ON pillar_scores WHEN NEW.response_id = ` +
		itoa(d.ID) + ` BEGIN SELECT RAISE(ROLLBACK, 'rg: disk full'); END`); err != nil {
		t.Fatal(err)
	}
	errs := batchOf(t, s,
		func() error { _, err := s.StartDraft(ctx, fx.Kho.ID, fx.FirmUser.ID, w.in, 0); return err },
		func() error { return s.SubmitResponse(ctx, d.ID, fx.NoiThat.ID, 0, d.Version(), r) },
		func() error { _, err := s.StartDraft(ctx, fx.GoDuc.ID, fx.FirmUser.ID, w.in, 0); return err },
	)
	for i, err := range errs {
		if err == nil {
			t.Errorf("call %d: written, though its transaction was rolled back", i)
		}
	}
	if _, err := s.FindDraftOf(ctx, fx.Kho.ID, fx.FirmUser.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Kho's start after a whole rollback: %v", err)
	}
	if _, err := raw.Exec("DROP TRIGGER rg_full"); err != nil {
		t.Fatal(err)
	}
	if err := s.SubmitResponse(ctx, d.ID, fx.NoiThat.ID, 0, d.Version(), r); err != nil {
		t.Fatalf("the writer after a whole rollback: %v", err)
	}
	w.derivedAgain("after a whole rollback")
}

// The same three calls one at a time in their own transactions (the paths
// StartDraft and SubmitResponse took before they joined the batches): only
// the submit of the firm that cannot be drained fails.
func TestBatchDrainFailureSerialReference(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	d, r := w.submittable(fx.GoDuc.ID, 0)
	kho, err := s.StartDraft(ctx, fx.Kho.ID, fx.FirmUser.ID, w.in, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openRaw(t, s).Exec("UPDATE agg_inputs SET data = x'00' WHERE firm_id = ?", fx.GoDuc.ID); err != nil {
		t.Fatal(err)
	}
	if err := store.SaveAnswersSerial(ctx, s, kho.ID, fx.Kho.ID, w.allAnswers(), 0); err != nil {
		t.Errorf("step of Kho: %v", err)
	}
	if err := store.SubmitSerial(ctx, s, d.ID, fx.GoDuc.ID, 0, d.Version(), r); err == nil {
		t.Errorf("the submit of the firm that cannot be drained was written")
	}
	if _, err := store.StartDraftSerial(ctx, s, fx.NoiThat.ID, 0, w.in, 0); err != nil {
		t.Errorf("start of NoiThat: %v", err)
	}
}

// Two submits of one draft (a double click) share a batch that then fails
// as a whole (here a later call's statement rolls the transaction back, as
// a full disk does): the first submit's write is undone, so the second
// must not be told ErrSubmitted - web takes that for "already submitted"
// and shows the result page of a draft that is still a draft.
func TestBatchFailedBatchDoesNotReportErrSubmittedForAnUndoneSubmit(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	d, r := w.submittable(fx.NoiThat.ID, 0)
	raw := openRaw(t, s)
	if _, err := raw.Exec(`CREATE TRIGGER rg_full BEFORE INSERT ON responses WHEN NEW.firm_id = ` +
		itoa(fx.Kho.ID) + ` BEGIN SELECT RAISE(ROLLBACK, 'rg: disk full'); END`); err != nil {
		t.Fatal(err)
	}
	errs := batchOf(t, s,
		func() error { return s.SubmitResponse(ctx, d.ID, fx.NoiThat.ID, 0, d.Version(), r) },
		func() error { return s.SubmitResponse(ctx, d.ID, fx.NoiThat.ID, 0, d.Version(), r) },
		func() error { _, err := s.StartDraft(ctx, fx.Kho.ID, fx.FirmUser.ID, w.in, 0); return err },
	)
	got, err := s.FindResponse(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != survey.Draft {
		t.Fatalf("the batch failed, yet the draft is %s (errors %v)", got.Status, errs)
	}
	for i, err := range errs[:2] {
		if err == nil || errors.Is(err, store.ErrSubmitted) {
			t.Errorf("submit %d of a draft still a draft: %v", i, err)
		}
	}
}

// The same with the batch failing in its drain (a firm of the batch whose
// kept inputs cannot be read): the second submit of the draft is told
// ErrSubmitted, the draft is not submitted.
func TestBatchFailedDrainDoesNotReportErrSubmittedForAnUndoneSubmit(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	d, r := w.submittable(fx.GoDuc.ID, 0)
	if _, err := openRaw(t, s).Exec("UPDATE agg_inputs SET data = x'00' WHERE firm_id = ?", fx.GoDuc.ID); err != nil {
		t.Fatal(err)
	}
	errs := batchOf(t, s,
		func() error { return s.SubmitResponse(ctx, d.ID, fx.GoDuc.ID, 0, d.Version(), r) },
		func() error { return s.SubmitResponse(ctx, d.ID, fx.GoDuc.ID, 0, d.Version(), r) },
	)
	if got, err := s.FindResponse(ctx, d.ID); err != nil || got.Status != survey.Draft {
		t.Fatalf("the draft after a failed drain: %+v, %v", got, err)
	}
	for i, err := range errs {
		if err == nil || errors.Is(err, store.ErrSubmitted) {
			t.Errorf("submit %d of a draft still a draft: %v", i, err)
		}
	}
}

// A drain that panics in a batch of several is that batch's error, rolled
// back, and each call runs again alone: the submit whose drain panics
// fails alone, with the panic as its error, and the others of its batch
// (a step, a start, another firm's submit) are written, the aggregates as
// a full derivation has them.
func TestBatchDrainPanicOfOneSubmitFailsOnlyIt(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	d, r := w.submittable(fx.GoDuc.ID, 0)
	noi, r2 := w.submittable(fx.NoiThat.ID, 0)
	kho, err := s.StartDraft(ctx, fx.Kho.ID, fx.FirmUser.ID, w.in, 0)
	if err != nil {
		t.Fatal(err)
	}
	store.PanicDrainOf(s, d.ID)
	errs := batchOf(t, s,
		func() error { return s.SaveAnswers(ctx, kho.ID, fx.Kho.ID, w.allAnswers(), 0) },
		func() error { return s.SubmitResponse(ctx, d.ID, fx.GoDuc.ID, 0, d.Version(), r) },
		func() error { return s.SubmitResponse(ctx, noi.ID, fx.NoiThat.ID, 0, noi.Version(), r2) },
	)
	if errs[1] == nil || !strings.Contains(errs[1].Error(), "panicked") {
		t.Fatalf("the submit whose drain panics: %v, want the panic as its error", errs[1])
	}
	if errs[0] != nil || errs[2] != nil {
		t.Errorf("one submit's drain panic failed the others of its batch:\n step of Kho: %v\n submit of NoiThat: %v", errs[0], errs[2])
	}
	if got, err := s.FindResponse(ctx, d.ID); err != nil || got.Status != "draft" {
		t.Errorf("the failed submit's response: %+v, %v; want still a draft", got, err)
	}
	if got, err := s.FindResponse(ctx, noi.ID); err != nil || got.Status != "submitted" {
		t.Errorf("NoiThat's submit: %+v, %v; want submitted", got, err)
	}
	w.derivedAgain("after a drain that panicked")
}
