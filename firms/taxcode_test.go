package firms

import (
	"errors"
	"testing"
)

func TestParseTaxCode(t *testing.T) {
	tests := []struct {
		in   string
		want TaxCode
		err  error
		kind TaxCodeKind
	}{
		{"0100109106", "0100109106", nil, Enterprise},     // Viettel
		{"0300588569", "0300588569", nil, Enterprise},     // Vinamilk
		{"3702506346", "3702506346", nil, Enterprise},     // a VSIP firm
		{"0301441600", "0301441600", nil, Enterprise},     // r = 10, check digit 0
		{"3709000090", "3709000090", nil, Enterprise},     // synthetic, r = 10
		{" 0100.109.106 ", "0100109106", nil, Enterprise}, // spaces and dots removed
		{"0100109106-001", "0100109106-001", nil, Branch}, // branch
		{"0100109106001", "0100109106-001", nil, Branch},  // 13 digits without the dash
		{"0314409058-002", "0314409058-002", nil, Branch}, //
		{"079203001234", "079203001234", nil, PersonalID}, // household business personal ID
		{"", "", ErrTaxCodeRequired, 0},                   //
		{"   ", "", ErrTaxCodeRequired, 0},                //
		{"0100109107", "", ErrTaxCodeChecksum, 0},         // wrong check digit
		{"0100109100", "", ErrTaxCodeChecksum, 0},         //
		{"3700000000", "", ErrTaxCodeBody, 0},             // N3..N9 all zero
		{"0100109106-000", "", ErrTaxCodeBranch, 0},       // suffix 000
		{"0100109106-01", "", ErrTaxCodeFormat, 0},        // short suffix
		{"01001091", "", ErrTaxCodeFormat, 0},             // too short
		{"01001091060", "", ErrTaxCodeFormat, 0},          // 11 digits
		{"010010910A", "", ErrTaxCodeFormat, 0},           // a letter
		{"0100109106-00A", "", ErrTaxCodeFormat, 0},       //
		{"-001", "", ErrTaxCodeFormat, 0},                 //
		{"０１００１０９１０６", "", ErrTaxCodeFormat, 0},           // full-width digits are not ASCII digits
		{"999203001234", "", ErrPersonalID, 0},            // no such province of birth
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseTaxCode(tc.in)
			if !errors.Is(err, tc.err) {
				t.Fatalf("ParseTaxCode(%q) error = %v, want %v", tc.in, err, tc.err)
			}
			if got != tc.want {
				t.Fatalf("ParseTaxCode(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if tc.err == nil && got.Kind() != tc.kind {
				t.Fatalf("kind = %v, want %v", got.Kind(), tc.kind)
			}
		})
	}
}

// A body whose weighted sum is 0 mod 11 has no valid code: none of its ten
// possible check digits may pass.
func TestParseTaxCodeRejectsBodiesWithRemainderZero(t *testing.T) {
	found := 0
	for n := 370900000; n < 370900200; n++ {
		body := itoa9(n)
		if _, ok := CheckDigit(body); ok {
			continue
		}
		found++
		for d := byte('0'); d <= '9'; d++ {
			if _, err := ParseTaxCode(body + string(d)); err == nil {
				t.Fatalf("%s%c accepted, but its body has remainder 0", body, d)
			}
		}
	}
	if found == 0 {
		t.Fatal("no remainder-0 body in the range: the test checked nothing")
	}
}

func TestTaxCodeParent(t *testing.T) {
	if got := TaxCode("0100109106-001").Parent(); got != "0100109106" {
		t.Fatalf("Parent = %q", got)
	}
	if got := TaxCode("0100109106").Parent(); got != "0100109106" {
		t.Fatalf("Parent = %q", got)
	}
}

func itoa9(n int) string {
	b := []byte("000000000")
	for i := 8; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}

func FuzzParseTaxCode(f *testing.F) {
	for _, s := range []string{"0100109106", "0100109106-001", "079203001234", "", "3709000090", "01.00 109106", "-", "0100109106-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tc, err := ParseTaxCode(s)
		if err != nil {
			if _, ok := err.(Problem); !ok {
				t.Fatalf("error %T is not a Problem", err)
			}
			return
		}
		// A parsed code is canonical: parsing it again gives itself.
		again, err := ParseTaxCode(string(tc))
		if err != nil || again != tc {
			t.Fatalf("ParseTaxCode(%q) = %q, reparse = %q, %v", s, tc, again, err)
		}
		if n := len(tc); n != 10 && n != 12 && n != 14 {
			t.Fatalf("canonical length %d for %q", n, tc)
		}
	})
}
