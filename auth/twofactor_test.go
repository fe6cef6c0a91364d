package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// rfcSecret is RFC 6238's SHA-1 test key "12345678901234567890" in base32.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

// The codes are RFC 6238's (appendix B), cut to six digits.
func TestTOTPCodeMatchesRFC6238(t *testing.T) {
	for _, tc := range []struct {
		unix int64
		want string
	}{{59, "287082"}, {1111111109, "081804"}, {1234567890, "005924"}, {2000000000, "279037"}} {
		got, err := TOTPCode(rfcSecret, time.Unix(tc.unix, 0))
		if err != nil || got != tc.want {
			t.Errorf("code at %d = %q, %v; want %q", tc.unix, got, err, tc.want)
		}
	}
}

func TestCheckTOTP(t *testing.T) {
	now := time.Date(2026, 11, 22, 3, 0, 10, 0, time.UTC)
	step := TOTPStep(now)
	at := func(d int64) string {
		c, err := TOTPCode(rfcSecret, time.Unix((step+d)*30, 0))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	other, _ := TOTPCode(NewTOTPSecret(), now)
	for _, tc := range []struct {
		name, code string
		last       int64
		wantStep   int64
		wantErr    error
	}{
		{"current code", at(0), 0, step, nil},
		{"with a space, as apps show it", at(0)[:3] + " " + at(0)[3:], 0, step, nil},
		{"one step late (drift)", at(-1), 0, step - 1, nil},
		{"one step early (drift)", at(1), 0, step + 1, nil},
		{"two steps late", at(-2), 0, 0, ErrTOTPWrong},
		{"two steps early", at(2), 0, 0, ErrTOTPWrong},
		{"replayed: this step was used", at(0), step, 0, ErrCodeReplayed},
		{"replayed: a later step was used", at(-1), step, 0, ErrCodeReplayed},
		{"the previous step used, this one new", at(0), step - 1, step, nil},
		{"another secret's code", other, 0, 0, ErrTOTPWrong},
		{"empty", "  ", 0, 0, ErrCodeMissing},
		{"five digits", at(0)[:5], 0, 0, ErrTOTPWrong},
		{"seven digits", at(0) + "1", 0, 0, ErrTOTPWrong},
		{"letters", "abcdef", 0, 0, ErrTOTPWrong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "another secret's code" && other == at(0) {
				t.Skip("the random secret's code happens to match")
			}
			got, err := CheckTOTP(rfcSecret, tc.code, now, tc.last)
			if err != tc.wantErr || got != tc.wantStep {
				t.Fatalf("CheckTOTP(%q, last %d) = %d, %v; want %d, %v", tc.code, tc.last, got, err, tc.wantStep, tc.wantErr)
			}
		})
	}
}

func TestTwoFactorRules(t *testing.T) {
	for _, tc := range []struct {
		role                     Role
		enrolled                 bool
		offered, due, mayDisable bool
	}{
		{RoleAdmin, false, true, true, false},
		{RoleAdmin, true, true, false, false},
		{RoleLead, false, true, false, false},
		{RoleLead, true, true, false, true},
		{RoleAdvisor, false, true, false, false},
		{RoleAdvisor, true, true, false, true},
		{RoleFirm, false, false, false, false},
	} {
		u := &User{Role: tc.role, TwoFactor: tc.enrolled}
		if got := u.TwoFactorOffered(); got != tc.offered {
			t.Errorf("%s enrolled=%v: offered %v", tc.role, tc.enrolled, got)
		}
		if got := EnrolmentDue(u); got != tc.due {
			t.Errorf("%s enrolled=%v: enrolment due %v", tc.role, tc.enrolled, got)
		}
		if got := CanDisableTwoFactor(u); got != tc.mayDisable {
			t.Errorf("%s enrolled=%v: may disable %v", tc.role, tc.enrolled, got)
		}
	}
	if EnrolmentDue(nil) || CanDisableTwoFactor(nil) {
		t.Error("an anonymous visitor has nothing due and nothing to disable")
	}
}

