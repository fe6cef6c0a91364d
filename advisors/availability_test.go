package advisors

import (
	"testing"
	"time"
)

// ict builds a local time in the programme's zone.
func ict(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, Zone)
}

func starts(ps []Period) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Start.In(Zone).Format("01-02 15:04"))
	}
	return out
}

func TestFreeSlots(t *testing.T) {
	// Friday 20 Nov 2026, 10:00 local. Monday 23 Nov morning hours.
	now := ict(2026, 11, 20, 10, 0)
	mon := []Hours{{time.Monday, 8 * 60, 12 * 60}}
	rules := Rules{SlotMinutes: 60, BufferMinutes: 15, HorizonDays: 7, NoticeHours: 24}
	for _, tc := range []struct {
		name string
		s    Schedule
		now  time.Time
		want []string
	}{
		{"slots step by slot plus buffer and end within the block", Schedule{Hours: mon, Rules: rules}, now,
			[]string{"11-23 08:00", "11-23 09:15", "11-23 10:30"}},
		{"no buffer", Schedule{Hours: mon, Rules: Rules{60, 0, 7, 24}}, now,
			[]string{"11-23 08:00", "11-23 09:00", "11-23 10:00", "11-23 11:00"}},
		{"a booking blocks its slot and the buffer around it", Schedule{Hours: mon, Rules: Rules{30, 15, 7, 24},
			Busy: []Period{{ict(2026, 11, 23, 9, 0), ict(2026, 11, 23, 9, 30)}}}, now,
			[]string{"11-23 08:00", "11-23 10:15", "11-23 11:00"}},
		{"leave", Schedule{Hours: mon, Rules: rules, Leave: []Period{{ict(2026, 11, 23, 0, 0), ict(2026, 11, 23, 9, 30)}}}, now,
			[]string{"11-23 10:30"}},
		{"notice: 24 hours before Monday 09:00 leaves 09:15 on", Schedule{Hours: mon, Rules: rules}, ict(2026, 11, 22, 9, 0),
			[]string{"11-23 09:15", "11-23 10:30"}}, // and 30 Nov is past the 7-day horizon
		{"horizon", Schedule{Hours: mon, Rules: Rules{60, 15, 2, 0}}, now, nil},
		{"a holiday has no slots", Schedule{Hours: []Hours{{time.Tuesday, 8 * 60, 10 * 60}}, Rules: Rules{60, 0, 14, 0},
			Holidays: Holidays{"2026-09-01": {}}}, ict(2026, 8, 28, 12, 0),
			[]string{"09-08 08:00", "09-08 09:00"}},
		{"two blocks in a day, in order", Schedule{Hours: []Hours{{time.Monday, 13 * 60, 14 * 60}, {time.Monday, 8 * 60, 9 * 60}}, Rules: rules}, now,
			[]string{"11-23 08:00", "11-23 13:00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := starts(tc.s.FreeSlots(tc.now))
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// A 09:00 consultation in Hanoi time is 02:00 UTC, whatever the server's
// own zone: slots are built in the programme's zone and kept in UTC.
func TestSlotsAreLocalHoursInUTC(t *testing.T) {
	s := Schedule{Hours: []Hours{{time.Tuesday, 9 * 60, 10 * 60}}, Rules: Rules{60, 0, 7, 0}}
	got := s.FreeSlots(ict(2026, 11, 23, 12, 0))
	if len(got) != 1 {
		t.Fatalf("slots: %v", got)
	}
	if want := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC); !got[0].Start.Equal(want) || got[0].Start.Location() != time.UTC {
		t.Fatalf("start %v, want %v in UTC", got[0].Start, want)
	}
	if !s.IsFree(ict(2026, 11, 23, 12, 0), got[0]) || s.IsFree(ict(2026, 11, 23, 12, 0), Period{got[0].Start.Add(time.Minute), got[0].End}) {
		t.Fatal("IsFree disagrees with FreeSlots")
	}
}

func TestValidate(t *testing.T) {
	if DefaultRules().Validate() != nil {
		t.Fatal("defaults invalid")
	}
	for _, r := range []Rules{{10, 0, 28, 24}, {60, -1, 28, 24}, {60, 0, 0, 24}, {60, 0, 28, -1}, {60, 0, 365, 24}} {
		if r.Validate() == nil {
			t.Errorf("accepted %+v", r)
		}
	}
	if ValidateHours([]Hours{{time.Monday, 8 * 60, 12 * 60}}) != nil ||
		ValidateHours([]Hours{{time.Monday, 12 * 60, 8 * 60}}) != ErrHoursOrder ||
		ValidateHours([]Hours{{time.Monday, 8 * 60, 25 * 60}}) != ErrHoursRange {
		t.Fatal("hours validation")
	}
}

func BenchmarkFreeSlots50Advisors(b *testing.B) {
	now := ict(2026, 11, 20, 10, 0)
	var week []Hours
	for d := time.Monday; d <= time.Friday; d++ {
		week = append(week, Hours{d, 8 * 60, 11*60 + 45}, Hours{d, 13*60 + 30, 17 * 60})
	}
	var scheds []Schedule
	for a := range 50 {
		s := Schedule{Hours: week, Rules: DefaultRules(), Holidays: VietnamHolidays()}
		for k := range 40 { // a busy month: 40 bookings each
			st := ict(2026, 11, 23+k%25, 8, 0).Add(time.Duration((k*7+a)%6) * 75 * time.Minute)
			s.Busy = append(s.Busy, Period{st, st.Add(time.Hour)})
		}
		scheds = append(scheds, s)
	}
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for _, s := range scheds {
			n += len(s.FreeSlots(now))
		}
	}
	b.ReportMetric(float64(n)/float64(b.N), "slots/op")
}
