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
