package scoring

import (
	"testing"

	"dxready/survey"
)

// Every fact names a question and options the instrument has, so a new
// instrument version that renames one fails here, not in open data.
func TestAdoptionsNameRealQuestionsAndOptions(t *testing.T) {
	in := real(t)
	list := Adoptions(in.ID)
	if len(list) == 0 || len(list) > AdoptionSlots {
		t.Fatalf("%s defines %d adoption facts; want 1..%d", in.ID, len(list), AdoptionSlots)
	}
	seen := map[string]bool{}
	for _, a := range list {
		if seen[a.ID] {
			t.Errorf("fact %s defined twice", a.ID)
		}
		seen[a.ID] = true
		q, ok := in.Question(a.Question)
		if !ok {
			t.Errorf("fact %s reads question %s, which %s does not ask", a.ID, a.Question, in.Key())
			continue
		}
		for _, o := range a.AnyOf {
			if _, ok := q.Option(o); !ok {
				t.Errorf("fact %s counts option %s, which question %s does not offer", a.ID, o, a.Question)
			}
		}
		if a.MinChosen > len(a.AnyOf) {
			t.Errorf("fact %s needs %d of %d options", a.ID, a.MinChosen, len(a.AnyOf))
		}
	}
}

func TestAdoptionBits(t *testing.T) {
	id := "dbi-2021"
	cases := []struct {
		name    string
		answers map[string][]string
		want    uint8
	}{
		{"nothing answered", nil, 0},
		{"cloud across the firm", map[string][]string{"inf.cloud": {"full"}}, 1 << 3},
		{"cloud only planned", map[string][]string{"inf.cloud": {"planned"}}, 0},
		{"two measures: not three", map[string][]string{"inf.security": {"antivirus", "firewall"}}, 0},
		{"three measures with mfa", map[string][]string{"inf.security": {"antivirus", "firewall", "mfa"}}, 1<<4 | 1<<5},
		{"not applicable", map[string][]string{"cx.online_sales": {survey.NotApplicable}}, 0},
		{"some online sales", map[string][]string{"cx.online_sales": {"lt10"}}, 1 << 2},
		{"no online sales", map[string][]string{"cx.online_sales": {"none"}}, 0},
	}
	for _, c := range cases {
		if got := AdoptionBits(id, c.answers); got != c.want {
			t.Errorf("%s: bits %08b, want %08b", c.name, got, c.want)
		}
	}
	if AdoptionBits("no-such-instrument", map[string][]string{"inf.cloud": {"full"}}) != 0 {
		t.Error("an instrument without facts has adoption bits")
	}
}
