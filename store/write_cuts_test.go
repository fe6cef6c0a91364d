package store_test

import (
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// A submission's pillar scores, written by one INSERT of as many rows, are
// the very float64 values scoring computed, each with its pillar and its
// scored flag, and a rescore replaces them all, also past the counts whose
// statement texts are kept (16 pillars); fails when a row's arguments are
// bound out of place or a score goes through text.
func TestPillarScoresAreStoredExactlyAsScored(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	awkward := []float64{0.1 + 0.2, 100.0 / 3, math.Nextafter(50, 51), math.Nextafter(50, 49), 0, 100, 5e-324, 61.111111111111114}
	result := func(n int) scoring.Result {
		r := scoring.Result{Instrument: in.Key(), Overall: awkward[n%len(awkward)], Level: 2}
		for i := range n {
			r.Pillars = append(r.Pillars, scoring.PillarScore{PillarID: fmt.Sprintf("p%02d.%q", i, "ồ"), Score: awkward[(i+n)%len(awkward)], Scored: i%3 != 1})
		}
		return r
	}
	check := func(id int64, r scoring.Result) {
		t.Helper()
		rows, err := db.Query("SELECT pillar, score, scored FROM pillar_scores WHERE response_id = ? ORDER BY pillar", id)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		i := 0
		for ; rows.Next(); i++ {
			var p string
			var score float64
			var scored bool
			if err := rows.Scan(&p, &score, &scored); err != nil {
				t.Fatal(err)
			}
			want := r.Pillars[i]
			if p != want.PillarID || math.Float64bits(score) != math.Float64bits(want.Score) || scored != want.Scored {
				t.Fatalf("pillar %d: stored %q %v (%#x) %v, scored %q %v (%#x) %v", i, p, score, math.Float64bits(score), scored,
					want.PillarID, want.Score, math.Float64bits(want.Score), want.Scored)
			}
		}
		if i != len(r.Pillars) {
			t.Fatalf("%d pillar scores stored, want %d", i, len(r.Pillars))
		}
	}
	for _, n := range []int{1, 6, 16, 17} {
		fx.Clock.Add(time.Hour)
		d, err := s.Draft(ctx, fx.GoDuc.ID, in, survey.Profile{Section: "C", Size: "medium"}, fx.FirmUser.ID)
		if err != nil {
			t.Fatal(err)
		}
		r := result(n)
		if err := s.SubmitResponse(ctx, d.ID, fx.GoDuc.ID, fx.FirmUser.ID, d.Version(), r); err != nil {
			t.Fatal(err)
		}
		check(d.ID, r)
		for _, m := range []int{0, n + 2, 3} {
			r := result(m)
			if err := s.UpdateScores(ctx, d.ID, r); err != nil {
				t.Fatal(err)
			}
			check(d.ID, r)
		}
	}
}

// A draft records its instrument when the instruments table lacks it,
// also when another tool deleted the row after earlier drafts (the look
// that saves the insert on every other draft must not trust a past one);
// fails when the look is taken as always true.
func TestADraftRecordsItsInstrumentWhenTheTableLacksIt(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	raw, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	recorded := func() (hash string) {
		t.Helper()
		if err := raw.QueryRow("SELECT hash FROM instruments WHERE key = ?", in.Key()).Scan(&hash); err != nil && err != sql.ErrNoRows {
			t.Fatal(err)
		}
		return hash
	}
	for i, firm := range []int64{fx.GoDuc.ID, fx.NoiThat.ID} {
		if _, err := raw.Exec("DELETE FROM instruments WHERE key = ?", in.Key()); err != nil { // foreign keys are off on this connection
			t.Fatal(err)
		}
		if h := recorded(); h != "" {
			t.Fatalf("draft %d: the instrument is still recorded", i)
		}
		if _, err := s.Draft(ctx, firm, in, survey.Profile{Section: "C", Size: "medium"}, 0); err != nil {
			t.Fatalf("draft %d: %v", i, err)
		}
		if h := recorded(); h != in.Hash {
			t.Fatalf("draft %d: instrument recorded with hash %q, want %q", i, h, in.Hash)
		}
	}
}

// The draft DraftOf creates is returned as its transaction wrote it, not
// read again: it must be what a read gives (every field, the times as
// instants, no answers), for the firm's shared draft and a private one,
// at a time with nanoseconds; and a draft found open (another tab's, with
// answers) is read whole. Fails when a field of the built draft is left
// out or a trigger of the schema changes a column the build assumes.
func TestACreatedDraftIsWhatAReadGives(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	fx.Clock.Add(123456789 * time.Nanosecond)
	same := func(got, want *survey.Response) {
		t.Helper()
		if got.ID != want.ID || got.FirmID != want.FirmID || got.Instrument != want.Instrument || got.Status != want.Status ||
			got.Profile != want.Profile || got.OwnerID != want.OwnerID || !got.CreatedAt.Equal(want.CreatedAt) ||
			!got.UpdatedAt.Equal(want.UpdatedAt) || !got.SubmittedAt.Equal(want.SubmittedAt) || got.SubmittedAt.IsZero() != want.SubmittedAt.IsZero() ||
			(got.Answers == nil) != (want.Answers == nil) || len(got.Answers) != len(want.Answers) || got.Version() != want.Version() {
			t.Fatalf("draft returned\n%+v\nread\n%+v", got, want)
		}
	}
	for _, owner := range []int64{0, fx.FirmUser.ID} {
		p := survey.Profile{Section: "C", Size: "medium"}
		d, err := s.DraftOf(ctx, fx.GoDuc.ID, owner, in, p, fx.FirmUser.ID)
		if err != nil {
			t.Fatal(err)
		}
		read, err := s.FindResponse(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		same(d, read)
		if !d.CreatedAt.Equal(fx.Clock.Now()) {
			t.Fatalf("created at %v, want %v", d.CreatedAt, fx.Clock.Now())
		}
		// Another tab has answered meanwhile: a second start finds the draft with its answers.
		q := in.Pillars[0].Questions[0]
		if err := s.SaveAnswers(ctx, d.ID, fx.GoDuc.ID, map[string]survey.Answer{q.ID: {Options: []string{q.Options[0].ID}}}, fx.FirmUser.ID); err != nil {
			t.Fatal(err)
		}
		again, err := s.DraftOf(ctx, fx.GoDuc.ID, owner, in, p, fx.FirmUser.ID)
		if err != nil {
			t.Fatal(err)
		}
		if read, err = s.FindResponse(ctx, d.ID); err != nil {
			t.Fatal(err)
		}
		same(again, read)
		if len(again.Answers) != 1 {
			t.Fatalf("second start: answers %v, want the other tab's one", again.Answers)
		}
	}
}

// A submission checks whose draft it is and that it is still one from the
// same read that gives its version: another firm's draft is not found and
// stays a draft, an unknown one is not found, and a submitted one is
// refused. Fails when the firm's check is dropped (another firm's user
// could submit this firm's draft).
func TestSubmittingChecksTheDraftsFirmAndStatus(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	d, err := s.Draft(ctx, fx.GoDuc.ID, in, survey.Profile{Section: "C", Size: "medium"}, fx.FirmUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	r := scoring.Result{Instrument: in.Key(), Overall: 50, Level: 2}
	if err := s.SubmitResponse(ctx, d.ID, fx.NoiThat.ID, 0, d.Version(), r); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another firm's submission: %v, want ErrNotFound", err)
	}
	if err := s.SubmitResponse(ctx, d.ID+1000, fx.GoDuc.ID, 0, d.Version(), r); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an unknown response: %v, want ErrNotFound", err)
	}
	if got, err := s.FindResponse(ctx, d.ID); err != nil || got.Status != survey.Draft {
		t.Fatalf("after refused submissions: %v %v, want a draft", got, err)
	}
	if err := s.SubmitResponse(ctx, d.ID, fx.GoDuc.ID, 0, d.Version(), r); err != nil {
		t.Fatal(err)
	}
	if err := s.SubmitResponse(ctx, d.ID, fx.GoDuc.ID, 0, d.Version(), r); !errors.Is(err, store.ErrSubmitted) {
		t.Fatalf("submitted again: %v, want ErrSubmitted", err)
	}
	if err := s.SubmitResponse(ctx, d.ID, fx.NoiThat.ID, 0, d.Version(), r); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another firm's submitted response: %v, want ErrNotFound", err)
	}
}

