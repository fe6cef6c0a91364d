package store_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// submitWorld is a few member firms with a result each, whose next
// submissions a test makes through the survey's path (draft, answers,
// submit), a second apart, as SubmitResponse's note can vouch for them.
type submitWorld struct {
	*cellsWorld
	profile survey.Profile
}

func newSubmitWorld(t *testing.T, seed uint64) *submitWorld {
	s, fx := storetest.OpenWith(t, store.Options{})
	in := storetest.Instrument(t)
	w := &cellsWorld{t: t, s: s, fx: fx, in: in, rng: rand.New(rand.NewPCG(seed, 21))}
	var subs []store.PastSubmission
	for i := range 4 {
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(374400000+i*10), fmt.Sprintf("Công ty Điểm %d", i)
		if err := s.CreateFirm(ctx, &f); err != nil {
			t.Fatal(err)
		}
		w.firms = append(w.firms, f.ID)
		subs = append(subs, store.PastSubmission{FirmID: f.ID, Result: w.result(), Answers: w.adoptionAnswers(),
			SubmittedAt: fx.Clock.Now().Add(-240 * time.Hour)})
	}
	if err := s.LoadSubmissions(ctx, in, subs); err != nil {
		t.Fatal(err)
	}
	if err := s.AddMemberships(ctx, fx.Wood.ID, w.firms); err != nil {
		t.Fatal(err)
	}
	return &submitWorld{cellsWorld: w, profile: survey.Profile{Section: "C", Size: string(firms.Small)}}
}

// draft is firm's new draft with answers saved, read back as submit sees it.
func (w *submitWorld) draft(firm int64, answers map[string]survey.Answer) *survey.Response {
	w.t.Helper()
	w.fx.Clock.Add(time.Second)
	d, err := w.s.Draft(ctx, firm, w.in, w.profile, 0)
	if err == nil && len(answers) > 0 {
		err = w.s.SaveAnswers(ctx, d.ID, firm, answers, 0)
	}
	if err == nil {
		d, err = w.s.FindResponse(ctx, d.ID)
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return d
}

// awkward makes r's scores the ones that do not come back from SQLite as
// they were bound, or are not read back at all: -0 (stored as the integer
// 0), 0 and 100 (stored as integers too), thirds, a score of a pillar not
// scored, a pillar the instrument does not have, and none at all. (Scores
// stay within 0-100: the cells' sums of squares are not exact for huge
// or subnormal ones, on main as here.)
func awkward(rng *rand.Rand, r scoring.Result) scoring.Result {
	hard := []float64{math.Copysign(0, -1), 0, 100, 33.333333333333336, 0.1, 66.66666666666667}
	for i := range r.Pillars {
		if rng.IntN(2) == 0 {
			r.Pillars[i].Score = hard[rng.IntN(len(hard))]
		}
	}
	switch rng.IntN(5) {
	case 0:
		r.Pillars = append(r.Pillars, scoring.PillarScore{PillarID: "not-a-pillar", Score: 42, Scored: true})
	case 1:
		r.Pillars = nil
	case 2:
		r.Pillars[0] = scoring.PillarScore{PillarID: r.Pillars[0].PillarID, Score: math.Copysign(0, -1), Scored: true}
	}
	return r
}

// What a submission keeps of itself in the firm's inputs (taken from what
// it wrote, not read back) is what its stored rows give: VerifyAggregates
// derives every firm's inputs from the rows and finds none that differs,
// after each of 60 submissions with awkward scores (-0 above all) and
// adoption answers of every kind (none, some, not applicable).
func TestSubmittedScoresAreTheirStoredRows(t *testing.T) {
	w := newSubmitWorld(t, 14)
	negZero := 0
	for i := range 60 {
		firm := w.firms[i%len(w.firms)]
		answers := w.adoptionAnswers()
		if i%7 == 3 {
			answers = nil
		}
		d := w.draft(firm, answers)
		r := awkward(w.rng, w.result())
		for _, p := range r.Pillars {
			if p.Scored && p.Score == 0 && math.Signbit(p.Score) {
				negZero++
			}
		}
		if err := w.s.SubmitResponse(ctx, d.ID, firm, 0, d.Version(), r); err != nil {
			t.Fatalf("submission %d: %v", i, err)
		}
		c, err := w.s.VerifyAggregates(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.BadInputs != 0 || c.BadCells != 0 {
			t.Fatalf("after submission %d (pillars %+v): %d firms' kept inputs and %d cells are not what their rows give",
				i, r.Pillars, c.BadInputs, c.BadCells)
		}
	}
	if negZero == 0 {
		t.Fatal("no scored pillar was -0: the test lost its case")
	}
}

// submitStatements is what a submission through the survey's path (its
// note vouching for it) runs on the writer.
const submitStatements = 31

// A submission does not read back the pillar scores and answers it has
// just written: SubmitResponse runs submitStatements statements for a firm
// with a kept result, two fewer than when it read its pillar scores and
// adoption answers back (checked by putting the two reads back).
func TestSubmitDoesNotReadBackWhatItWrote(t *testing.T) {
	w := newSubmitWorld(t, 15)
	for i, firm := range w.firms {
		d := w.draft(firm, w.adoptionAnswers())
		before := w.s.SQLCounts()
		if err := w.s.SubmitResponse(ctx, d.ID, firm, 0, d.Version(), w.result()); err != nil {
			t.Fatal(err)
		}
		if n := w.s.SQLCounts().Sub(before); n.WriteStatements != submitStatements || n.WriteTxs != 1 {
			t.Errorf("submission %d ran %d statements in %d transactions on the writer, want %d in 1",
				i, n.WriteStatements, n.WriteTxs, submitStatements)
		}
	}
}
