package store_test

import (
	"maps"
	"testing"
	"time"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// The statements of a firm's cycle (start, step saves, submit with both
// drains, and the reads of its pages: the draft, the latest submissions,
// the review's recent changes, the firm's bookings) are kept by their
// connections and run again as they were prepared: none is parsed and
// planned again on a later run. SQLite does so for a statement whose plan
// reads a bound value, "LIMIT ?" above all (limitSQL); this fails when one
// of them binds its LIMIT again.
func TestTheCyclesKeptStatementsAreNotPreparedAgain(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	if err := store.InsertBookingUnchecked(s, fx.Advisor.ID, fx.GoDuc.ID, 1000, 2000); err != nil {
		t.Fatal(err)
	}
	cycle := func(round int) {
		fx.Clock.Add(time.Minute)
		d, err := s.Draft(ctx, fx.GoDuc.ID, in, survey.Profile{Section: "C", Size: "medium"}, fx.FirmUser.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range in.Pillars {
			answers := map[string]survey.Answer{}
			for _, q := range p.Questions {
				answers[q.ID] = survey.Answer{Options: []string{q.Options[round%len(q.Options)].ID}}
			}
			if err := s.SaveAnswers(ctx, d.ID, fx.GoDuc.ID, answers, fx.FirmUser.ID); err != nil {
				t.Fatal(err)
			}
		}
		if d, err = s.FindResponse(ctx, d.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AnswerChanges(ctx, d.ID, 5+round); err != nil {
			t.Fatal(err)
		}
		r := scoring.Result{Instrument: in.Key(), Overall: 50, Level: 2}
		if err := s.SubmitResponse(ctx, d.ID, fx.GoDuc.ID, fx.FirmUser.ID, d.Version(), r); err != nil {
			t.Fatal(err)
		}
		subs, err := s.FindSubmissions(ctx, store.SubmissionFilter{FirmID: fx.GoDuc.ID, Limit: 2})
		if err == nil && len(subs) > 0 {
			_, err = s.FindSubmissions(ctx, store.SubmissionFilter{FirmID: fx.GoDuc.ID, After: subs[0].ResponseID, Limit: 1})
		}
		if err == nil {
			_, err = s.Bookings(ctx, store.BookingFilter{FirmID: fx.GoDuc.ID, Desc: true, Limit: 3})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	cycle(0) // every statement prepared once, after the migrations' schema changes
	before, err := store.Reprepares(s)
	if err != nil {
		t.Fatal(err)
	}
	for round := 1; round <= 3; round++ {
		cycle(round)
	}
	after, err := store.Reprepares(s)
	if err != nil {
		t.Fatal(err)
	}
	maps.DeleteFunc(after, func(q string, n int) bool { return before[q] == n })
	for q, n := range after {
		t.Errorf("prepared again %d times in three cycles: %s", n-before[q], q)
	}
}
