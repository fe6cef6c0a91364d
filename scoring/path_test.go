package scoring

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"dxready/survey"
)

// checkOneNotch fails unless s moves its question by one notch from the
// answer in answers: the next better option on a single-choice scale, or
// exactly one more item ticked (a "none of these" item cleared) on a
// checklist, never a gateway.
func checkOneNotch(t *testing.T, in *survey.Instrument, answers map[string]survey.Answer, s Step) {
	t.Helper()
	q, _ := in.Question(s.QuestionID)
	if gatewayQuestions(in)[q.ID] {
		t.Fatalf("step on gateway %s", q.ID)
	}
	before := answers[q.ID]
	if !slices.Equal(before.Options, s.From) && !(len(before.Options) == 0 && len(s.From) == 0) {
		t.Fatalf("step %+v starts from %v, the answer is %v", s, s.From, before.Options)
	}
	if q.Type == survey.Single {
		next, ok := nextOption(q, Points(q, before))
		if !ok || len(s.To) != 1 || s.To[0] != next.ID || s.Option != next.ID {
			t.Fatalf("step %+v is not the next option (%s) of %s", s, next.ID, q.ID)
		}
		return
	}
	kept := slices.DeleteFunc(slices.Clone(before.Options), func(id string) bool { return exclusive(q, id) })
	if !slices.Equal(s.To, append(kept, s.Option)) || slices.Contains(before.Options, s.Option) || exclusive(q, s.Option) {
		t.Fatalf("step %+v does not tick one more item of %s over %v", s, q.ID, before.Options)
	}
}

