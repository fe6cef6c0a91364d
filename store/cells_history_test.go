package store_test

import (
	"database/sql"
	"math/rand/v2"
	"testing"
	"time"

	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// A submission reads the scores and answers of the response it submits,
// not of every earlier one (store/cells_reuse.go): after each of 30
// submissions of one firm, through the survey, with the clock moving
// within and across quarters, now and then back among earlier ones or not
// at all, and rescores (some of the pillars alone) and
// consent changes between them, its kept contribution and every cell equal what the rows give
// (VerifyAggregates derives them whole), and so does a rebuild.
func TestManySubmissionsOfOneFirmEqualARebuild(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	w := &cellsWorld{t: t, s: s, fx: fx, in: in, rng: rand.New(rand.NewPCG(30, 1))}
	id := fx.GoDuc.ID
	if err := s.AddMemberships(ctx, fx.Wood.ID, []int64{id}); err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		switch i % 7 {
		case 5: // at the very time of the one before
		case 6: // before the one before, among earlier ones
			fx.Clock.Add(-time.Duration(1+w.rng.IntN(40*24)) * time.Hour)
		default:
			fx.Clock.Add(time.Duration(1+w.rng.IntN(20*24)) * time.Hour)
		}
		w.submitOnce(id)
		switch i % 5 {
		case 2:
			w.subs = append(w.subs, w.submitted(id)...)
			w.rescore()
		case 3:
			w.rescorePillarsOnly(id)
		case 4:
			if err := s.SetSharing(ctx, id, fx.Wood.ID, w.rng.IntN(2) == 0, 0); err != nil {
				t.Fatal(err)
			}
		}
		verifyCells(t, s, i)
	}
	if err := s.RebuildAggregates(ctx); err != nil {
		t.Fatal(err)
	}
	verifyCells(t, s, 30)
}

// A submission's transaction that finds firms changed behind the store's
// back (named in agg_dirty, here an earlier result's pillar score changed
// by hand) reads them whole: what it was told of its own transaction says
// nothing of theirs.
func TestSubmissionAfterAHandEditReadsTheFirmWhole(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	w := &cellsWorld{t: t, s: s, fx: fx, in: in, rng: rand.New(rand.NewPCG(31, 1))}
	id := fx.GoDuc.ID
	for range 3 {
		fx.Clock.Add(24 * time.Hour)
		w.submitOnce(id)
	}
	fx.Clock.Add(24 * time.Hour)
	d := w.answeredDraft(id)
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE pillar_scores SET score = score / 2 + 1 WHERE scored = 1 AND response_id =
		(SELECT MIN(id) FROM responses WHERE firm_id = ? AND status = 'submitted')`, id); err != nil {
		t.Fatal(err)
	}
	if err := s.SubmitResponse(ctx, d.ID, id, 0, d.Version(), w.result()); err != nil {
		t.Fatal(err)
	}
	verifyCells(t, s, 0)
}

// submitOnce submits one answered draft of firm id through the survey.
func (w *cellsWorld) submitOnce(id int64) {
	w.t.Helper()
	d := w.answeredDraft(id)
	if err := w.s.SubmitResponse(ctx, d.ID, id, 0, d.Version(), w.result()); err != nil {
		w.t.Fatal(err)
	}
}

// answeredDraft opens firm id's draft and answers the adoption questions.
func (w *cellsWorld) answeredDraft(id int64) *survey.Response {
	w.t.Helper()
	profile := survey.Profile{Section: "C", Size: "small"}
	d, err := w.s.Draft(ctx, id, w.in, profile, 0)
	if err == nil {
		err = w.s.SaveAnswers(ctx, d.ID, id, w.adoptionAnswers(), 0)
	}
	if err == nil {
		d, err = w.s.Draft(ctx, id, w.in, profile, 0)
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return d
}

func (w *cellsWorld) submitted(id int64) []int64 {
	subs, err := w.s.Submissions(ctx, id)
	if err != nil {
		w.t.Fatal(err)
	}
	var ids []int64
	for _, sub := range subs {
		ids = append(ids, sub.ResponseID)
	}
	return ids
}

// verifyCells fails unless every kept contribution and cell equals what the
// rows give.
func verifyCells(t *testing.T, s *store.Store, step int) {
	t.Helper()
	c, err := s.VerifyAggregates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Firms == 0 || c.BadInputs != 0 || c.BadCells != 0 {
		t.Fatalf("after submission %d: %+v", step, c)
	}
}

// rescorePillarsOnly gives firm id's latest result new pillar scores and
// the same overall and level.
func (w *cellsWorld) rescorePillarsOnly(id int64) {
	w.t.Helper()
	subs, err := w.s.Submissions(ctx, id)
	if err != nil || len(subs) == 0 {
		w.t.Fatalf("submissions: %v %v", subs, err)
	}
	r := w.result()
	r.Overall, r.Level = subs[0].Overall, subs[0].Level
	if err := w.s.UpdateScores(ctx, subs[0].ResponseID, r); err != nil {
		w.t.Fatal(err)
	}
}
