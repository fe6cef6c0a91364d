package store_test

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

// FindSubmissions reads a bounded window of a firm's history: it must give
// exactly the part of the whole history (Submissions) that its filter
// names, for histories with several submissions at one instant, times apart
// by less than a second, every response as the cursor and times up to
// exactly a submission's.
func TestFindSubmissionsIsAWindowOfTheWholeHistory(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	rng := rand.New(rand.NewPCG(7, 8))
	base := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	var subs []store.PastSubmission
	var times []time.Time
	for _, f := range []int64{fx.GoDuc.ID, fx.Kho.ID} {
		at := base
		for range 12 {
			switch rng.IntN(4) {
			case 0: // the same instant again
			case 1:
				at = at.Add(time.Duration(rng.IntN(999_999_999)) * time.Nanosecond)
			default:
				at = at.Add(time.Duration(rng.IntN(90)) * 24 * time.Hour)
			}
			overall := float64(rng.IntN(100))
			subs = append(subs, store.PastSubmission{FirmID: f, SubmittedAt: at, Result: scoring.Result{Instrument: in.Key(), Overall: overall,
				Pillars: []scoring.PillarScore{{PillarID: "customer", Score: overall, Scored: true}, {PillarID: "strategy", Scored: rng.IntN(2) == 0, Score: 3}}}})
			times = append(times, at)
		}
	}
	rng.Shuffle(len(subs), func(i, j int) { subs[i], subs[j] = subs[j], subs[i] }) // IDs not in time order
	if err := s.LoadSubmissions(ctx, in, subs); err != nil {
		t.Fatal(err)
	}
	cases := 0
	for _, f := range []int64{fx.GoDuc.ID, fx.Kho.ID, fx.NoiThat.ID} {
		all, err := s.Submissions(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		afters := []int64{0}
		for _, sub := range all {
			afters = append(afters, sub.ResponseID)
		}
		upTos := []time.Time{{}, base.Add(-time.Second), base.Add(400 * 24 * time.Hour)}
		for range 6 {
			at := times[rng.IntN(len(times))]
			upTos = append(upTos, at, at.Add(-time.Nanosecond), at.In(time.FixedZone("ICT", 7*3600)))
		}
		for _, after := range afters {
			for _, upTo := range upTos {
				for limit := range 4 {
					f := store.SubmissionFilter{FirmID: f, After: after, UpTo: upTo, Limit: limit}
					got, err := s.FindSubmissions(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					if want := window(all, f); !reflect.DeepEqual(got, want) {
						t.Fatalf("%+v:\n got %+v\nwant %+v", f, got, want)
					}
					cases++
				}
			}
		}
	}
	if cases < 500 {
		t.Fatalf("only %d cases", cases)
	}
}

// window is FindSubmissions written from its definition over the whole
// history, newest first.
func window(all []store.Submission, f store.SubmissionFilter) []store.Submission {
	var out []store.Submission
	seen := f.After == 0
	for _, sub := range all {
		switch {
		case !seen:
			seen = sub.ResponseID == f.After
		case len(out) == max(1, f.Limit):
		case f.UpTo.IsZero() || !sub.SubmittedAt.After(f.UpTo):
			out = append(out, sub)
		}
	}
	return out
}
