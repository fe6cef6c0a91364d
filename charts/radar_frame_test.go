package charts

import (
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// randomRadar is axes and series as the result page draws them, and worse:
// long and HTML-special names, gaps, negative, huge and many-decimal values.
func randomRadar(rng *rand.Rand) (axes []string, series []Series) {
	words := []string{"Chiến", "lược", "<b>", "&amp;", "Khách hàng", "\"số\"", "dữ liệu", "Vận hành và chuỗi cung ứng", "x", "AI"}
	name := func() string {
		var parts []string
		for range 1 + rng.IntN(8) {
			parts = append(parts, words[rng.IntN(len(words))])
		}
		return strings.Join(parts, " ")
	}
	for range 1 + rng.IntN(8) {
		axes = append(axes, name())
	}
	for range rng.IntN(5) {
		s := Series{Name: name(), Values: make([]float64, len(axes))}
		for i := range s.Values {
			switch rng.IntN(6) {
			case 0:
				s.Values[i] = math.NaN()
			case 1:
				s.Values[i] = -rng.Float64() * 0.1
			case 2:
				s.Values[i] = rng.Float64() * 1e9
			default:
				s.Values[i] = rng.Float64() * 100
			}
		}
		series = append(series, s)
	}
	return axes, series
}

func names(series []Series) []string {
	var out []string
	for _, s := range series {
		out = append(out, s.Name)
	}
	return out
}

// A frame's chart is Radar's, byte for byte, for random axes, names and
// values, each frame used for several charts (it must not keep one
// chart's values into the next).
func TestRadarFrameChartIsRadar(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 14))
	loc := Locale{Decimal: ",", Group: ".", Gap: "—"}
	charts, empty := 0, 0
	for range 300 {
		axes, series := randomRadar(rng)
		f, err := NewRadarFrame(axes, names(series))
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			want, werr := Radar("radar", "nhãn", loc, axes, series)
			got, gerr := f.Chart("radar", "nhãn", loc, series)
			if got != want || (werr == nil) != (gerr == nil) {
				t.Fatalf("axes %q series %+v:\nframe %+v (%v)\nradar %+v (%v)", axes, series, got, gerr, want, werr)
			}
			charts++
			if got.Empty {
				empty++
			}
			_, again := randomRadar(rng)
			for i := range series { // new values for the same names
				for j := range series[i].Values {
					if j < len(again) && len(again[j].Values) > 0 {
						series[i].Values[j] = again[j].Values[0]
					} else {
						series[i].Values[j] = rng.Float64() * 100
					}
				}
			}
		}
	}
	if empty == 0 || empty == charts {
		t.Fatalf("%d of %d charts empty: the test lost its cases", empty, charts)
	}
}

// A frame refuses series that are not its own: other names, another
// number of series or of values.
func TestRadarFrameRefusesOtherSeries(t *testing.T) {
	axes := []string{"A", "B"}
	f, err := NewRadarFrame(axes, []string{"firm", "group"})
	if err != nil {
		t.Fatal(err)
	}
	for _, series := range [][]Series{
		{{Name: "firm", Values: []float64{1, 2}}},
		{{Name: "firm", Values: []float64{1, 2}}, {Name: "other", Values: []float64{1, 2}}},
		{{Name: "firm", Values: []float64{1, 2}}, {Name: "group", Values: []float64{1}}},
	} {
		if c, err := f.Chart("radar", "", Locale{}, series); err == nil {
			t.Fatalf("series %+v drew %+v", series, c)
		}
	}
}

// Goroutines share a frame: each gets its own values (run with -race).
func TestRadarFrameIsShared(t *testing.T) {
	axes := []string{"A", "B", "C"}
	f, err := NewRadarFrame(axes, []string{"firm"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				s := []Series{{Name: "firm", Values: []float64{float64(g), float64(i), 1}}}
				got, err := f.Chart("radar", "", Locale{}, s)
				want, _ := Radar("radar", "", Locale{}, axes, s)
				if err != nil || got != want {
					t.Errorf("goroutine %d, chart %d: %+v (%v), want %+v", g, i, got, err, want)
				}
			}
		})
	}
	wg.Wait()
}
