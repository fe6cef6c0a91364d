package advisors

import (
	"testing"
	"time"
)

func TestBaseline(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 3, 0, 0, 0, time.UTC) }
	consult := Period{Start: day(10), End: day(10).Add(time.Hour)}
	for _, c := range []struct {
		name   string
		times  []time.Time
		t0, t1 int
	}{
		{"none", nil, -1, -1},
		{"only before", []time.Time{day(5), day(1)}, 0, -1},
		{"before and after", []time.Time{day(20), day(5), day(1)}, 1, 0},
		{"re-assessed twice after", []time.Time{day(25), day(20), day(5)}, 2, 0},
		{"only after: nothing to compare", []time.Time{day(20)}, -1, -1},
		{"during the consultation is neither", []time.Time{day(10).Add(30 * time.Minute), day(5)}, 1, -1},
		{"at the start counts as before", []time.Time{day(10)}, 0, -1},
	} {
		t0, t1 := Baseline(c.times, consult)
		if t0 != c.t0 || t1 != c.t1 {
			t.Errorf("%s: got %d, %d; want %d, %d", c.name, t0, t1, c.t0, c.t1)
		}
	}
}

func TestProgress(t *testing.T) {
	got := Progress([]string{"strategy", "data", "culture"},
		map[string]float64{"strategy": 20, "data": 10, "culture": 50},
		map[string]float64{"strategy": 35, "data": 5})
	if len(got) != 2 || got[0].Pillar != "strategy" || got[0].Delta() != 15 || got[1].Pillar != "data" || got[1].Delta() != -5 {
		t.Fatalf("%+v", got)
	}
}