func TestCodeFailuresExhausted(t *testing.T) {
	since := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		failures int
		after    time.Duration
		want     bool
	}{
		{MaxCodeFailures - 1, time.Minute, false},
		{MaxCodeFailures, time.Minute, true},
		{MaxCodeFailures + 5, CodeFailureWindow - time.Second, true},
		{MaxCodeFailures, CodeFailureWindow, false}, // the window has ended
	} {
		if got := CodeFailuresExhausted(tc.failures, since, since.Add(tc.after)); got != tc.want {
			t.Errorf("%d failures, %v later: %v, want %v", tc.failures, tc.after, got, tc.want)
		}
	}
}

// A try counts before its code is checked; the window opens at the first
// and ends CodeFailureWindow later; at the limit nothing more counts.
func TestCountCodeTry(t *testing.T) {
	since := time.Date(2026, 11, 22, 3, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		failures  int
		since     time.Time
		after     time.Duration
		want      int
		wantSince time.Time
		wantErr   error
	}{
		{"first ever", 0, time.Time{}, 0, 1, since, nil},
		{"in the window", 3, since, time.Hour, 4, since, nil},
		{"the last one", MaxCodeFailures - 1, since, time.Hour, MaxCodeFailures, since, nil},
		{"past the limit", MaxCodeFailures, since, time.Hour, MaxCodeFailures, since, ErrCodeTooMany},
		{"window ended", MaxCodeFailures, since, CodeFailureWindow, 1, since.Add(CodeFailureWindow), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := since.Add(tc.after)
			n, start, err := CountCodeTry(tc.failures, tc.since, now)
			if n != tc.want || !start.Equal(tc.wantSince) || err != tc.wantErr {
				t.Fatalf("CountCodeTry(%d) = %d, %v, %v; want %d, %v, %v", tc.failures, n, start, err, tc.want, tc.wantSince, tc.wantErr)
			}
		})
	}
}

// A replayed code is told as a wrong one, so a guesser cannot learn that a
// guess was the code of a recent step.
func TestCodeProblemHidesReplay(t *testing.T) {
	if p, replayed, ok := CodeProblem(ErrCodeReplayed); p != ErrTOTPWrong || !replayed || !ok {
		t.Fatalf("replayed: %q %v %v", p, replayed, ok)
	}
	if p, replayed, ok := CodeProblem(ErrCodeTooMany); p != ErrCodeTooMany || replayed || !ok {
		t.Fatalf("too many: %q %v %v", p, replayed, ok)
	}
	if _, _, ok := CodeProblem(errors.New("disk")); ok {
		t.Fatal("another error taken for a problem")
	}
}

func TestRecoveryCodes(t *testing.T) {
	codes := NewRecoveryCodes()
	seen := map[string]bool{}
	for _, c := range codes {
		n, ok := NormalizeRecoveryCode(c)
		if !ok || n != c || len(c) != 11 || c[5] != '-' || seen[c] {
			t.Fatalf("code %q: normalized %q, %v (or repeated)", c, n, ok)
		}
		seen[c] = true
	}
	if len(codes) != RecoveryCodeCount {
		t.Fatalf("%d codes", len(codes))
	}
	for in, want := range map[string]string{" K7M2Q X9FHD ": "k7m2q-x9fhd", "k7m2qx9fhd": "k7m2q-x9fhd", "k7m2q-x9fh": "", "k7m2q-x9fh0": "", "123456": ""} {
		got, ok := NormalizeRecoveryCode(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeRecoveryCode(%q) = %q, %v", in, got, ok)
		}
	}
}

func TestSecretShape(t *testing.T) {
	s := NewTOTPSecret()
	if len(s) != 32 || s == NewTOTPSecret() {
		t.Fatalf("secret %q", s)
	}
	g := GroupSecret(s)
	if len(strings.Fields(g)) != 8 || strings.ReplaceAll(g, " ", "") != s {
		t.Fatalf("grouped %q", g)
	}
}
