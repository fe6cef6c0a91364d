package web

import (
	"fmt"
	"math"
	"testing"

	"dxready/charts"
)

// Kept frames are told apart by every axis and series name: frames whose
// names would join into the same text, drawn one after another from one
// cache, are each charts.Radar's chart; and the cache stays bounded.
func TestRadarFramesTellEveryFrameApart(t *testing.T) {
	var rf radarFrames
	loc := charts.Locale{Decimal: ",", Group: ".", Gap: "—"}
	cases := []struct {
		axes  []string
		names []string
	}{
		{[]string{"ab", "c"}, []string{"d"}},
		{[]string{"a", "bc"}, []string{"d"}},
		{[]string{"a", "b"}, []string{"cd"}},
		{[]string{"a"}, []string{"b", "cd"}},
		{[]string{"a", "b", "c"}, []string{"d"}},
		{[]string{"a:b"}, []string{"1;c"}},
		{[]string{"a"}, []string{"b:1;c"}},
		{[]string{"a\x00", "b"}, []string{"c"}},
		{[]string{"a"}, []string{"\x00b", "c"}},
	}
	for round := range 2 {
		for i, c := range cases {
			series := make([]charts.Series, len(c.names))
			for j, n := range c.names {
				series[j] = charts.Series{Name: n, Values: make([]float64, len(c.axes))}
				for k := range series[j].Values {
					series[j].Values[k] = float64(10*i + j + k + round)
				}
			}
			series[0].Values[0] = math.NaN()
			got, err := rf.radar("radar", "nhãn", loc, c.axes, series)
			want, werr := charts.Radar("radar", "nhãn", loc, c.axes, series)
			if err != nil || werr != nil || got != want {
				t.Fatalf("round %d, case %d (%q, %q): %+v (%v)\nwant %+v (%v)", round, i, c.axes, c.names, got, err, want, werr)
			}
		}
	}
	for i := range radarFramesMax + 10 {
		if _, err := rf.radar("radar", "", loc, []string{"a"}, []charts.Series{{Name: fmt.Sprint(i), Values: []float64{1}}}); err != nil {
			t.Fatal(err)
		}
		if n := len(rf.frames); n > radarFramesMax {
			t.Fatalf("%d frames kept, more than %d", n, radarFramesMax)
		}
	}
}