// instrument builds a test instrument from its levels' thresholds and
// questions in TOML (one pillar "P", weight 1, unless the questions open
// more pillars).
func instrument(t *testing.T, version int, levels []float64, questions string) *survey.Instrument {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "id = \"t\"\nversion = %d\nname = { vi = \"t\", en = \"t\" }\ndescription = { vi = \"t\", en = \"t\" }\nbasis = { vi = \"t\", en = \"t\" }\n", version)
	for i, m := range levels {
		fmt.Fprintf(&b, "[[levels]]\nlevel = %d\nmin = %v\nname = { vi = \"L%d\", en = \"L%d\" }\ndescription = { vi = \"d\", en = \"d\" }\n", i, m, i, i)
	}
	advice := strings.Repeat(`{ vi = "a", en = "a" },`, len(levels))
	fmt.Fprintf(&b, "[[pillars]]\nid = \"P\"\nweight = 1\nname = { vi = \"P\", en = \"P\" }\ndescription = { vi = \"P\", en = \"P\" }\nadvice = [%s]\n", advice)
	b.WriteString(strings.ReplaceAll(questions, "ADVICE", advice))
	in, err := survey.Parse([]byte(b.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	return in
}

// question is one question's TOML; opts is "id:points,…".
func question(id, typ string, weight float64, opts, extra string) string {
	var list []string
	for o := range strings.SplitSeq(opts, ",") {
		id, pts, _ := strings.Cut(o, ":")
		list = append(list, fmt.Sprintf("{ id = %q, points = %s, text = { vi = \"%s vi\", en = \"%s en\" } }", id, pts, id, id))
	}
	return fmt.Sprintf("[[pillars.questions]]\nid = %q\ntype = %q\nweight = %v\ntext = { vi = \"q\", en = \"q\" }\nhelp = { vi = \"h\", en = \"h\" }\noptions = [%s]\n%s\n",
		id, typ, weight, strings.Join(list, ", "), extra)
}

type wantStep struct {
	q, to string // to: the option chosen or ticked
}

func TestPathOneNotchAtATime(t *testing.T) {
	bands := "b0:0,b1:1,b2:2,b3:3,b4:4"
	cases := []struct {
		name      string
		levels    []float64
		questions string
		answers   map[string][]string
		next      int
		reachable bool
		steps     []wantStep // in the order shown
		reaches   float64
	}{{
		name:   "the top level has no path",
		levels: []float64{0, 50}, questions: question("s", "single", 1, bands, ""),
		answers: map[string][]string{"s": {"b4"}}, next: -1,
	}, {
		// The old path asked for b0 → b4 at once; now one band at a time,
		// as many as the threshold needs.
		name:   "a scale climbs one band per step",
		levels: []float64{0, 60}, questions: question("s", "single", 1, bands, ""),
		answers: map[string][]string{"s": {"b0"}}, next: 1, reachable: true,
		steps: []wantStep{{"s", "b1"}, {"s", "b2"}, {"s", "b3"}}, reaches: 75,
	}, {
		name:      "the step worth most comes first, a band of the heavier question",
		levels:    []float64{0, 15},
		questions: question("light", "single", 1, bands, "") + question("heavy", "single", 3, bands, ""),
		answers:   map[string][]string{"light": {"b0"}, "heavy": {"b0"}}, next: 1, reachable: true,
		steps: []wantStep{{"heavy", "b1"}}, reaches: 18.75,
	}, {
		// A scale whose first band is worth little and its second much:
		// two steps on it beat four on the even scale.
		name:      "an uneven scale is climbed when its bands pay together",
		levels:    []float64{0, 50},
		questions: question("even", "single", 1, bands, "") + question("uneven", "single", 1, "u0:0,u1:0.5,u2:4", ""),
		answers:   map[string][]string{"even": {"b0"}, "uneven": {"u0"}}, next: 1, reachable: true,
		steps: []wantStep{{"uneven", "u1"}, {"uneven", "u2"}}, reaches: 50,
	}, {
		// Ticking any item clears "none of these", which is never proposed.
		name:      "a checklist ticks one item per step and clears its none-of-these item",
		levels:    []float64{0, 70},
		questions: question("tools", "multi", 1, "none:0,a:1,b:2,c:1", ""),
		answers:   map[string][]string{"tools": {"none"}}, next: 1, reachable: true,
		steps: []wantStep{{"tools", "b"}, {"tools", "a"}}, reaches: 75,
	}, {
		name:      "a capped checklist stops proposing items at its cap",
		levels:    []float64{0, 40, 100},
		questions: question("tools", "multi", 1, "a:1,b:1,c:1,d:1", "cap = 2") + question("s", "single", 1, "n:0,y:2", ""),
		answers:   map[string][]string{"tools": {"a", "b"}, "s": {"n"}}, next: 2, reachable: true,
		steps: []wantStep{{"s", "y"}}, reaches: 100,
	}, {
		// The gateway opens a follow-up that would count 0 until answered:
		// proposing it would lower the score it promises to raise. Without
		// it the next level is out of reach, and the page says so.
		name:   "a gateway is never proposed, and the level can be out of reach",
		levels: []float64{0, 80},
		questions: question("gate", "single", 3, "no:0,yes:1", "") + question("x", "single", 1, "x0:0,x1:1", "") +
			question("follow", "single", 3, "f0:0,f1:1", `when = { question = "gate", any_of = ["yes"] }`),
		answers: map[string][]string{"gate": {"no"}, "x": {"x0"}}, next: 1, reachable: false,
		steps: []wantStep{{"x", "x1"}}, reaches: 25,
	}, {
		name:      "not applicable is left as it is",
		levels:    []float64{0, 60},
		questions: question("na", "single", 5, bands, "allow_na = true") + question("s", "single", 1, bands, ""),
		answers:   map[string][]string{"na": {"na"}, "s": {"b1"}}, next: 1, reachable: true,
		steps: []wantStep{{"s", "b2"}, {"s", "b3"}}, reaches: 75,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := instrument(t, 1, c.levels, c.questions)
			answers := map[string]survey.Answer{}
			for q, o := range c.answers {
				answers[q] = survey.Answer{Options: o}
			}
			r := Score(in, survey.Profile{Section: "C", Size: "small"}, answers)
			p := r.Path
			if p.NextLevel != c.next || p.Reachable != c.reachable || p.Len() != len(c.steps) {
				t.Fatalf("path %+v (overall %.4f), want next %d reachable %v and %d steps", p, r.Overall, c.next, c.reachable, len(c.steps))
			}
			after := cloneAnswers(answers)
			for i, s := range p.Steps() {
				if s.QuestionID != c.steps[i].q || s.Option != c.steps[i].to {
					t.Errorf("step %d = %s→%s, want %+v", i, s.QuestionID, s.Option, c.steps[i])
				}
				checkOneNotch(t, in, after, s)
				after[s.QuestionID] = survey.Answer{Options: s.To}
			}
			if c.next >= 0 && !near(p.Reaches, c.reaches) {
				t.Errorf("reaches %.4f, want %.4f", p.Reaches, c.reaches)
			}
			if r2 := Score(in, survey.Profile{Section: "C", Size: "small"}, after); c.next >= 0 && !near(r2.Overall, p.Reaches) {
				t.Errorf("taking the steps gives %.4f, the path promised %.4f", r2.Overall, p.Reaches)
			}
		})
	}
}

// pillar is one more pillar's TOML (weight 1) for instrument's questions.
func pillar(id string) string {
	return fmt.Sprintf("[[pillars]]\nid = %q\nweight = 1\nname = { vi = %q, en = %q }\ndescription = { vi = \"d\", en = \"d\" }\nadvice = [ADVICE]\n", id, id, id)
}

