package charts

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestRadarIsPlainEscapedJSON(t *testing.T) {
	hostile := `</script><script>alert(1)</script>`
	c, err := Radar("radar", "label", vi, []string{"A", hostile}, []Series{{Name: hostile, Values: []float64{12.345, 99.99}}, {Name: "B", Values: []float64{0, 100}}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(c.Option, "<script") || strings.Contains(c.Option, "</script") {
		t.Fatalf("option carries raw markup: %s", c.Option)
	}
	var opt map[string]any
	if err := json.Unmarshal([]byte(c.Option), &opt); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Option, `"radius":"58%"`) {
		t.Fatalf("radar radius not set: %s", c.Option)
	}
	series := opt["series"].([]any)
	if len(series) != 2 {
		t.Fatalf("series = %v", series)
	}
	first := series[0].(map[string]any)
	if first["name"] != hostile || first["type"] != "radar" {
		t.Fatalf("first series = %v", first)
	}
	val := first["data"].([]any)[0].(map[string]any)["value"].([]any)
	if val[0].(float64) != 12.3 || val[1].(float64) != 100 {
		t.Fatalf("values = %v", val)
	}
	if _, err := Radar("x", "", vi, []string{"A"}, []Series{{Name: "bad", Values: []float64{1, 2}}}); err == nil {
		t.Fatal("a series of the wrong length was accepted")
	}
}

func TestWrapWords(t *testing.T) {
	tests := map[string]string{
		"Hạ tầng và công nghệ số":      "Hạ tầng và\ncông nghệ số",
		"Chiến lược":                   "Chiến lược",
		"Dữ liệu và tài sản thông tin": "Dữ liệu và tài\nsản thông tin",
		"Supercalifragilistic word":    "Supercalifragilistic\nword",
	}
	for in, want := range tests {
		if got := wrapWords(in, 14); got != want {
			t.Errorf("wrapWords(%q) = %q, want %q", in, got, want)
		}
	}
}

// A long series name wraps (tooltips are drawn on the canvas, which they
// cannot overflow); its words are all kept.
func TestRadarWrapsLongSeriesNames(t *testing.T) {
	long := "Trung bình: ngành Sản xuất sản phẩm điện tử, máy vi tính và sản phẩm quang học"
	c, err := Radar("radar", "label", vi, []string{"A", "B"}, []Series{{Name: long, Values: []float64{1, 2}}})
	if err != nil {
		t.Fatal(err)
	}
	var opt struct {
		Series []struct {
			Name string
			Data []struct{ Name string }
		}
	}
	if err := json.Unmarshal([]byte(c.Option), &opt); err != nil {
		t.Fatal(err)
	}
	name := opt.Series[0].Data[0].Name
	if name != opt.Series[0].Name || strings.ReplaceAll(name, "\n", " ") != long || !strings.Contains(name, "\n") {
		t.Fatalf("names %q / %q", opt.Series[0].Name, name)
	}
	for _, line := range strings.Split(name, "\n") {
		if n := len([]rune(line)); n > seriesNameWidth {
			t.Errorf("line %q has %d characters", line, n)
		}
	}
}

// A suppressed pillar of a comparison group is a gap on the radar, not a
// huge negative number.
func TestRadarSuppressedPillarIsAGap(t *testing.T) {
	c, err := Radar("r", "l", vi, []string{"A", "B"}, []Series{{Name: "firm", Values: []float64{50, 60}}, {Name: "group", Values: []float64{math.NaN(), 70.04}}})
	if err != nil {
		t.Fatal(err)
	}
	var opt struct {
		Series []struct{ Data []struct{ Value []any } }
	}
	if err := json.Unmarshal([]byte(c.Option), &opt); err != nil {
		t.Fatal(err)
	}
	if v := opt.Series[1].Data[0].Value; v[0] != "-" || v[1] != 70.0 {
		t.Fatalf("group values = %v", v)
	}
}
