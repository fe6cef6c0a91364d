package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"dxready/advisors"
	"dxready/auth"
	"dxready/firms"
	"dxready/store"
	"dxready/store/storetest"
)

// ict is a local time in Ho Chi Minh City.
func ict(m time.Month, d, hh, mm int) time.Time {
	return time.Date(2026, m, d, hh, mm, 0, 0, advisors.Zone)
}

func slot(st time.Time) advisors.Period {
	return advisors.Period{Start: st.UTC(), End: st.Add(time.Hour).UTC()}
}

func asFirm(fx *storetest.Fixtures) store.Actor {
	return store.Actor{UserID: fx.FirmUser.ID, Party: advisors.PartyFirm}
}

func asAdvisor(fx *storetest.Fixtures) store.Actor {
	return store.Actor{UserID: fx.Advisor.ID, Party: advisors.PartyAdvisor}
}

func newBooking(fx *storetest.Fixtures, firmID int64, st time.Time) *store.Booking {
	return &store.Booking{AdvisorID: fx.Advisor.ID, FirmID: firmID, BookedBy: fx.FirmUser.ID, Period: slot(st),
		Mode: "online", Language: "vi", Pillars: []string{"data"}, Note: "Muốn số hoá kho"}
}

func TestBookingLifecycle(t *testing.T) {
	s, fx := storetest.Open(t)
	hol := advisors.VietnamHolidays()
	ids := storetest.SevenWoodFirms(t, s, fx, storetest.Instrument(t))
	firm := ids[0]
	// The clock is Sunday 22 Nov 10:00; with 24 hours' notice Monday 08:00
	// is too soon and Monday 10:30 (08:00 + 2 × 75 min) is the first slot.
	sc, err := s.Schedule(ctx, fx.AdvisorProfile, hol)
	if err != nil {
		t.Fatal(err)
	}
	free := sc.FreeSlots(fx.Clock.Now())
	if len(free) == 0 || !free[0].Start.Equal(ict(11, 23, 10, 30).UTC()) {
		t.Fatalf("first free slot: %v", free[:min(1, len(free))])
	}
	if err := s.Book(ctx, newBooking(fx, firm, ict(11, 23, 8, 0)), hol, nil); !errors.Is(err, store.ErrSlotTaken) {
		t.Fatalf("booked inside the notice: %v", err)
	}
	b := newBooking(fx, firm, ict(11, 23, 13, 30))
	if err := s.Book(ctx, b, hol, nil); err != nil {
		t.Fatal(err)
	}
	if b.ID == 0 || b.Status != store.BookingConfirmed || b.ResponseID == 0 || b.AdvisorName != fx.Advisor.Name {
		t.Fatalf("booking: %+v", b)
	}
	// The transaction wrote the event its messages are composed from, and
	// queued nothing itself.
	if out, _ := s.Outbox(ctx, 10); len(out) != 0 {
		t.Fatalf("outbox: %+v", out)
	}
	if evs, _ := s.DueBookingEvents(ctx, 0, 10); len(evs) != 1 || evs[0].Kind != store.MessagesConfirmed || evs[0].BookingID != b.ID || !evs[0].Start.Equal(b.Start) {
		t.Fatalf("events: %+v", evs)
	}
	// The same slot, and one that overlaps it or its buffer, are taken.
	for _, st := range []time.Time{ict(11, 23, 13, 30), ict(11, 23, 14, 0)} {
		if err := s.Book(ctx, newBooking(fx, ids[1], st), hol, nil); !errors.Is(err, store.ErrSlotTaken) {
			t.Fatalf("double booking at %v: %v", st, err)
		}
	}
	got, err := s.FindBooking(ctx, b.ID)
	if err != nil || !got.Start.Equal(b.Start) || got.FirmName == "" || got.Pillars[0] != "data" || got.Note != b.Note {
		t.Fatalf("found: %+v %v", got, err)
	}
	// Outcomes wait until the consultation has started.
	if _, err := s.SetOutcome(ctx, b.ID, asAdvisor(fx), store.BookingDone); !errors.Is(err, advisors.ErrNotStarted) {
		t.Fatalf("done before it started: %v", err)
	}
	// Rescheduling moves it; the old slot is free again.
	moved, err := s.Reschedule(ctx, b.ID, slot(ict(11, 24, 9, 15)), asFirm(fx), "Bận họp", hol, nil)
	if err != nil || moved.Sequence != 1 || !moved.Start.Equal(ict(11, 24, 9, 15).UTC()) {
		t.Fatalf("reschedule: %+v %v", moved, err)
	}
	if err := s.Book(ctx, newBooking(fx, ids[1], ict(11, 23, 13, 30)), hol, nil); err != nil {
		t.Fatalf("the old slot stayed taken: %v", err)
	}
	// Cancelling frees the slot and closes the booking.
	if c, err := s.Cancel(ctx, b.ID, asFirm(fx), "Đổi kế hoạch"); err != nil || c.Status != store.BookingCancelled || c.Sequence != 2 {
		t.Fatalf("cancel: %+v %v", c, err)
	}
	if _, err := s.Cancel(ctx, b.ID, asFirm(fx), ""); !errors.Is(err, advisors.ErrCancelled) {
		t.Fatalf("cancelled twice: %v", err)
	}
	if err := s.Book(ctx, newBooking(fx, ids[2], ict(11, 24, 9, 15)), hol, nil); err != nil {
		t.Fatalf("a cancelled slot stayed taken: %v", err)
	}
	// After the consultation: done, notes, and an action plan.
	fx.Clock.Set(ict(11, 24, 10, 0))
	list, _ := s.Bookings(ctx, store.BookingFilter{AdvisorID: fx.Advisor.ID, Statuses: []string{store.BookingConfirmed}})
	if len(list) != 2 {
		t.Fatalf("confirmed bookings: %d", len(list))
	}
	held := list[1] // 24 Nov 09:15
	if _, err := s.SetOutcome(ctx, held.ID, asAdvisor(fx), store.BookingDone); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAdvisorNotes(ctx, held.ID, asAdvisor(fx), "Bắt đầu từ dữ liệu kho"); err != nil {
		t.Fatal(err)
	}
	it := &store.ActionItem{BookingID: held.ID, Pillar: "data", Text: "Chọn phần mềm kho", Owner: "firm", Due: "2026-12-15"}
	if err := s.AddActionItem(ctx, it, asAdvisor(fx)); err != nil {
		t.Fatal(err)
	}
	if err := s.AddActionItem(ctx, &store.ActionItem{BookingID: list[0].ID, Pillar: "data", Text: "x", Owner: "firm", Due: "2026-12-15"}, asAdvisor(fx)); !errors.Is(err, advisors.ErrNotHeld) {
		t.Fatalf("action item on a consultation not held: %v", err)
	}
	if err := s.SetActionItemDone(ctx, it.ID, fx.GoDuc.ID, fx.FirmUser.ID, true); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another firm ticked the item: %v", err)
	}
	if err := s.SetActionItemDone(ctx, it.ID, ids[2], fx.FirmUser.ID, true); err != nil {
		t.Fatal(err)
	}
	plan, _ := s.ActionItemsOfFirm(ctx, ids[2])
	open, _ := s.OpenActionItemsOfAdvisor(ctx, fx.Advisor.ID)
	if len(plan) != 1 || !plan[0].Done() || len(open) != 0 {
		t.Fatalf("plan %+v, open %+v", plan, open)
	}
	// The held booking shares its result with the advisor; the cancelled
	// one no longer shares its own.
	if got, _ := s.AdvisorsSharedWith(ctx, held.ResponseID); len(got) != 1 || got[0] != fx.Advisor.ID {
		t.Fatalf("the result of the held consultation is shared with %v", got)
	}
	if got, _ := s.AdvisorsSharedWith(ctx, b.ResponseID); len(got) != 0 {
		t.Fatalf("the result of a cancelled booking is shared with %v", got)
	}
}

