package firms

import (
	"strings"
	"testing"
)

func TestParseMemberList(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		codes []string
		errs  []string // "line:problem"
	}{
		{"bare codes", "3709000012\n3709000037\n", []string{"3709000012", "3709000037"}, nil},
		{"vietnamese header, second column, BOM, repeats and blanks", "\uFEFFTên,Mã số thuế\nA,3709000012\n\n,\nB,3709000012\nC,3709000044\n",
			[]string{"3709000012", "3709000044"}, nil},
		{"dotted and spaced codes are normalised", "mst\n 3709.000.012 \n", []string{"3709000012"}, nil},
		{"every bad line is reported", "tax_code\n3709000013\nabc\n3709000012\n", nil, []string{"2:error.taxcode.checksum", "3:error.taxcode.format"}},
		{"empty", "tax_code\n", nil, []string{"1:error.import.empty"}},
		{"broken quotes", "tax_code\n\"3709000012\n", nil, []string{"2:error.import.syntax"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lines, errs := ParseMemberList(strings.NewReader(tc.in))
			var got []string
			for _, e := range errs {
				got = append(got, strings.Join([]string{itoa(e.Line), string(e.Problem)}, ":"))
			}
			if strings.Join(got, ",") != strings.Join(tc.errs, ",") {
				t.Fatalf("errors %v, want %v", got, tc.errs)
			}
			if tc.errs != nil {
				return
			}
			var codes []string
			for _, l := range lines {
				codes = append(codes, string(l.TaxCode))
			}
			if strings.Join(codes, ",") != strings.Join(tc.codes, ",") {
				t.Fatalf("codes %v, want %v", codes, tc.codes)
			}
		})
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
