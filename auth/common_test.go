package auth

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The attacker's first guesses are refused, whatever their case or the
// spaces around them; a long phrase of one's own is not.
func TestCommonPasswordsAreRefused(t *testing.T) {
	for _, tc := range []struct {
		pw   string
		want error
	}{
		{"matkhau123", ErrPasswordCommon},
		{"MatKhau123", ErrPasswordCommon},
		{"anhyeuem123", ErrPasswordCommon},
		{"123456789a", ErrPasswordCommon},
		{"password123", ErrPasswordCommon},
		{"qwertyuiop", ErrPasswordCommon},
		{" 1234567890 ", ErrPasswordCommon},
		{"iloveyou2025", ErrPasswordCommon}, // a top-600 word with a year
		{"mật khẩu thử nghiệm", nil},
		{"correct horse battery staple", nil},
		{"matkhau12", ErrPasswordShort}, // too short comes first
	} {
		t.Run(tc.pw, func(t *testing.T) {
			if err := CheckPassword(tc.pw, tc.pw); err != tc.want {
				t.Fatalf("CheckPassword(%q) = %v, want %v", tc.pw, err, tc.want)
			}
		})
	}
}

// The embedded list holds a few thousand entries, each one the length rule
// alone would let through, in lower case, so the lookup (lower-cased) can
// find every one.
func TestCommonPasswordListShape(t *testing.T) {
	if n := CommonPasswordCount(); n < 3000 || n > 10000 {
		t.Fatalf("%d common passwords", n)
	}
	for line := range strings.Lines(commonPasswords) {
		line = strings.TrimRight(line, "\n")
		if strings.HasPrefix(line, "#") {
			continue
		}
		if utf8.RuneCountInString(line) < MinPasswordLen || line != strings.ToLower(strings.TrimSpace(line)) {
			t.Errorf("entry %q: shorter than %d, or not lower case and trimmed", line, MinPasswordLen)
		}
	}
}

func TestLinkAllowed(t *testing.T) {
	for _, tc := range []struct {
		name      string
		sinceLast time.Duration
		today     int
		want      bool
	}{
		{"first ever", -1, 0, true},
		{"one a minute ago", time.Minute, 1, false},
		{"one just under the gap ago", LinkGap - time.Second, 1, false},
		{"one a gap ago", LinkGap, 1, true},
		{"the day's last", time.Hour, LinksPerDay - 1, true},
		{"over the day's count", time.Hour, LinksPerDay, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := LinkAllowed(tc.sinceLast, tc.today); got != tc.want {
				t.Fatalf("LinkAllowed(%v, %d) = %v", tc.sinceLast, tc.today, got)
			}
		})
	}
	if LinkVerify.TTL() != 24*time.Hour || LinkReset.TTL() != time.Hour {
		t.Fatal("link lifetimes changed")
	}
}
