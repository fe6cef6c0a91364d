package scoring

import (
	"testing"
	"time"
)

func TestQuarters(t *testing.T) {
	// 30 Sep 2026 23:30 in Vietnam is 16:30Z: still Q3 there.
	if q := QuarterOf(time.Date(2026, 9, 30, 16, 30, 0, 0, time.UTC)); q != (Quarter{2026, 3}) {
		t.Fatalf("QuarterOf = %v", q)
	}
	if q := QuarterOf(time.Date(2026, 9, 30, 17, 0, 0, 0, time.UTC)); q != (Quarter{2026, 4}) {
		t.Fatalf("QuarterOf at midnight ICT = %v", q)
	}
	if e := (Quarter{2026, 3}).End(); !e.Equal(time.Date(2026, 9, 30, 17, 0, 0, 0, time.UTC)) {
		t.Fatalf("End = %v", e)
	}
	got := LastQuarters(Quarter{2026, 2}, 8)
	if got[0] != (Quarter{2024, 3}) || got[7] != (Quarter{2026, 2}) || got[2] != (Quarter{2025, 1}) {
		t.Fatalf("LastQuarters = %v", got)
	}
	for _, bad := range []string{"", "2026-Q5", "2026-Q0", "2026Q1", "26-Q1", "2026-Q1x", "2026-q1"} {
		if _, ok := ParseQuarter(bad); ok {
			t.Errorf("ParseQuarter(%q) accepted", bad)
		}
	}
	if q, ok := ParseQuarter("2025-Q4"); !ok || q != (Quarter{2025, 4}) {
		t.Fatalf("ParseQuarter = %v %v", q, ok)
	}
}
