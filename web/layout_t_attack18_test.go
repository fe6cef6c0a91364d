package web

import (
	"strings"
	"testing"

	"dxready/locale"
)

// The kept messages are bounded in count (4,096 a language), but a message
// whose argument comes from the address (the province page's quarter=,
// shown back as given, uncut; an address may be 64 kB) was kept whole, key
// and text: 4,096 such requests kept ~0.5 GB a language. A message given a
// long string is still T's, and is not kept.
func TestAttack18KeptMessagesDoNotKeepLongArguments(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range locale.Languages {
		k := newKeptMessages(b, l)
		for i := range 8 {
			raw := strings.Repeat(string(rune('a'+i)), 60<<10)
			id := "page.center_province.quarter_ignored"
			if got, want := k.t(id, "Quarter", raw), b.For(l).T(id, "Quarter", raw); got != want {
				t.Fatalf("%s: kept %d bytes, T %d", l, len(got), len(want))
			}
		}
		kept := 0
		for key, v := range k.kept {
			kept += len(key) + len(v)
		}
		if kept > 8<<10 {
			t.Errorf("%s: 8 messages of a 60 kB argument keep %d bytes", l, kept)
		}
	}
}

// A new account's first password is shown once, on the page that creates
// it (an advisor, an association's lead): the message that shows it is
// never kept, so the password does not stay in memory among the kept
// messages until 4,096 others push it out.
func TestAttack18KeptMessagesNeverKeepAPassword(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	const pass = "mat-khau-dau-tien-7Qz"
	for _, l := range locale.Languages {
		k := newKeptMessages(b, l)
		for _, id := range []string{"page.admin_advisors.created", "page.admin_assoc.new_lead"} {
			if got, want := k.t(id, "Email", "moi@example.vn", "Password", pass), b.For(l).T(id, "Email", "moi@example.vn", "Password", pass); got != want || !strings.Contains(got, pass) {
				t.Fatalf("%s %s: %q, T %q", l, id, got, want)
			}
		}
		for key, v := range k.kept {
			if strings.Contains(key, pass) || strings.Contains(v, pass) {
				t.Errorf("%s: a password is kept: %q", l, key)
			}
		}
		k.t("page.assessment_review.unanswered", "Count", 3) // the cache still keeps other messages
		if len(k.kept) != 1 {
			t.Errorf("%s: %d messages kept, want the one without a password", l, len(k.kept))
		}
	}
}