// One transaction that changes more firms than a drain reads at a time
// (results loaded for 1,234 firms: three chunks of agg_dirty, the last
// partial) reconciles every one of them: the kept inputs and cells equal
// a derivation from the rows, and the log is empty. Fails when the drain
// stops after its first chunk.
func TestADrainOfManyChunksReconcilesEveryFirm(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	w := &cellsWorld{s: s, fx: fx, in: in, rng: rand.New(rand.NewPCG(7, 9))}
	var subs []store.PastSubmission
	for i := range 1234 {
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(374400000+i*10), fmt.Sprintf("Công ty Lô %d", i)
		if err := s.CreateFirm(ctx, &f); err != nil {
			t.Fatal(err)
		}
		subs = append(subs, store.PastSubmission{FirmID: f.ID, Result: w.result(), Answers: w.adoptionAnswers(),
			SubmittedAt: fx.Clock.Now().Add(-time.Duration(i%90) * 24 * time.Hour)})
	}
	if err := s.LoadSubmissions(ctx, in, subs); err != nil {
		t.Fatal(err)
	}
	c, err := s.VerifyAggregates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.BadCells+c.BadInputs != 0 || c.Firms < 1234 {
		t.Fatalf("after one transaction of 1,234 results: %+v", c)
	}
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var waiting int
	if err := db.QueryRow("SELECT COUNT(*) FROM agg_dirty").Scan(&waiting); err != nil || waiting != 0 {
		t.Fatalf("agg_dirty holds %d firms (%v), want none", waiting, err)
	}
}
