package store_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"dxready/advisors"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

// The counters the quality page reads equal a recount of the bookings
// after any sequence of inserts, status changes, moves and deletes: a
// trigger that forgot a case shows here.
func TestQualityCountersFollowBookings(t *testing.T) {
	s, fx := storetest.Open(t)
	rng := rand.New(rand.NewPCG(15, 3))
	firmsIDs := []int64{fx.GoDuc.ID, fx.NoiThat.ID, fx.Kho.ID}
	base := time.Date(2026, 3, 30, 1, 0, 0, 0, time.UTC).Unix() // near a quarter's turn, in local time too
	var ids []int64
	statuses := []string{"confirmed", "cancelled", "done", "no_show"}
	for i := range 300 {
		switch op := rng.IntN(10); {
		case op < 5 || len(ids) == 0:
			st := base + int64(i)*3*3600 + int64(rng.IntN(3))*3600*24*30
			if err := store.InsertBookingUnchecked(s, fx.Advisor.ID, firmsIDs[rng.IntN(3)], st, st+int64(30+rng.IntN(4)*30)*60); err != nil {
				continue // an overlap the database refused: nothing to count
			}
			id, err := store.LastBookingID(s)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		case op < 8:
			_ = store.ExecForTest(s, "UPDATE bookings SET status = ? WHERE id = ?", statuses[rng.IntN(4)], ids[rng.IntN(len(ids))])
		case op < 9:
			_ = store.ExecForTest(s, "UPDATE bookings SET start_at = start_at + 86400 * 40, end_at = end_at + 86400 * 40 WHERE id = ?", ids[rng.IntN(len(ids))])
		default:
			k := rng.IntN(len(ids))
			if err := store.ExecForTest(s, "DELETE FROM bookings WHERE id = ?", ids[k]); err != nil {
				t.Fatal(err)
			}
			ids = append(ids[:k], ids[k+1:]...)
		}
	}
	if len(ids) < 50 {
		t.Fatalf("only %d bookings written: the test proves little", len(ids))
	}
	drift, err := store.QualityDrift(s)
	if err != nil || drift != "" {
		t.Fatalf("counters drift from the bookings (%v):\n%s", err, drift)
	}
}

// Ratings: the counters per advisor follow ratings and their change;
// RateBooking refuses a booking not held and a second change.
func TestRatingCountersAndRules(t *testing.T) {
	s, fx := storetest.Open(t)
	st := time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC).Unix()
	var ids []int64
	for i := range 4 {
		if err := store.InsertBookingUnchecked(s, fx.Advisor.ID, fx.GoDuc.ID, st+int64(i)*7200, st+int64(i)*7200+3600); err != nil {
			t.Fatal(err)
		}
		id, err := store.LastBookingID(s)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	err := s.RateBooking(ctx, ids[0], fx.FirmUser.ID, 5, "")
	if r, ok := err.(store.RatingRefusal); !ok || string(r) != advisors.ErrRatingNotHeld {
		t.Fatalf("rating a confirmed booking: %v", err)
	}
	for i, n := range []int{5, 4, 1} {
		if err := store.ExecForTest(s, "UPDATE bookings SET status = 'done' WHERE id = ?", ids[i]); err != nil {
			t.Fatal(err)
		}
		if err := s.RateBooking(ctx, ids[i], fx.FirmUser.ID, n, "ok"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RateBooking(ctx, ids[2], fx.FirmUser.ID, 3, "đổi ý"); err != nil {
		t.Fatalf("the one change: %v", err)
	}
	err = s.RateBooking(ctx, ids[2], fx.FirmUser.ID, 1, "")
	if r, ok := err.(store.RatingRefusal); !ok || string(r) != advisors.ErrRatingChanged {
		t.Fatalf("a second change: %v", err)
	}
	_, n, total, err := s.AdvisorRatings(ctx, fx.Advisor.ID, 10)
	if err != nil || n != 3 || total != 12 {
		t.Fatalf("advisor ratings: n %d total %d, %v", n, total, err)
	}
	if drift, err := store.QualityDrift(s); err != nil || drift != "" {
		t.Fatalf("drift (%v): %s", err, drift)
	}
}

// The score change T0 → T1 by hand: seven firms with a result an hour
// before the clock (customer pillar 10…70); five hold a consultation
// after it and re-assess with customer +10 (firm 0: +20), one
// re-assesses without a consultation, one holds one and does not
// re-assess. The customer pillar: 5 firms, sum +60; strategy is never
// scored, so it has no row.
func TestScoreChangesByHand(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	ids := storetest.SevenWoodFirms(t, s, fx, in)
	start := storetest.Clock.Add(time.Hour)
	for i, id := range ids[:6] {
		if i == 5 {
			id = ids[6] // held, never re-assessed
		}
		st := start.Add(time.Duration(i) * 2 * time.Hour).Unix()
		if err := store.InsertBookingUnchecked(s, fx.Advisor.ID, id, st, st+3600); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.ExecForTest(s, "UPDATE bookings SET status = 'done'"); err != nil {
		t.Fatal(err)
	}
	var subs []store.PastSubmission
	for i, id := range ids[:6] {
		add := 10.0
		if i == 0 {
			add = 20
		}
		subs = append(subs, store.PastSubmission{FirmID: id, SubmittedAt: storetest.Clock.Add(72 * time.Hour),
			Result: scoring.Result{Instrument: in.Key(), Overall: float64(10*(i+1)) + add, Level: 1,
				Pillars: []scoring.PillarScore{{PillarID: "customer", Score: float64(10*(i+1)) + add, Scored: true}, {PillarID: "strategy"}}}})
	}
	if err := s.LoadSubmissions(ctx, in, subs); err != nil {
		t.Fatal(err)
	}
	got, err := s.ScoreChanges(ctx, in.Key())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Pillar != "customer" || got[0].N != 5 || got[0].Sum != 60 {
		t.Fatalf("score changes %+v, want customer: 5 firms, +60", got)
	}
}
