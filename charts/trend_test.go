package charts

import (
	"math"
	"testing"
)

// A trend with an interval: the bounds are dashed lines without markers,
// gaps stay gaps, a count axis scales itself with whole ticks, and a
// hostile series name stays inside the JSON.
func TestTrendDrawsBoundsDashed(t *testing.T) {
	nan := math.NaN()
	q := []string{"2026-Q1", "2026-Q2"}
	c, err := Trend("t", "l", vi, q, []Series{{Name: hostileName, Values: []float64{50.04, nan}}},
		[]Series{{Name: "lo", Values: []float64{45, nan}}, {Name: "hi", Values: []float64{55, nan}}}, 100)
	if err != nil {
		t.Fatal(err)
	}
	m := decode(t, c)
	if d := seriesData(t, m, 0); d[0].(map[string]any)["value"] != 50.0 || d[1].(map[string]any)["value"] != "-" {
		t.Fatalf("series data = %v", d)
	}
	lo := m["series"].([]any)[1].(map[string]any)
	if lo["lineStyle"].(map[string]any)["type"] != "dashed" || lo["showSymbol"] != false {
		t.Fatalf("a bound is not a dashed line without markers: %v", lo)
	}
	if y := m["yAxis"].([]any)[0].(map[string]any); y["max"] != 100.0 {
		t.Fatalf("y axis = %v", y)
	}
	counts, err := Trend("c", "l", vi, q, []Series{{Name: "n", Values: []float64{3, 12}}}, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if y := decode(t, counts)["yAxis"].([]any)[0].(map[string]any); y["max"] != nil || y["minInterval"] != 1.0 {
		t.Fatalf("a count axis = %v", y)
	}
	scaled, err := Trend("s", "l", vi, q, []Series{{Name: "m", Values: []float64{31, 32}}}, nil, -1)
	if err != nil {
		t.Fatal(err)
	}
	if y := decode(t, scaled)["yAxis"].([]any)[0].(map[string]any); y["scale"] != true || y["min"] != nil || y["max"] != nil {
		t.Fatalf("a scaled axis = %v", y)
	}
	if _, err := Trend("x", "", vi, q, nil, []Series{{Name: "lo", Values: []float64{1}}}, 0); err == nil {
		t.Fatal("a bound of the wrong length was accepted")
	}
	if e, _ := Trend("e", "", vi, q, []Series{{Name: "n", Values: []float64{nan, nan}}}, nil, 100); !e.Empty {
		t.Fatal("a trend with no figure is not Empty")
	}
}
