package advisors

import (
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
