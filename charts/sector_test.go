package charts

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

const hostileName = `</script><script>alert(1)</script>`

// vi is a Vietnamese page's Locale, as web builds it.
var vi = Locale{Decimal: ",", Group: ".", Gap: "dưới 5 doanh nghiệp"}

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
	b, err := Bars("b", "l", vi, []string{hostileName, "B"}, []Series{{Name: hostileName, Values: []float64{41.26, nan}}}, 100)
	if err != nil {
		t.Fatal(err)
	}
	m := decode(t, b)
	d := seriesData(t, m, 0)
	if d[0].(map[string]any)["value"] != 41.3 || d[1].(map[string]any)["value"] != "-" {
		t.Fatalf("bar data = %v", d)
	}
	// Horizontal bars: the names down the side, top first, the scores across.
	if x := m["xAxis"].([]any)[0].(map[string]any); x["max"] != 100.0 || x["type"] != "value" {
		t.Fatalf("x axis = %v", x)
	}
	if y := m["yAxis"].([]any)[0].(map[string]any); y["type"] != "category" || y["inverse"] != true || y["data"].([]any)[0] != hostileName {
		t.Fatalf("y axis = %v", y)
	}
	l, err := Line("t", "l", vi, []string{"2025-Q1", "2025-Q2", "2025-Q3"}, []Series{{Name: "A", Values: []float64{nan, 30, 35.55}}})
	if err != nil {
		t.Fatal(err)
	}
	ld := seriesData(t, decode(t, l), 0)
	if ld[0].(map[string]any)["value"] != "-" || ld[2].(map[string]any)["value"] != 35.6 {
		t.Fatalf("line data = %v", ld)
	}
	if _, err := Bars("x", "", vi, []string{"A"}, []Series{{Name: "bad", Values: []float64{1, 2}}}, 0); err == nil {
		t.Fatal("a series of the wrong length was accepted")
	}
	if _, err := Line("x", "", vi, []string{"A"}, []Series{{Name: "bad"}}); err == nil {
		t.Fatal("a line of the wrong length was accepted")
	}
}

func TestHeatmapCells(t *testing.T) {
	h, err := Heatmap("h", "l", vi, []string{"P1", "P2"}, []string{hostileName, "Ward B"}, [][]float64{{10, 20}, {math.NaN(), 44.44}})
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
	if _, err := Heatmap("h", "", vi, []string{"P1"}, []string{"A"}, [][]float64{{1, 2}}); err == nil {
		t.Fatal("a ragged row was accepted")
	}
	if _, err := Heatmap("h", "", vi, []string{"P1"}, []string{"A", "B"}, [][]float64{{1}}); err == nil {
		t.Fatal("missing rows were accepted")
	}
}

// A chart whose every figure is suppressed (NaN) is Empty: the page shows a
// message instead, and no option, so nothing of the group reaches it. One
// figure left makes it a chart again. Every builder follows the rule.
func TestChartWithNoFigureIsEmpty(t *testing.T) {
	nan := math.NaN()
	gaps := []Series{{Name: "A", Values: []float64{nan, nan}}, {Name: "B", Values: []float64{nan, nan}}}
	one := []Series{{Name: "A", Values: []float64{nan, nan}}, {Name: "B", Values: []float64{nan, 0}}}
	build := map[string]func([]Series) (Chart, error){
		"bars":  func(s []Series) (Chart, error) { return Bars("b", "l", vi, []string{"x", "y"}, s, 100) },
		"line":  func(s []Series) (Chart, error) { return Line("l", "l", vi, []string{"x", "y"}, s) },
		"radar": func(s []Series) (Chart, error) { return Radar("r", "l", vi, []string{"x", "y"}, s) },
		"heat": func(s []Series) (Chart, error) {
			return Heatmap("h", "l", vi, []string{"x", "y"}, []string{"A", "B"}, [][]float64{s[0].Values, s[1].Values})
		},
	}
	for name, b := range build {
		t.Run(name, func(t *testing.T) {
			c, err := b(gaps)
			if err != nil || !c.Empty || c.Option != "" || c.ID == "" || c.Label != "l" {
				t.Fatalf("all suppressed: %+v %v", c, err)
			}
			if c, err = b(one); err != nil || c.Empty || c.Option == "" {
				t.Fatalf("one figure (a zero) left: %+v %v", c, err)
			}
		})
	}
	if c, err := Heatmap("h", "l", vi, []string{"x"}, nil, nil); err != nil || !c.Empty {
		t.Fatalf("no groups at all: %+v %v", c, err)
	}
}

// The option carries the page's number format and the words for a gap,
// which charts.js reads (and removes before ECharts sees the option).
func TestOptionCarriesTheLocale(t *testing.T) {
	c, err := Bars("b", "l", vi, []string{"x"}, []Series{{Name: "A", Values: []float64{63.94}}}, 100)
	if err != nil {
		t.Fatal(err)
	}
	var opt struct {
		Dxready Locale `json:"dxready"`
	}
	if err := json.Unmarshal([]byte(c.Option), &opt); err != nil {
		t.Fatal(err)
	}
	if opt.Dxready != vi {
		t.Fatalf("locale in the option = %+v", opt.Dxready)
	}
}

// eyes13 §2.5: "Firms by level" read 0 · 0.5 · 1 · 1.5 firms. A count axis
// (max 0) ticks whole numbers only; a score axis keeps its own ticks.
func TestCountAxisTicksWholeNumbers(t *testing.T) {
	loc := Locale{Decimal: ".", Group: ","}
	counts, err := Bars("c", "Firms by level", loc, []string{"0", "1", "2"}, []Series{{Name: "Firms", Values: []float64{1, 3, 2}}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if x := decode(t, counts)["xAxis"].([]any)[0].(map[string]any); x["minInterval"] != 1.0 || x["type"] != "value" {
		t.Errorf("count axis %v", x)
	}
	scores, err := Bars("s", "Pillars", loc, []string{"a"}, []Series{{Name: "Score", Values: []float64{42.5}}}, 100)
	if err != nil {
		t.Fatal(err)
	}
	if x := decode(t, scores)["xAxis"].([]any)[0].(map[string]any); x["minInterval"] != nil || x["max"] != 100.0 {
		t.Errorf("score axis %v", x)
	}
}