// The database itself refuses overlapping bookings, whatever the caller
// checked before.
func TestOverlapIsRefusedByTheDatabase(t *testing.T) {
	s, fx := storetest.Open(t)
	st := ict(11, 25, 8, 0).Unix()
	if err := store.InsertBookingUnchecked(s, fx.Advisor.ID, fx.GoDuc.ID, st, st+3600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		start, end int64
		ok         bool
	}{
		{"same time", st, st + 3600, false},
		{"overlapping", st + 1800, st + 5400, false},
		{"inside the buffer after", st + 3600 + 600, st + 7200 + 600, false},
		{"inside the buffer before", st - 3600 - 600, st - 600, false},
		{"after the buffer", st + 3600 + 900, st + 7200 + 900, true},
	} {
		err := store.InsertBookingUnchecked(s, fx.Advisor.ID, fx.NoiThat.ID, tc.start, tc.end)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, store.ErrSlotTaken)) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// 200 tries by three firms at the same slot at once: exactly one gets
// it; the winner's other tries are told it holds that booking already,
// and the other firms' that the slot is taken.
func TestConcurrentBookingsOfOneSlot(t *testing.T) {
	s, fx := storetest.Open(t)
	hol := advisors.VietnamHolidays()
	var wg sync.WaitGroup
	var mu sync.Mutex
	outcome := map[int64]map[string]int{} // by firm
	var won int64
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			firm := []int64{fx.GoDuc.ID, fx.NoiThat.ID, fx.Kho.ID}[i%3]
			b := newBooking(fx, firm, ict(11, 26, 13, 30))
			err := s.Book(ctx, b, hol, nil)
			key := "ok"
			if err != nil {
				key = err.Error()
			}
			mu.Lock()
			if outcome[firm] == nil {
				outcome[firm] = map[string]int{}
			}
			outcome[firm][key]++
			if err == nil {
				won = firm
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	for firm, o := range outcome {
		tries := o["ok"] + o[store.ErrAlreadyBooked.Error()] + o[store.ErrSlotTaken.Error()]
		switch {
		case firm == won && (o["ok"] != 1 || o[store.ErrAlreadyBooked.Error()] != tries-1):
			t.Errorf("the firm that got the slot: %v", o)
		case firm != won && o[store.ErrSlotTaken.Error()] != tries:
			t.Errorf("firm %d, which did not: %v", firm, o)
		}
	}
	if won == 0 {
		t.Fatalf("nobody got the slot: %v", outcome)
	}
	list, _ := s.Bookings(ctx, store.BookingFilter{AdvisorID: fx.Advisor.ID})
	if len(list) != 1 {
		t.Fatalf("%d bookings", len(list))
	}
}

func TestLoadsCountThisWeek(t *testing.T) {
	s, fx := storetest.Open(t)
	hol := advisors.VietnamHolidays()
	// Sunday 22 Nov: this week is 16–22 Nov; bookings start next week.
	for i, st := range []time.Time{ict(11, 23, 13, 30), ict(11, 24, 8, 0)} {
		if err := s.Book(ctx, newBooking(fx, []int64{fx.GoDuc.ID, fx.NoiThat.ID}[i], st), hol, nil); err != nil {
			t.Fatal(err)
		}
	}
	l, err := s.Loads(ctx)
	if err != nil || l[fx.Advisor.ID].ThisWeek != 0 || l[fx.Advisor.ID].LastBooked.IsZero() {
		t.Fatalf("loads on Sunday: %+v %v", l, err)
	}
	fx.Clock.Set(ict(11, 23, 7, 0))
	if l, _ = s.Loads(ctx); l[fx.Advisor.ID].ThisWeek != 2 {
		t.Fatalf("loads on Monday: %+v", l)
	}
}

// One read gives every advisor's schedule, each with only its own
// bookings and leave.
func TestSchedulesOfManyAdvisors(t *testing.T) {
	s, fx := storetest.Open(t)
	hol := advisors.VietnamHolidays()
	other := &store.Advisor{Profile: advisors.Profile{Languages: []string{"vi"}, Online: true, WeeklyCapacity: 5},
		Rules: advisors.DefaultRules(), Hours: storetest.WorkWeek()}
	u := &auth.User{Email: "advisor2@test.local", Name: "Chuyên gia hai", Status: auth.StatusActive, Lang: "vi"}
	if err := s.CreateAdvisor(ctx, u, other); err != nil {
		t.Fatal(err)
	}
	if err := s.Book(ctx, newBooking(fx, fx.GoDuc.ID, ict(11, 24, 8, 0)), hol, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.AddLeave(ctx, other.ID, advisors.Period{Start: ict(11, 25, 0, 0), End: ict(11, 26, 0, 0)}, "Nghỉ phép"); err != nil {
		t.Fatal(err)
	}
	all, err := s.Schedules(ctx, []*store.Advisor{fx.AdvisorProfile, other}, hol)
	if err != nil {
		t.Fatal(err)
	}
	a, b := all[fx.Advisor.ID], all[other.ID]
	if len(a.Busy) != 1 || len(a.Leave) != 0 || len(b.Busy) != 0 || len(b.Leave) != 1 || len(b.Hours) != 10 {
		t.Fatalf("schedules: %+v / %+v", a, b)
	}
	one, _ := s.Schedule(ctx, other, hol)
	if len(one.Leave) != 1 || len(one.Busy) != 0 {
		t.Fatalf("one schedule: %+v", one)
	}
}

// BenchmarkBook measures one confirmed booking (the slot re-check, the
// insert under the overlap triggers and the event) on the writer, with
// free slots spread over 20 advisors. Run with -benchtime=2000x: each
// iteration takes a new slot and there are about 2,300.
func BenchmarkBook(b *testing.B) {
	s, fx := storetest.Open(b)
	hol := advisors.VietnamHolidays()
	var slots []*store.Booking
	for i := range 20 {
		u := &auth.User{Email: fmt.Sprintf("bench%d@test.local", i), Name: fmt.Sprintf("Chuyên gia %d", i), Status: auth.StatusActive, Lang: "vi"}
		a := &store.Advisor{Rules: advisors.DefaultRules(), Hours: storetest.WorkWeek()}
		a.Pillars, a.Languages, a.Online, a.WeeklyCapacity = []string{"data"}, []string{"vi"}, true, 40
		if err := s.CreateAdvisor(ctx, u, a); err != nil {
			b.Fatal(err)
		}
		sc, _ := s.Schedule(ctx, a, hol)
		for _, p := range sc.FreeSlots(fx.Clock.Now()) {
			slots = append(slots, &store.Booking{AdvisorID: a.ID, FirmID: fx.GoDuc.ID, BookedBy: fx.FirmUser.ID, Period: p,
				Mode: "online", Language: "vi", Pillars: []string{"data"}})
		}
	}
	if b.N > len(slots) {
		b.Skipf("%d iterations, %d free slots: use -benchtime=2000x", b.N, len(slots))
	}
	// One firm per booking, as fair use allows one firm only two.
	fs := make([]*firms.Firm, len(slots))
	for i := range fs {
		f := *fx.NoiThat
		f.ID, f.TaxCode = 0, storetest.TaxCodeFrom(380000000+i*10)
		fs[i] = &f
	}
	if err := s.CreateFirms(ctx, fs); err != nil {
		b.Fatal(err)
	}
	for i, f := range fs {
		slots[i].FirmID = f.ID
	}
	b.ResetTimer()
	for i := range b.N {
		if err := s.Book(ctx, slots[i], hol, nil); err != nil {
			b.Fatal(err)
		}
	}
}
