package web

import (
	"fmt"
	"testing"

	"dxready/locale"
)

// A kept message is the message T gives for the same ID and arguments, in
// its language: across plural forms, digits, strings that look alike and
// arguments of other types, asked twice (the second time from the kept).
func TestKeptMessagesAreTheMessagesOfTheirArguments(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	var calls [][]any
	for n := range 60 {
		calls = append(calls, []any{"page.assessment.progress", "Answered", n, "Total", 42},
			[]any{"page.assessment.progress", "Answered", 42, "Total", n},
			[]any{"page.assessment_review.unanswered", "Count", n},
			[]any{"page.assessment_review.unanswered", "Count", int64(n * 1000)},
			[]any{"page.assessment_review.unanswered", "Count", fmt.Sprint(n * 1000)},
			[]any{"page.assessment.step_heading", "Step", n % 7, "Steps", 6, "Pillar", fmt.Sprintf("P\x00%d", n)},
			[]any{"page.assessment.step_heading", "Step", n % 7, "Steps", 6, "Pillar", fmt.Sprintf("P\x00s1:%d", n)},
			[]any{"page.assessment_result.submitted", "When", float64(n) / 3})
	}
	for _, l := range locale.Languages {
		k := newKeptMessages(b, l)
		for round := range 2 {
			for _, c := range calls {
				id, kv := c[0].(string), c[1:]
				if got, want := k.t(id, kv...), b.For(l).T(id, kv...); got != want {
					t.Fatalf("%s round %d: %s %v: kept %q, T %q", l, round, id, kv, got, want)
				}
			}
		}
		if len(k.kept) == 0 || len(k.kept) > maxKeptMessages {
			t.Errorf("%s: %d messages kept", l, len(k.kept))
		}
	}
}

// The kept messages stay bounded however many arguments are asked for.
func TestKeptMessagesAreBounded(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	k := newKeptMessages(b, locale.EN)
	for n := range 3 * maxKeptMessages {
		if got, want := k.t("page.assessment_review.unanswered", "Count", n), b.For(locale.EN).T("page.assessment_review.unanswered", "Count", n); got != want {
			t.Fatalf("%d: %q, want %q", n, got, want)
		}
		if len(k.kept) > maxKeptMessages {
			t.Fatalf("%d kept", len(k.kept))
		}
	}
}
