package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"dxready/advisors"
	"dxready/auth"
	"dxready/store"
	"dxready/store/storetest"
)

// secondAdvisor adds another bookable advisor with the fixture's hours.
func secondAdvisor(t *testing.T, s *store.Store, n int) *store.Advisor {
	t.Helper()
	a := &store.Advisor{Profile: advisors.Profile{Languages: []string{"vi"}, Online: true, WeeklyCapacity: 10},
		Rules: advisors.DefaultRules(), Hours: storetest.WorkWeek()}
	u := &auth.User{Email: fmt.Sprintf("advisor%d@test.local", n), Name: fmt.Sprintf("Chuyên gia %d", n), Status: auth.StatusActive, Lang: "vi"}
	if err := s.CreateAdvisor(ctx, u, a); err != nil {
		t.Fatal(err)
	}
	return a
}

// Fair use is enforced in the booking transaction: one open booking per
// advisor, two in all, never two at once; a cancelled one frees its place.
func TestFairUseInTheBookingTransaction(t *testing.T) {
	s, fx := storetest.Open(t)
	hol := advisors.VietnamHolidays()
	a2, a3 := secondAdvisor(t, s, 2), secondAdvisor(t, s, 3)
	book := func(advisor int64, st time.Time) (*store.Booking, error) {
		b := newBooking(fx, fx.GoDuc.ID, st)
		b.AdvisorID = advisor
		return b, s.Book(ctx, b, hol, nil)
	}
	first, err := book(fx.Advisor.ID, ict(11, 24, 8, 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := book(fx.Advisor.ID, ict(11, 25, 8, 0)); !errors.Is(err, advisors.ErrAdvisorLimit) {
		t.Fatalf("a second open booking with the same advisor: %v", err)
	}
	if _, err := book(a2.ID, ict(11, 24, 8, 0)); !errors.Is(err, advisors.ErrFirmBusy) {
		t.Fatalf("another advisor at the same hour: %v", err)
	}
	if _, err := book(a2.ID, ict(11, 24, 13, 30)); err != nil {
		t.Fatal(err)
	}
	if _, err := book(a3.ID, ict(11, 26, 8, 0)); !errors.Is(err, advisors.ErrFirmLimit) {
		t.Fatalf("a third open booking: %v", err)
	}
	wider := &advisors.Limits{PerFirm: 3, PerFirmAdvisor: 1}
	b := newBooking(fx, fx.GoDuc.ID, ict(11, 26, 8, 0))
	b.AdvisorID = a3.ID
	if err := s.Book(ctx, b, hol, wider); err != nil {
		t.Fatalf("a third booking under a wider limit: %v", err)
	}
	if _, err := s.Cancel(ctx, first.ID, asFirm(fx), "Đổi kế hoạch"); err != nil {
		t.Fatal(err)
	}
	again := newBooking(fx, fx.GoDuc.ID, ict(11, 25, 8, 0))
	if err := s.Book(ctx, again, hol, nil); !errors.Is(err, advisors.ErrFirmLimit) {
		t.Fatalf("a third open booking after a cancellation: %v", err)
	}
	if err := s.Book(ctx, again, hol, wider); err != nil {
		t.Fatalf("after cancelling, the advisor is free to book again: %v", err)
	}
	// A move may not land on another of the firm's consultations.
	list, _ := s.Bookings(ctx, store.BookingFilter{FirmID: fx.GoDuc.ID, AdvisorID: a2.ID})
	if _, err := s.Reschedule(ctx, list[0].ID, slot(ict(11, 25, 8, 0)), asFirm(fx), "", hol, nil); !errors.Is(err, advisors.ErrFirmBusy) {
		t.Fatalf("moved onto the firm's other consultation: %v", err)
	}
	if n, _ := s.DueBookingEvents(ctx, 0, 100); len(n) != 5 {
		t.Fatalf("%d events: 4 bookings and a cancellation, nothing for refusals", len(n))
	}
}

// The booking rules are asked inside the write transaction with its own
// time: once a consultation has started nobody cancels or moves it, and
// nothing about it changes.
func TestNoCancelOrMoveAfterTheStart(t *testing.T) {
	s, fx := storetest.Open(t)
	hol := advisors.VietnamHolidays()
	b := newBooking(fx, fx.GoDuc.ID, ict(11, 24, 8, 0))
	if err := s.Book(ctx, b, hol, nil); err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{b.Start, b.Start.Add(30 * time.Minute), b.End.Add(24 * time.Hour)} {
		fx.Clock.Set(now)
		for _, by := range []store.Actor{asFirm(fx), asAdvisor(fx), {UserID: fx.Admin.ID, Party: advisors.PartyCenter}} {
			if _, err := s.Cancel(ctx, b.ID, by, "Muộn"); !errors.Is(err, advisors.ErrStarted) {
				t.Errorf("%s cancelled at %v: %v", by.Party, now, err)
			}
			if _, err := s.Reschedule(ctx, b.ID, slot(ict(12, 1, 8, 0)), by, "", hol, nil); !errors.Is(err, advisors.ErrStarted) {
				t.Errorf("%s moved at %v: %v", by.Party, now, err)
			}
		}
		if _, err := s.SetOutcome(ctx, b.ID, asFirm(fx), store.BookingNoShow); !errors.Is(err, advisors.ErrNotAllowed) {
			t.Errorf("the firm recorded its own outcome: %v", err)
		}
	}
	got, _ := s.FindBooking(ctx, b.ID)
	if got.Status != store.BookingConfirmed || !got.Start.Equal(b.Start) || got.Sequence != 0 || got.Reason != "" {
		t.Fatalf("the booking changed: %+v", got)
	}
	if evs, _ := s.DueBookingEvents(ctx, b.ID, 10); len(evs) != 1 {
		t.Fatalf("events: %+v", evs)
	}
}

// An event's messages are queued once, with the event marked composed in
// the same transaction; a failure is recorded for a later retry.
func TestBookingEventCompletion(t *testing.T) {
	s, fx := storetest.Open(t)
	b := newBooking(fx, fx.GoDuc.ID, ict(11, 24, 8, 0))
	if err := s.Book(ctx, b, advisors.VietnamHolidays(), nil); err != nil {
		t.Fatal(err)
	}
	evs, _ := s.DueBookingEvents(ctx, b.ID, 10)
	ev := evs[0]
	if err := s.DeferBookingEvent(ctx, ev.ID, "recipients: database is locked", storetest.Clock.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueBookingEvents(ctx, 0, 10); len(due) != 0 {
		t.Fatalf("a deferred event is due at once: %+v", due)
	}
	fx.Clock.Set(storetest.Clock.Add(time.Minute))
	due, _ := s.DueBookingEvents(ctx, 0, 10)
	if len(due) != 1 || due[0].Attempts != 1 {
		t.Fatalf("due after the delay: %+v", due)
	}
	msg := func() []*store.Message {
		return []*store.Message{{Kind: "booking.confirmed", DedupeKey: fmt.Sprintf("booking:%d:confirmed:0:1", b.ID), To: "firm@test.local", Lang: "vi", Subject: "s", Body: "b"}}
	}
	if n, err := s.CompleteBookingEvent(ctx, ev.ID, msg()); err != nil || n != 1 {
		t.Fatalf("complete: %d %v", n, err)
	}
	if n, err := s.CompleteBookingEvent(ctx, ev.ID, msg()); err != nil || n != 0 {
		t.Fatalf("completed twice: %d %v", n, err)
	}
	if out, _ := s.Outbox(ctx, 10); len(out) != 1 {
		t.Fatalf("outbox: %d", len(out))
	}
	if due, _ := s.DueBookingEvents(ctx, 0, 10); len(due) != 0 {
		t.Fatalf("still due: %+v", due)
	}
	if err := s.DeferBookingEvent(ctx, ev.ID, "late", storetest.Clock); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deferred a composed event: %v", err)
	}
}
