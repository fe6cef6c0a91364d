package auth

import (
	"bytes"
	"testing"
)

func TestMaskEmail(t *testing.T) {
	for in, want := range map[string]string{"nam@congty.vn": "n***@c***.vn", "đức@gỗ.com.vn": "đ***@g***.vn", "a@b": "a***@b***",
		"broken": "***", "@x.vn": "***"} {
		if got := MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}

// Codes have 8 digits, vary, and match only their claim and their digits.
func TestClaimCode(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		c := NewClaimCode()
		if len(c) != CodeDigits || NormalizeClaimCode(c) != c {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
	}
	if len(seen) < 195 {
		t.Fatalf("only %d different codes in 200", len(seen))
	}
	h := HashClaimCode(7, "12345678")
	if !CodeMatches(h, 7, "1234 5678") || !CodeMatches(h, 7, "1234-5678") {
		t.Fatal("a typed code with spaces or a dash does not match")
	}
	if CodeMatches(h, 8, "12345678") || CodeMatches(h, 7, "12345679") || CodeMatches(h, 7, "") {
		t.Fatal("a code matched another claim or other digits")
	}
	if bytes.Contains(h, []byte("12345678")) {
		t.Fatal("the hash holds the code")
	}
}
