package store_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// benchFirms is how many firms a write benchmark takes turns with, so that
// a firm's history grows by one submission every benchFirms iterations
// (run them with -benchtime 128x or so to keep each firm's history near
// where it started).
const benchFirms = 64

// historyFirms makes n members of the wood association, each with past
// results submitted ten days apart before the clock, with answers to
// the questions the adoption facts read.
func historyFirms(b *testing.B, s *store.Store, fx *storetest.Fixtures, in *survey.Instrument, n, past int) []int64 {
	w := &cellsWorld{s: s, fx: fx, in: in, rng: rand.New(rand.NewPCG(uint64(past), 3))}
	var ids []int64
	var subs []store.PastSubmission
	for i := range n {
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(373300000+i*10), fmt.Sprintf("Công ty Lịch sử %d", i)
		if err := s.CreateFirm(ctx, &f); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, f.ID)
		for k := range past {
			subs = append(subs, store.PastSubmission{FirmID: f.ID, Result: w.result(), Answers: w.adoptionAnswers(),
				SubmittedAt: fx.Clock.Now().Add(-time.Duration(past-k) * 240 * time.Hour)})
		}
	}
	if err := s.LoadSubmissions(ctx, in, subs); err != nil {
		b.Fatal(err)
	}
	if err := s.AddMemberships(ctx, fx.Wood.ID, ids); err != nil {
		b.Fatal(err)
	}
	return ids
}

// BenchmarkSubmit submits a firm's answered draft (SubmitResponse and the
// cells and funnel it changes, in its transaction), for firms with 1 and
// with 30 past submissions: what it costs should not grow with them.
func BenchmarkSubmit(b *testing.B) {
	for _, past := range []int{1, 30} {
		b.Run(fmt.Sprintf("past_%d", past), func(b *testing.B) {
			s, fx := storetest.OpenWith(b, store.Options{})
			in := storetest.Instrument(b)
			ids := historyFirms(b, s, fx, in, benchFirms, past)
			w := &cellsWorld{s: s, fx: fx, in: in, rng: rand.New(rand.NewPCG(1, 2))}
			profile := survey.Profile{Section: "C", Size: string(firms.Small)}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				b.StopTimer()
				id := ids[i%len(ids)]
				fx.Clock.Add(time.Second)
				d, err := s.Draft(ctx, id, in, profile, 0)
				if err == nil {
					err = s.SaveAnswers(ctx, d.ID, id, w.adoptionAnswers(), 0)
				}
				if err == nil {
					d, err = s.FindResponse(ctx, d.ID)
				}
				if err != nil {
					b.Fatal(err)
				}
				r := w.result()
				b.StartTimer()
				if err := s.SubmitResponse(ctx, d.ID, id, 0, d.Version(), r); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkDraftOf starts an assessment: "open" when the firm's draft is
// already open (a second tab, a return), "new" when it must be created
// (the load tool's cycle; each is submitted, untimed, afterwards).
func BenchmarkDraftOf(b *testing.B) {
	s, fx := storetest.OpenWith(b, store.Options{})
	in := storetest.Instrument(b)
	ids := historyFirms(b, s, fx, in, benchFirms, 1)
	profile := survey.Profile{Section: "C", Size: string(firms.Small)}
	b.Run("open", func(b *testing.B) {
		if _, err := s.DraftOf(ctx, ids[0], 0, in, profile, 0); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.DraftOf(ctx, ids[0], 0, in, profile, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("new", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			id := ids[1+i%(len(ids)-1)]
			fx.Clock.Add(time.Second)
			d, err := s.DraftOf(ctx, id, 0, in, profile, 0)
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			r := scoring.Result{Instrument: in.Key(), Overall: 50, Level: 2}
			if err := s.SubmitResponse(ctx, d.ID, id, 0, d.Version(), r); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			i++
		}
	})
}
