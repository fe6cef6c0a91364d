package store_test

import (
	"testing"

	"dxready/store"
)

// A batch holding submits of several firms drains them from their kept
// inputs, each with its one new result added, as a lone submit is drained
// (appendSubmitted): it used to read every firm of such a batch whole, its
// results, membership and consent, though a submit changes only the one
// result. A firm with no kept inputs yet is read whole beside them. Either
// way the aggregates equal a full derivation.
func TestBatchOfSubmitsOfSeveralFirmsAddsTheirResults(t *testing.T) {
	w := newCycleWorld(t)
	s, fx := w.s, w.fx
	round := func(when string, wantAppended int64) {
		t.Helper()
		goDuc, r1 := w.submittable(fx.GoDuc.ID, 0)
		noi, r2 := w.submittable(fx.NoiThat.ID, 0)
		kho, r3 := w.submittable(fx.Kho.ID, fx.FirmUser.ID)
		before := store.AppendedFirms(s)
		errs := batchOf(t, s,
			func() error { return s.SubmitResponse(ctx, goDuc.ID, fx.GoDuc.ID, 0, goDuc.Version(), r1) },
			func() error { return s.SubmitResponse(ctx, noi.ID, fx.NoiThat.ID, 0, noi.Version(), r2) },
			func() error { return s.SubmitResponse(ctx, kho.ID, fx.Kho.ID, fx.FirmUser.ID, kho.Version(), r3) },
		)
		for i, err := range errs {
			if err != nil {
				t.Fatalf("%s: submit %d: %v", when, i, err)
			}
		}
		if got := store.AppendedFirms(s) - before; got != wantAppended {
			t.Errorf("%s: %d firms taken from their kept inputs, want %d", when, got, wantAppended)
		}
		w.derivedAgain(when)
	}
	// GoDuc submitted three months ago; NoiThat and Kho never have.
	round("first submits of two firms beside a second of another", 1)
	round("a submit of each of three firms with kept inputs", 3)
	round("and again", 3)
}
