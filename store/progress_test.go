package store_test

import (
	"fmt"
	"testing"

	"dxready/advisors"
	"dxready/auth"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

// A consultation counts once the firm has re-assessed after it: T0 is its
// result before, T1 the newest after; one not re-assessed is left out.
func TestConsultationProgress(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	hol := advisors.VietnamHolidays()
	ids := storetest.SevenWoodFirms(t, s, fx, in)
	a, b := newBooking(fx, ids[0], ict(11, 23, 13, 30)), newBooking(fx, ids[1], ict(11, 24, 9, 15))
	for _, bk := range []*store.Booking{a, b} {
		if err := s.Book(ctx, bk, hol, nil); err != nil {
			t.Fatal(err)
		}
	}
	fx.Clock.Set(ict(11, 24, 12, 0))
	for _, bk := range []*store.Booking{a, b} {
		if _, err := s.SetOutcome(ctx, bk.ID, asAdvisor(fx), store.BookingDone); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.ConsultationProgress(ctx, 0); len(got) != 0 {
		t.Fatalf("progress before any re-assessment: %+v", got)
	}
	later := scoring.Result{Instrument: in.Key(), Overall: 40, Level: 2,
		Pillars: []scoring.PillarScore{{PillarID: "customer", Score: 40, Scored: true}}}
	if err := s.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: ids[0], Result: later, SubmittedAt: ict(12, 20, 9, 0).UTC()}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.ConsultationProgress(ctx, 0)
	if err != nil || len(got) != 1 || got[0].Pillar != "customer" || got[0].Consultations != 1 || got[0].Before != 10 || got[0].After != 40 {
		t.Fatalf("progress: %+v %v", got, err)
	}
	if mine, _ := s.ConsultationProgress(ctx, fx.Advisor.ID); len(mine) != 1 {
		t.Fatalf("the advisor's own progress: %+v", mine)
	}
	if other, _ := s.ConsultationProgress(ctx, fx.Admin.ID); len(other) != 0 {
		t.Fatalf("another advisor's progress: %+v", other)
	}
	subs, _ := s.Submissions(ctx, ids[0])
	byID, err := s.SubmissionsByID(ctx, []int64{subs[0].ResponseID, subs[1].ResponseID, 999999})
	if err != nil || len(byID) != 2 || byID[subs[0].ResponseID].Overall != 40 || byID[subs[1].ResponseID].Pillars["customer"] != 10 {
		t.Fatalf("by id: %v %v", byID, err)
	}
}

// Advisor accounts without a profile (made before profiles existed) get
// the starter profile from migration 0005; existing profiles stay as they are.
func TestAdvisorBackfillMigration(t *testing.T) {
	s, fx := storetest.Open(t)
	old := &auth.User{Email: "cu@test.local", Name: "Chuyên gia cũ", Role: auth.RoleAdvisor, Status: auth.StatusActive, Lang: "vi"}
	if err := s.CreateUser(ctx, old); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindAdvisor(ctx, old.ID); err == nil {
		t.Fatal("a plain advisor account already has a profile")
	}
	before, _ := s.FindAdvisor(ctx, fx.Advisor.ID)
	if err := store.RerunMigration(s, 5); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindAdvisor(ctx, old.ID)
	want := store.StarterAdvisor(old.ID)
	if err != nil || fmt.Sprint(got.Hours) != fmt.Sprint(want.Hours) || fmt.Sprint(got.Languages) != "[vi]" || !got.Online ||
		got.Rules != want.Rules || got.WeeklyCapacity != want.WeeklyCapacity || !got.Active {
		t.Fatalf("backfilled: %+v %v", got, err)
	}
	if after, _ := s.FindAdvisor(ctx, fx.Advisor.ID); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("an existing profile changed:\n%+v\n%+v", before, after)
	}
}
