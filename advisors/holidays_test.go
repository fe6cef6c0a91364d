package advisors

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

func TestEmbeddedHolidays(t *testing.T) {
	h := VietnamHolidays()
	for _, d := range []string{"2026-01-01", "2026-02-17", "2026-04-30", "2026-05-01", "2026-09-02", "2027-02-06"} {
		if _, ok := h[d]; !ok {
			t.Errorf("%s is not a holiday", d)
		}
	}
	if h.Has(time.Date(2026, 2, 23, 9, 0, 0, 0, Zone)) {
		t.Error("the Monday after Tết 2026 is a working day")
	}
	// 17 Feb 2026 00:30 in Hanoi is still 16 Feb in UTC: the day is local.
	if !h.Has(time.Date(2026, 2, 16, 17, 30, 0, 0, time.UTC)) {
		t.Error("holidays must be local days")
	}
	if h["2026-02-17"].NameVI != "Tết Nguyên đán" || h["2026-02-17"].NameEN == "" {
		t.Errorf("names: %+v", h["2026-02-17"])
	}
}

func TestParseHolidaysRejectsBadLines(t *testing.T) {
	for _, bad := range []string{
		"2026-13-01,Sai,Wrong",
		"2026-01-01,Tết Dương lịch",
		"2026-01-01,,New Year",
		"2026-01-01,A,B\n2026-01-01,C,D",
	} {
		if _, err := ParseHolidays(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	h, err := ParseHolidays("# note\n\n2026-01-01,Tết Dương lịch,New Year's Day\n")
	if err != nil || len(h) != 1 {
		t.Fatalf("%v %v", h, err)
	}
}

// maxHorizonDays is the furthest ahead any advisor may open bookings, read
// from the rule itself (Rules.Validate), so the check below follows it.
func maxHorizonDays(t *testing.T) int {
	t.Helper()
	r := DefaultRules()
	best := 0
	for d := 1; d <= 3660; d++ {
		r.HorizonDays = d
		if r.Validate() == nil {
			best = d
		}
	}
	if best == 0 {
		t.Fatal("no horizon is valid")
	}
	return best
}

// coverProblem says why h does not cover every day a firm may book from
// today with horizon days ahead: the holiday list must reach the end of the
// horizon's year, or free slots would be offered on public holidays.
func coverProblem(h Holidays, today time.Time, horizon int) string {
	last := 0
	for date := range h {
		if y, _ := strconv.Atoi(date[:4]); y > last {
			last = y
		}
	}
	if end := today.In(Zone).AddDate(0, 0, horizon); end.Year() > last {
		return fmt.Sprintf("the booking horizon reaches %s, but advisors/holidays.csv ends with %d: add the public holidays of %d", end.Format(time.DateOnly), last, end.Year())
	}
	return ""
}

func TestCoverProblem(t *testing.T) {
	h := Holidays{"2026-01-01": {}, "2027-09-02": {}}
	for _, tc := range []struct {
		today   time.Time
		horizon int
		bad     bool
	}{
		{time.Date(2026, 11, 30, 0, 0, 0, 0, Zone), 90, false},
		{time.Date(2027, 12, 1, 0, 0, 0, 0, Zone), 30, false},
		{time.Date(2027, 12, 1, 0, 0, 0, 0, Zone), 31, true},
		{time.Date(2027, 12, 31, 16, 59, 0, 0, time.UTC), 0, false}, // 23:59 in Hanoi
		{time.Date(2027, 12, 31, 17, 0, 0, 0, time.UTC), 0, true},   // already 1 Jan 2028 in Hanoi
	} {
		if got := coverProblem(h, tc.today, tc.horizon); (got != "") != tc.bad {
			t.Errorf("coverProblem(%v, %d) = %q", tc.today, tc.horizon, got)
		}
	}
}

// The embedded list covers every day that can be booked from today, with
// the longest horizon an advisor may set. This test reads the real clock on
// purpose: it starts failing before the list runs out, not after.
func TestHolidaysCoverTheBookingHorizon(t *testing.T) {
	if p := coverProblem(VietnamHolidays(), time.Now(), maxHorizonDays(t)); p != "" {
		t.Fatal(p)
	}
}
