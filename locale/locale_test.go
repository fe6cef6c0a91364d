package locale

import (
	"strings"
	"testing"
	"time"
)

func load(t testing.TB) *Bundle {
	t.Helper()
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every message exists in both languages, and localizes without error in
// each: plural messages at 0, 1 and 2 (go-i18n v2.7 needs "one" and
// "other" for Vietnamese), the rest once.
func TestEveryMessageInBothLanguages(t *testing.T) {
	b := load(t)
	if m := b.Missing(); len(m) > 0 {
		t.Fatalf("missing: %v", m)
	}
	if len(b.MessageIDs(VI)) < 2 {
		t.Fatal("catalogue is empty")
	}
	plurals := 0
	for _, lang := range Languages {
		l := b.For(lang)
		for _, id := range b.MessageIDs(lang) {
			counts := []any{nil}
			if b.IsPlural(id) {
				counts = []any{0, 1, 2}
				plurals++
			}
			for _, n := range counts {
				var s string
				var err error
				if n == nil {
					s, err = localize(l, id, nil)
				} else {
					s, err = localize(l, id, n)
				}
				if err != nil || s == "" {
					t.Errorf("%s %s (count %v): %q, %v", lang, id, n, s, err)
				}
				if strings.Contains(s, "<no value>") {
					t.Errorf("%s %s: template data missing: %q", lang, id, s)
				}
			}
		}
	}
	t.Logf("%d messages, %d plural localizations checked", len(b.MessageIDs(VI)), plurals)
}

func TestMatch(t *testing.T) {
	b := load(t)
	tests := []struct{ query, cookie, accept, want string }{
		{"", "", "vi-VN,vi;q=0.9,en-US;q=0.8", VI},
		{"", "", "en-GB", EN},
		{"", "", "fr-FR", VI},
		{"", "", "", VI},
		{"en", "", "vi", EN},
		{"", "en", "vi", EN},
		{"vi", "en", "en", VI},
		{"xx-bad!", "", "en", EN},
		{"fr", "", "en", EN},
		{"", "", "garbage;;;", VI},
	}
	for _, tc := range tests {
		if got := b.Match(tc.query, tc.cookie, tc.accept); got != tc.want {
			t.Errorf("Match(%q,%q,%q) = %s, want %s", tc.query, tc.cookie, tc.accept, got, tc.want)
		}
	}
}

func TestFormats(t *testing.T) {
	b := load(t)
	vi, en := b.For(VI), b.For(EN)
	checks := []struct{ got, want string }{
		{vi.Int(68000), "68.000"},
		{en.Int(68000), "68,000"},
		{vi.Decimal(1234.5, 1), "1.234,5"},
		{en.Decimal(1234.5, 1), "1,234.5"},
		{vi.Percent(0.685, 1), "68,5%"},
		{vi.VND(1234567), "1.234.567 ₫"},
		{vi.Date(time.Date(2026, 11, 21, 18, 30, 0, 0, time.UTC)), "22/11/2026"}, // 01:30 next day in ICT
		{vi.DateTime(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)), "01/12/2026 09:00 (GMT+7)"},
		{vi.DateTime(time.Time{}), ""},
		{en.Date(time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC)), "Tuesday 1 December 2026"}, // 00:00 local
		{en.DateTime(time.Date(2026, 12, 1, 2, 5, 0, 0, time.UTC)), "Tuesday 1 December 2026, 09:05 (GMT+7)"},
		{vi.DateTimeSeconds(time.Date(2026, 12, 1, 2, 0, 7, 0, time.UTC)), "01/12/2026 09:00:07 (GMT+7)"},
		{en.DateTimeSeconds(time.Date(2026, 12, 1, 16, 5, 59, 0, time.UTC)), "Tuesday 1 December 2026, 23:05:59 (GMT+7)"},
		{vi.Day(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)), "Thứ Ba, 01/12/2026"},
		{en.Day(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)), "Tuesday 1 December 2026"},
		{vi.Span(time.Date(2026, 11, 23, 6, 30, 0, 0, time.UTC), time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC)), "Thứ Hai, 23/11/2026 13:30–14:30 (GMT+7)"},
		{en.Span(time.Date(2026, 11, 23, 6, 30, 0, 0, time.UTC), time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC)), "Monday 23 November 2026, 13:30–14:30 (GMT+7)"},
		{en.Date(time.Date(2027, 3, 9, 3, 0, 0, 0, time.UTC)), "Tuesday 9 March 2027"},
		{b.For("de").Lang, VI},
		{vi.T("no.such.message"), "no.such.message"},
	}
	for i, c := range checks {
		if c.got != c.want {
			t.Errorf("check %d: got %q, want %q", i, c.got, c.want)
		}
	}
}