// The steps are grouped by pillar: first the pillars the result names to
// work on first (its two weakest, weakest first), then the others by the
// points their steps add together, most first, whatever the instrument's
// order; in each group the largest step first.
func TestPathGroupsByPillar(t *testing.T) {
	q := question("p1", "single", 1, "a:0,b:1", "") + question("p2", "single", 1, "a:0,b:1", "") +
		pillar("S") + question("s1", "single", 1, "a:0,b:1,c:2,d:3,e:4", "") +
		pillar("W") + question("w1", "single", 1, "a:0,b:1", "") +
		pillar("V") + question("v1", "single", 1, "a:0,b:1,c:2,d:3,e:4,f:5,g:6,h:7,i:8,j:9,k:10", "")
	in := instrument(t, 1, []float64{0, 95}, q)
	answers := map[string]survey.Answer{"p1": {Options: []string{"b"}}, "p2": {Options: []string{"a"}},
		"s1": {Options: []string{"b"}}, "w1": {Options: []string{"a"}}, "v1": {Options: []string{"b"}}}
	r := Score(in, survey.Profile{}, answers)
	if !slices.Equal(r.Priorities(), []string{"W", "V"}) {
		t.Fatalf("priorities %v, want the two weakest W (0) and V (10)", r.Priorities())
	}
	p := r.Path
	var order []string
	for _, g := range p.Groups {
		order = append(order, g.PillarID)
	}
	// V adds less than S (7 steps of 2.5 against 3 of 6.25) yet comes
	// before it, as a pillar to work on first; S adds more than P and
	// comes before it although the instrument puts P first.
	if !p.Reachable || !slices.Equal(order, []string{"W", "V", "S", "P"}) || !near(p.Groups[1].Gain, 17.5) || !near(p.Groups[2].Gain, 18.75) {
		t.Fatalf("groups %v, gains %+v", order, p.Groups)
	}
	for _, g := range p.Groups {
		sum := 0.0
		for i, s := range g.Steps {
			sum += s.Gain
			if s.PillarID != g.PillarID || (i > 0 && s.Gain > g.Steps[i-1].Gain+1e-9 && s.QuestionID != g.Steps[i-1].QuestionID) {
				t.Fatalf("group %s out of order: %+v", g.PillarID, g.Steps)
			}
		}
		if !near(sum, g.Gain) {
			t.Fatalf("group %s gain %.4f, steps sum %.4f", g.PillarID, g.Gain, sum)
		}
	}
	// The seven notches on v1 are one line of seven steps.
	runs := p.Groups[1].Runs()
	if len(runs) != 1 || runs[0].Steps != 7 || !near(runs[0].Gain, 17.5) || !slices.Equal(runs[0].From, []string{"b"}) ||
		!slices.Equal(runs[0].Options, []string{"c", "d", "e", "f", "g", "h", "i"}) {
		t.Fatalf("runs of V %+v", runs)
	}
}

// A group's steps on one question collapse into one run where its first
// step stands, even when another question's step lies between them; the
// runs count every step and add every gain.
func TestPathRunsCollapseAQuestion(t *testing.T) {
	g := StepGroup{PillarID: "P", Gain: 10, Steps: []Step{
		{QuestionID: "q1", From: []string{"a"}, Option: "b", Gain: 4},
		{QuestionID: "q2", Option: "x", Gain: 3},
		{QuestionID: "q1", From: []string{"b"}, Option: "c", Gain: 2},
		{QuestionID: "q1", From: []string{"c"}, Option: "d", Gain: 1},
	}}
	runs := g.Runs()
	if len(runs) != 2 || runs[0].QuestionID != "q1" || runs[0].Steps != 3 || !near(runs[0].Gain, 7) ||
		!slices.Equal(runs[0].From, []string{"a"}) || !slices.Equal(runs[0].Options, []string{"b", "c", "d"}) ||
		runs[1].QuestionID != "q2" || runs[1].Steps != 1 || runs[1].From != nil {
		t.Fatalf("runs %+v", runs)
	}
	if (StepGroup{}).Runs() != nil {
		t.Fatal("an empty group has runs")
	}
}

// A retake scored on an older version of the instrument gets its path in
// that version's options, never in the newer one's.
func TestPathOnAnOlderVersion(t *testing.T) {
	v1 := instrument(t, 1, []float64{0, 60}, question("s", "single", 1, "old0:0,old1:1,old2:2", ""))
	v2 := instrument(t, 2, []float64{0, 60}, question("s", "single", 1, "new0:0,new1:1,new2:2,new3:3", ""))
	answers := map[string]survey.Answer{"s": {Options: []string{"old0"}}}
	p := Score(v1, survey.Profile{}, answers).Path
	if p.Len() != 2 || p.Steps()[1].Option != "old2" {
		t.Fatalf("path on v1: %+v", p)
	}
	for _, s := range p.Steps() {
		if v1.CheckAnswer(s.QuestionID, survey.Answer{Options: s.To}) != "" {
			t.Fatalf("step %+v is not an answer of v1", s)
		}
	}
	if Score(v2, survey.Profile{}, map[string]survey.Answer{"s": {Options: []string{"new0"}}}).Path.Steps()[0].Option != "new1" {
		t.Fatal("v2's path does not use v2's options")
	}
}
