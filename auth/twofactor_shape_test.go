package auth

import (
	"testing"
	"time"
)

// Only what can be a code is a try: six digits (spaces and dashes
// dropped) or a recovery code's shape, in any case.
func TestCodeShapeProblem(t *testing.T) {
	for code, want := range map[string]Problem{
		"":             ErrCodeMissing,
		" - ":          ErrCodeMissing,
		"123456":       "",
		"123 456":      "",
		" 123-456 ":    "",
		"12345":        ErrCodeShape,
		"1234567":      ErrCodeShape,
		"12a456":       ErrCodeShape,
		"１２３４５６":       ErrCodeShape, // full-width digits are not typed by apps
		"K7M2Q X9FHD":  "",
		"k7m2q-x9fhd":  "",
		"k7m2q-x9fh":   ErrCodeShape,
		"k7m2q-x9fhdd": ErrCodeShape,
		"k0m2q-x9fhd":  ErrCodeShape, // 0 is not in the alphabet
	} {
		if got := CodeShapeProblem(code); got != want {
			t.Errorf("CodeShapeProblem(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestReenrolmentOpen(t *testing.T) {
	start := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	if !ReenrolmentOpen(start, start.Add(ReenrolmentTTL-time.Second)) || ReenrolmentOpen(start, start.Add(ReenrolmentTTL)) || ReenrolmentOpen(time.Time{}, start) {
		t.Fatal("ReenrolmentOpen")
	}
}
