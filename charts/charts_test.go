package charts

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRadarIsPlainEscapedJSON(t *testing.T) {
	hostile := `</script><script>alert(1)</script>`
	c, err := Radar("radar", "label", []string{"A", hostile}, []Series{{Name: hostile, Values: []float64{12.345, 99.99}}, {Name: "B", Values: []float64{0, 100}}})
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
	if _, err := Radar("x", "", []string{"A"}, []Series{{Name: "bad", Values: []float64{1, 2}}}); err == nil {
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
