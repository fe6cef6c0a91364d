package plaintext

import (
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		p              Problem
	}{
		{"plain", "Công ty TNHH Gỗ Đức", "Công ty TNHH Gỗ Đức", ""},
		{"trimmed and collapsed", "  Gỗ \t Đức\r\n Thành ", "Gỗ Đức Thành", ""},
		{"non-breaking space", "Gỗ\u00a0Đức", "Gỗ Đức", ""},
		{"decomposed accents become NFC", "Đu\u031bc", "Đ\u01b0c", ""},
		{"byte-order mark dropped", "\uFEFFGỗ", "Gỗ", ""},
		{"NUL refused", "Gỗ\x00Đức", "GỗĐức", ErrControl},
		{"ESC sequence refused", "\x1b[31mRed", "[31mRed", ErrControl},
		{"DEL refused", "a\x7fb", "ab", ErrControl},
		{"C1 control refused", "a\u0090b", "ab", ErrControl},
		{"lone 0xff refused", "Gỗ\xffĐức", "GỗĐức", ErrEncoding},
		{"truncated UTF-8 refused", "Gỗ\xe1\xbb", "Gỗ", ErrEncoding},
		{"right-to-left override refused", "invoice\u202Efdp.exe", "invoicefdp.exe", ErrBidi},
		{"isolate refused", "a\u2066b\u2069", "ab", ErrBidi},
		{"encoding reported first", "\x00\xff", "", ErrEncoding},
		{"zero-width joiner kept (emoji)", "👩\u200d💻", "👩\u200d💻", ""},
		{"formula text is text", `=HYPERLINK("x")`, `=HYPERLINK("x")`, ""},
		{"empty", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, p := Line(tc.in)
			if got != tc.want || p != tc.p {
				t.Errorf("Line(%q) = %q, %q; want %q, %q", tc.in, got, p, tc.want, tc.p)
			}
			if !utf8.ValidString(got) {
				t.Errorf("Line(%q) returned invalid UTF-8", tc.in)
			}
		})
	}
}

func TestBlock(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		p              Problem
	}{
		{"CRLF and CR become LF", "một\r\nhai\rba", "một\nhai\nba", ""},
		{"line and paragraph separators", "a\u2028b\u2029c", "a\nb\nc", ""},
		{"tabs become spaces, line ends trimmed", "\tmục 1  \n\tmục 2\t", "mục 1\n mục 2", ""},
		{"blank lines around dropped, inside kept", "\n\nđoạn 1\n\nđoạn 2\n\n", "đoạn 1\n\nđoạn 2", ""},
		{"NUL refused", "ghi chú\x00", "ghi chú", ErrControl},
		{"ESC refused", "\x1b[2Jxoá màn hình", "[2Jxoá màn hình", ErrControl},
		{"lone 0xff refused", "a\xff\nb", "a\nb", ErrEncoding},
		{"override refused", "a\u202Eb", "ab", ErrBidi},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, p := Block(tc.in)
			if got != tc.want || p != tc.p {
				t.Errorf("Block(%q) = %q, %q; want %q, %q", tc.in, got, p, tc.want, tc.p)
			}
		})
	}
	if Check("ok\r\n\ttext") != "" || Check("\x00") != ErrControl || Check("\xff") != ErrEncoding {
		t.Error("Check disagrees with Block")
	}
}

// Cleaning is idempotent: what Line or Block returns comes back unchanged
// and without a problem, so a form shown back with the cleaned text saves.
func TestCleanIsStable(t *testing.T) {
	for _, in := range []string{"  a\x00 b\xff\u202E c \r\n", "\x1b[31m\tđỏ\u0301\n\n", "\uFEFF\u00a0x"} {
		for name, f := range map[string]func(string) (string, Problem){"Line": Line, "Block": Block} {
			once, _ := f(in)
			twice, p := f(once)
			if twice != once || p != "" {
				t.Errorf("%s(%s(%q)) = %q, %q; want %q, no problem", name, name, in, twice, p, once)
			}
		}
	}
}
