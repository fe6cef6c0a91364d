package charts

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// hostile are names and locale words that try to end the page's script or
// attribute, forge the frame's hole marks, or are not valid UTF-8.
var hostile = []string{"</script><script>alert(1)</script>", `" onload="x`, "a & b > c", "\u2028\u2029", `{"hole0":0}`,
	`"},{"hole-1":0}`, "\x00hole0", "\xff\xfe", "Trung bình: ngành Chế biến gỗ", ""}

// extremeValue is a value whose JSON is easy to get wrong: tiny and huge
// (json's exponent form), -0 after rounding, infinities (json.Marshal's
// error), NaN (a gap) and ordinary scores.
func extremeValue(rng *rand.Rand) float64 {
	vs := []float64{1e-7, -1e-7, 5e-324, 1e21, -1e21, 9.99e20, 1e300, -0.04, math.Copysign(0, -1), 0.05, 0.15, 99.95,
		math.Inf(1), math.Inf(-1), math.NaN()}
	if rng.IntN(3) == 0 {
		return vs[rng.IntN(len(vs))]
	}
	return (rng.Float64() - 0.2) * math.Pow(10, float64(rng.IntN(25)-8))
}

// The chart written from the frame's pieces is the chart the frame
// marshaled whole before, byte for byte (and error for error), for random
// axes and names, hostile names and locales, and extreme values; and the
// option keeps json.Marshal's escaping: no <, > or & reaches the page.
func TestRadarFrameWrittenIsMarshaled(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 12))
	written, errs := 0, 0
	for range 400 {
		axes, series := randomRadar(rng)
		for i := range series {
			if rng.IntN(3) == 0 {
				series[i].Name += hostile[rng.IntN(len(hostile))]
			}
			for j := range series[i].Values {
				if rng.IntN(3) == 0 {
					series[i].Values[j] = extremeValue(rng)
				}
			}
		}
		loc := Locale{Decimal: hostile[rng.IntN(len(hostile))], Group: ".", Gap: hostile[rng.IntN(len(hostile))]}
		f, err := NewRadarFrame(axes, names(series))
		if err != nil {
			t.Fatal(err)
		}
		if f.pieces != nil {
			written++
		}
		got, gerr := f.Chart("radar", "nhãn", loc, series)
		want, werr := f.marshaled("radar", "nhãn", loc, series)
		if got != want || (gerr == nil) != (werr == nil) {
			t.Fatalf("names %q values %v locale %+v:\nwritten %+v (%v)\nmarshaled %+v (%v)", names(series), series, loc, got, gerr, want, werr)
		}
		if gerr != nil {
			errs++
		}
		if strings.ContainsAny(got.Option, "<>&") || strings.Contains(got.Option, "\u2028") {
			t.Fatalf("option not escaped: %s", got.Option)
		}
	}
	if written < 390 || errs == 0 {
		t.Fatalf("%d of 400 frames written from pieces, %d charts refused (an infinite value): the test lost its cases", written, errs)
	}
}

func BenchmarkRadarFrameChart(b *testing.B) {
	axes := []string{"Khách hàng", "Chiến lược", "Hạ tầng và công nghệ", "Vận hành", "Văn hoá doanh nghiệp", "Dữ liệu và tài sản thông tin"}
	series := []Series{{Name: "Doanh nghiệp của bạn", Values: []float64{62.5, 48.1, 70, 55.55, 33.3, 81}},
		{Name: "Trung bình: Hiệp hội Gỗ thử", Values: []float64{50, 51.2, 60.4, math.NaN(), 40, 66.6}},
		{Name: "Trung bình: ngành Chế biến gỗ", Values: []float64{45.3, 47, 58.9, 52, 41.1, 61}}}
	f, err := NewRadarFrame(axes, names(series))
	if err != nil {
		b.Fatal(err)
	}
	loc := Locale{Decimal: ",", Group: ".", Gap: "—"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Chart("radar", "Biểu đồ", loc, series); err != nil {
			b.Fatal(err)
		}
	}
}
