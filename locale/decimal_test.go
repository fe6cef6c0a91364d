package locale

import (
	"math"
	"math/rand/v2"
	"testing"
)

// decimalCases are values where formatting goes wrong if it is done by
// hand carelessly: signs and zeros, ties, carries into a new group, the
// smallest and largest floats, not-a-number and infinities.
var decimalCases = []float64{0, math.Copysign(0, -1), -0.04, -0.4, -0.5, 0.5, 1.5, 2.5, 9.995, 999.95, 999999.5, -999.96,
	1e-300, -5e-324, 1e15, 1e21, 123456789.125, math.MaxFloat64, -math.MaxFloat64, math.NaN(), math.Inf(1), math.Inf(-1)}

// randomDecimal is a value of any size and sign, often with many decimals.
func randomDecimal(rng *rand.Rand) float64 {
	switch rng.IntN(6) {
	case 0:
		return float64(rng.Int64N(2_000_000_000) - 1_000_000_000) // whole
	case 1:
		return (rng.Float64() - 0.5) * 200 // a score or a share, signed
	case 2:
		return math.Round((rng.Float64()-0.5)*2e6) / 100 // cents: ties at .xx5 after scaling
	case 3:
		return math.Ldexp(rng.Float64()-0.5, rng.IntN(2100)-1075) // any exponent
	case 4:
		return math.Float64frombits(rng.Uint64()) // any bits, NaN and infinities included
	}
	return (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(30)))
}

// Decimal writes what x/text's printer writes, in both languages, for
// every digits from 0 to 20 (and the printer's own for negative digits),
// on the hard cases and 200,000 random values: negative, zero, huge, tiny,
// with many decimals.
func TestDecimalIsThePrinters(t *testing.T) {
	b := load(t)
	rng := rand.New(rand.NewPCG(14, 12))
	check := func(l *Localizer, f float64, digits int) {
		t.Helper()
		if got, want := l.Decimal(f, digits), l.printedDecimal(f, digits); got != want {
			t.Fatalf("%s: Decimal(%v (bits %#x), %d) = %q, the printer %q", l.Lang, f, math.Float64bits(f), digits, got, want)
		}
	}
	for _, lang := range Languages {
		l := b.For(lang)
		for _, f := range decimalCases {
			for digits := -1; digits <= 20; digits++ {
				check(l, f, digits)
			}
		}
		for range 100_000 {
			check(l, randomDecimal(rng), rng.IntN(8)+rng.IntN(2)*rng.IntN(14))
		}
	}
	if d, g := b.For(VI).Separators(); d != "," || g != "." {
		t.Errorf("vi marks %q %q", d, g)
	}
	if d, g := b.For(EN).Separators(); d != "." || g != "," {
		t.Errorf("en marks %q %q", d, g)
	}
}

func BenchmarkDecimal(b *testing.B) {
	vi := load(b).For(VI)
	values := []float64{73.4, 1234567.891, -0.04, 5, 68.52}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = vi.Decimal(values[i%len(values)], 1)
		i++
	}
}
