package firms

import (
	"testing"
)

func TestParseBillionVND(t *testing.T) {
	cases := []struct {
		in, lang string
		want     int64
		problem  Problem
	}{
		{"12,5", "vi", 12_500_000_000, ""},
		{"12.5", "en", 12_500_000_000, ""},
		{" 3 ", "vi", 3 * billion, ""},
		{"0", "en", 0, ""},
		{"0,000000001", "vi", 1, ""},
		{"1.500", "vi", 1500 * billion, ""}, // grouped thousands in Vietnamese
		{"1,500", "en", 1500 * billion, ""},
		{"1 500,25", "vi", 1500_250_000_000, ""},
		{"1\u00a0500.25", "en", 1500_250_000_000, ""},
		{"007,5", "vi", 7_500_000_000, ""},
		{"1,0000000004", "vi", billion, ""},            // many decimals: to the nearest đồng
		{"1,0000000005", "vi", billion + 1, ""},        // half up
		{"0,99999999999999", "vi", billion, ""},        // rounding carries into the whole part
		{"1000000", "en", MaxBillions * billion, ""},   // the ceiling itself
		{"1.000.000", "vi", MaxBillions * billion, ""}, // and grouped
		// The attacks and the slips.
		{"", "vi", 0, ErrBillionFormat},
		{"abc", "vi", 0, ErrBillionFormat},
		{"12 tỷ", "vi", 0, ErrBillionFormat},
		{"1e9", "en", 0, ErrBillionFormat},
		{"1,5e9", "vi", 0, ErrBillionFormat},
		{"12,5,3", "vi", 0, ErrBillionFormat},
		{"12,5,3", "en", 0, ErrBillionFormat},
		{"12.5.3", "en", 0, ErrBillionFormat},
		{"12.5", "vi", 0, ErrBillionFormat}, // an English decimal point where Vietnamese groups thousands
		{"12,5", "en", 0, ErrBillionFormat},
		{"12,", "vi", 0, ErrBillionFormat},
		{",5", "vi", 0, ErrBillionFormat},
		{"1.23", "vi", 0, ErrBillionFormat},
		// A decimal written with the other language's mark is no grouping:
		// "0.704" in Vietnamese was read as 704 billion (a walkthrough's finding).
		{"0.704", "vi", 0, ErrBillionFormat},
		{"0,704", "en", 0, ErrBillionFormat},
		{"0.704", "en", 704_000_000, ""},
		{"0,704", "vi", 704_000_000, ""},
		{"012.500", "vi", 0, ErrBillionFormat},
		{"+5", "en", 0, ErrBillionFormat},
		{"0x10", "en", 0, ErrBillionFormat},
		{"５", "vi", 0, ErrBillionFormat}, // full-width digit
		{"-5", "vi", 0, ErrBillionRange},
		{"-0,5", "vi", 0, ErrBillionRange},
		{"-abc", "vi", 0, ErrBillionFormat},
		{"1000000,000000001", "vi", 0, ErrBillionRange},
		{"1000001", "en", 0, ErrBillionRange},
		{"99999999999999999999999999", "en", 0, ErrBillionRange}, // would overflow int64
		{"9223372036.854775807", "en", 0, ErrBillionRange},
	}
	for _, tc := range cases {
		t.Run(tc.lang+" "+tc.in, func(t *testing.T) {
			got, p := ParseBillionVND(tc.in, tc.lang)
			if got != tc.want || p != tc.problem {
				t.Fatalf("ParseBillionVND(%q, %s) = %d %q, want %d %q", tc.in, tc.lang, got, p, tc.want, tc.problem)
			}
		})
	}
}

// What the form shows is what it reads back, in both languages.
func TestFormatBillionVNDRoundTrips(t *testing.T) {
	for _, vnd := range []int64{0, 1, 999_999_999, billion, 12_500_000_000, 3_250_000_001, MaxBillions * billion} {
		for _, lang := range []string{"vi", "en"} {
			s := FormatBillionVND(vnd, lang)
			if back, p := ParseBillionVND(s, lang); back != vnd || p != "" {
				t.Errorf("%d in %s: %q reads back as %d %q", vnd, lang, s, back, p)
			}
		}
	}
	if got := FormatBillionVND(12_500_000_000, "vi"); got != "12,5" {
		t.Errorf("vi: %q", got)
	}
	if got := FormatBillionVND(12_500_000_000, "en"); got != "12.5" {
		t.Errorf("en: %q", got)
	}
}
