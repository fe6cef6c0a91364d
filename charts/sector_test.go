package charts

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

const hostileName = `</script><script>alert(1)</script>`

func decode(t *testing.T, c Chart) map[string]any {
	t.Helper()
	if strings.Contains(c.Option, "<script") || strings.Contains(c.Option, "</script") {
		t.Fatalf("option carries raw markup: %s", c.Option)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(c.Option), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func seriesData(t *testing.T, m map[string]any, i int) []any {
	t.Helper()
	return m["series"].([]any)[i].(map[string]any)["data"].([]any)
}

func TestBarsAndLinesShowSuppressedFiguresAsGaps(t *testing.T) {
	nan := math.NaN()
	b, err := Bars("b", "l", []string{hostileName, "B"}, []Series{{Name: hostileName, Values: []float64{41.26, nan}}}, 100)
	if err != nil {
		t.Fatal(err)
	}
	m := decode(t, b)
	d := seriesData(t, m, 0)
	if d[0].(map[string]any)["value"] != 41.3 || d[1].(map[string]any)["value"] != "-" {
		t.Fatalf("bar data = %v", d)
	}
	if m["yAxis"].([]any)[0].(map[string]any)["max"] != 100.0 {
		t.Fatalf("y axis = %v", m["yAxis"])
	}
	l, err := Line("t", "l", []string{"2025-Q1", "2025-Q2", "2025-Q3"}, []Series{{Name: "A", Values: []float64{nan, 30, 35.55}}})
	if err != nil {
		t.Fatal(err)
	}
	ld := seriesData(t, decode(t, l), 0)
	if ld[0].(map[string]any)["value"] != "-" || ld[2].(map[string]any)["value"] != 35.6 {
		t.Fatalf("line data = %v", ld)
	}
	if _, err := Bars("x", "", []string{"A"}, []Series{{Name: "bad", Values: []float64{1, 2}}}, 0); err == nil {
		t.Fatal("a series of the wrong length was accepted")
	}
	if _, err := Line("x", "", []string{"A"}, []Series{{Name: "bad"}}); err == nil {
		t.Fatal("a line of the wrong length was accepted")
	}
}

func TestHeatmapCells(t *testing.T) {
	h, err := Heatmap("h", "l", []string{"P1", "P2"}, []string{hostileName, "Ward B"}, [][]float64{{10, 20}, {math.NaN(), 44.44}})
	if err != nil {
		t.Fatal(err)
	}
	m := decode(t, h)
	d := seriesData(t, m, 0)
	if len(d) != 4 {
		t.Fatalf("cells = %v", d)
	}
	cell := func(i int) []any { return d[i].(map[string]any)["value"].([]any) }
	if c := cell(2); c[0] != 0.0 || c[1] != 1.0 || c[2] != "-" {
		t.Fatalf("suppressed cell = %v", c)
	}
	if c := cell(3); c[2] != 44.4 {
		t.Fatalf("cell = %v", c)
	}
	if _, err := Heatmap("h", "", []string{"P1"}, []string{"A"}, [][]float64{{1, 2}}); err == nil {
		t.Fatal("a ragged row was accepted")
	}
	if _, err := Heatmap("h", "", []string{"P1"}, []string{"A", "B"}, [][]float64{{1}}); err == nil {
		t.Fatal("missing rows were accepted")
	}
}
