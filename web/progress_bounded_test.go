package web

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"dxready/advisors"
	"dxready/locale"
	"dxready/scoring"
	"dxready/store"
	"dxready/survey"
)

// progressFromWholeHistory is consultationProgress as it was: Baseline over
// every submission of the firm.
func (s *Server) progressFromWholeHistory(ctx context.Context, b *store.Booking, loc *locale.Localizer, l string) (*progressView, error) {
	subs, err := s.store.Submissions(ctx, b.FirmID)
	if err != nil {
		return nil, err
	}
	times := make([]time.Time, len(subs))
	for i, sub := range subs {
		times[i] = sub.SubmittedAt
	}
	t0, t1 := advisors.Baseline(times, b.Period)
	if t0 < 0 {
		return nil, nil
	}
	v := &progressView{Consulted: loc.Date(b.Start), Before: loc.Date(subs[t0].SubmittedAt), BookingURL: bookingURL(b.ID, "")}
	if t1 < 0 || subs[t1].Instrument != subs[t0].Instrument {
		return v, nil
	}
	v.After = loc.Date(subs[t1].SubmittedAt)
	in := s.cfg.Instruments[subs[t0].Instrument]
	for _, c := range advisors.Progress(pillarOrder(in), subs[t0].Pillars, subs[t1].Pillars) {
		v.Rows = append(v.Rows, s.changeRow(in, c, l, 0))
	}
	return v, nil
}

// A consultation's progress reads the latest submission and the latest up
// to the consultation, not the firm's history: it must show what Baseline
// over the whole history shows, for consultations before, between, at and
// after random submissions.
func TestConsultationProgressFromTwoReadsIsFromTheWholeHistory(t *testing.T) {
	e := newEnv(t)
	in, _ := survey.Latest(e.web.cfg.Instruments, survey.DefaultID)
	rng := rand.New(rand.NewPCG(21, 22))
	at, firm := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC), e.fx.Kho.ID
	var times []time.Time
	var subs []store.PastSubmission
	for range 10 {
		at = at.Add(time.Duration(rng.IntN(3)) * 24 * time.Hour)
		res := scoring.Result{Instrument: in.Key(), Overall: float64(rng.IntN(100))}
		for _, pl := range in.Pillars {
			res.Pillars = append(res.Pillars, scoring.PillarScore{PillarID: pl.ID, Score: float64(rng.IntN(100)), Scored: rng.IntN(5) > 0})
		}
		subs = append(subs, store.PastSubmission{FirmID: firm, SubmittedAt: at, Result: res})
		times = append(times, at)
	}
	if err := e.st.LoadSubmissions(ctx, in, subs); err != nil {
		t.Fatal(err)
	}
	loc, shown := e.web.bundle.For("en"), 0
	for range 300 {
		offsets := []time.Duration{-24 * time.Hour, -time.Hour, -time.Nanosecond, 0, time.Nanosecond, 12 * time.Hour}
		start := times[rng.IntN(len(times))].Add(offsets[rng.IntN(len(offsets))])
		b := &store.Booking{ID: 9, FirmID: firm, Status: store.BookingDone, Period: advisors.Period{Start: start, End: start.Add(time.Duration(rng.IntN(3)) * time.Hour)}}
		got, err := e.web.consultationProgress(ctx, b, loc, "en")
		if err != nil {
			t.Fatal(err)
		}
		want, _ := e.web.progressFromWholeHistory(ctx, b, loc, "en")
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("consultation %v: %+v, from the whole history %+v", b.Period, got, want)
		}
		if got != nil && got.After != "" {
			shown++
		}
	}
	if shown == 0 {
		t.Fatal("no consultation had a before and an after: the test lost its cases")
	}
}

// The result page reads the newest two submissions (and, for an older
// result, the one after it): whether its result is the latest and which
// came before must be what the whole history says.
func TestResultPageLatestAndPreviousAreTheWholeHistorys(t *testing.T) {
	e := newEnv(t)
	in, _ := survey.Latest(e.web.cfg.Instruments, survey.DefaultID)
	rng := rand.New(rand.NewPCG(23, 24))
	at := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	var subs []store.PastSubmission
	for range 9 {
		at = at.Add(time.Duration(rng.IntN(2)) * time.Hour) // some at one instant
		subs = append(subs, store.PastSubmission{FirmID: e.fx.Kho.ID, SubmittedAt: at,
			Result: scoring.Result{Instrument: in.Key(), Pillars: []scoring.PillarScore{{PillarID: in.Pillars[0].ID, Score: float64(rng.IntN(100)), Scored: true}}}})
	}
	if err := e.st.LoadSubmissions(ctx, in, subs); err != nil {
		t.Fatal(err)
	}
	all, err := e.st.Submissions(ctx, e.fx.Kho.ID)
	if err != nil || len(all) != 9 {
		t.Fatalf("history %d, %v", len(all), err)
	}
	for i, sub := range all {
		rr, err := e.st.ReadResult(ctx, store.ResultQuery{FirmID: e.fx.Kho.ID, ResponseID: sub.ResponseID})
		if err != nil {
			t.Fatal(err)
		}
		latest, prev := rr.Latest, rr.Previous
		var want *store.Submission
		if i+1 < len(all) {
			want = &all[i+1]
		}
		if err != nil || latest != (i == 0) || !reflect.DeepEqual(prev, want) {
			t.Fatalf("submission %d of the history: latest %v, previous %+v (%v); want %v, %+v", i, latest, prev, err, i == 0, want)
		}
	}
}
