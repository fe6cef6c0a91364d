package advisors

import (
	"testing"
	"time"
)

func TestRatesOf(t *testing.T) {
	r := RatesOf(map[string]int{StatusDone: 6, StatusNoShow: 2, StatusCancelled: 2, StatusConfirmed: 5})
	if r.Held != 6 || r.Open != 5 || r.HeldRate != 0.6 || r.NoShowRate != 0.2 || r.CancelledRate != 0.2 {
		t.Fatalf("RatesOf = %+v", r)
	}
	if z := RatesOf(nil); z.HeldRate != 0 {
		t.Fatalf("no bookings: %+v", z)
	}
}

func TestOpenMinutes(t *testing.T) {
	monday := time.Date(2026, 11, 23, 0, 0, 0, 0, Zone)
	hours := []Hours{{time.Monday, 8 * 60, 12 * 60}, {time.Tuesday, 8 * 60, 12 * 60}}
	rules := Rules{SlotMinutes: 60, BufferMinutes: 0, HorizonDays: 28, NoticeHours: 24}
	if got := OpenMinutes(hours, rules, nil, nil, monday); got != 8*60 {
		t.Fatalf("two mornings: %d minutes, want 480", got)
	}
	// Tuesday on leave: only Monday is open.
	leave := []Period{{monday.AddDate(0, 0, 1), monday.AddDate(0, 0, 2)}}
	if got := OpenMinutes(hours, rules, leave, nil, monday); got != 4*60 {
		t.Fatalf("Tuesday on leave: %d minutes, want 240", got)
	}
	// Monday a holiday as well: nothing.
	hol := Holidays{"2026-11-23": {}}
	if got := OpenMinutes(hours, rules, leave, hol, monday); got != 0 {
		t.Fatalf("holiday and leave: %d minutes, want 0", got)
	}
	// The next Monday's hours are not this week's.
	if got := OpenMinutes([]Hours{{time.Monday, 8 * 60, 9 * 60}}, rules, nil, nil, monday); got != 60 {
		t.Fatalf("one hour a week: %d", got)
	}
}

func TestMedianDays(t *testing.T) {
	for _, tc := range []struct {
		hist []DayCount
		want float64
		n    int
	}{
		{nil, 0, 0},
		{[]DayCount{{3, 1}}, 3, 1},
		{[]DayCount{{10, 1}, {2, 2}}, 2, 3},
		{[]DayCount{{1, 1}, {5, 1}}, 3, 2},
		{[]DayCount{{40, 2}, {0, 1}, {7, 1}}, 23.5, 4},
	} {
		if got, n := MedianDays(tc.hist); got != tc.want || n != tc.n {
			t.Errorf("MedianDays(%v) = %v, %d; want %v, %d", tc.hist, got, n, tc.want, tc.n)
		}
	}
	if b := Banded([]DayCount{{0, 1}, {1, 2}, {2, 1}, {14, 1}, {15, 1}, {100, 3}}); b[0] != 3 || b[1] != 1 || b[2] != 1 || b[3] != 1 || b[5] != 3 {
		t.Fatalf("Banded = %v", b)
	}
}
