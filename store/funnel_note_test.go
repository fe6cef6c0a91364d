package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// A draft started or an assessment submitted skips deriving its firm's
// funnel again only when it moves none of the firm's marks
// (store/funnel_note.go): after each of random starts, submissions and
// held consultations, with the clock jumping back and forth so that some
// come before the firm's earlier ones, the kept tallies equal those
// derived again from the rows.
func TestFunnelSkipsOnlyChangesThatKeepTheMarks(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { funnelNoteProperty(t, seed) })
	}
}

func funnelNoteProperty(t *testing.T, seed uint64) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	rng := rand.New(rand.NewPCG(seed, 11))
	base, firm := fx.Clock.Now(), fx.GoDuc.ID
	for step := range 40 {
		fx.Clock.Set(base.Add(time.Duration(rng.IntN(400*24)-200*24) * time.Hour))
		what := "start"
		d, err := s.DraftOf(ctx, firm, 0, in, survey.Profile{Section: "C", Size: "small"}, fx.FirmUser.ID)
		switch k := rng.IntN(10); {
		case err != nil:
		case k < 5:
			what = "submission"
			err = s.SubmitResponse(ctx, d.ID, firm, fx.FirmUser.ID, d.Version(), scoring.Result{Instrument: in.Key(), Overall: 50, Level: 2})
		case k < 7:
			what = "held consultation"
			at := fx.Clock.Now().Add(time.Duration(rng.IntN(60*24)-30*24) * time.Hour).Format(time.DateTime)
			err = store.FunnelExec(s, booking(700+step, int(firm), at, at, "done"))
		}
		if err != nil {
			t.Fatalf("step %d (%s): %v", step, what, err)
		}
		kept, _, err := s.FunnelCells(context.Background(), store.FunnelFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RebuildFunnel(context.Background()); err != nil {
			t.Fatal(err)
		}
		derived, _, _ := s.FunnelCells(context.Background(), store.FunnelFilter{})
		if !sameCells(kept, derived) {
			t.Fatalf("step %d (%s at %v): kept %v, derived again %v", step, what, fx.Clock.Now(), kept, derived)
		}
	}
}

// A firm's second submission, its first after a held consultation, is its
// re-assessment: the drain derives the firm again although an earlier
// submission exists.
func TestFirstSubmissionAfterAHeldConsultationIsAReassessment(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	submit := func() {
		t.Helper()
		d, err := s.DraftOf(ctx, fx.GoDuc.ID, 0, in, survey.Profile{Section: "C", Size: "small"}, fx.FirmUser.ID)
		if err == nil {
			err = s.SubmitResponse(ctx, d.ID, fx.GoDuc.ID, fx.FirmUser.ID, d.Version(), scoring.Result{Instrument: in.Key(), Overall: 50, Level: 2})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	submit()
	held := fx.Clock.Now().Add(24 * time.Hour).Format(time.DateTime)
	if err := store.FunnelExec(s, booking(801, int(fx.GoDuc.ID), held, held, "done")); err != nil {
		t.Fatal(err)
	}
	fx.Clock.Add(48 * time.Hour)
	submit()
	got := counts(funnelFigures(t, s, store.FunnelFilter{}, nil))
	if len(got) != 8 || got[7] != 1 {
		t.Fatalf("counts %v, want the firm re-assessed", got)
	}
}
