package survey

import (
	"strings"
	"testing"
)

func dbi(t *testing.T) *Instrument {
	t.Helper()
	all, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	in, ok := Latest(all, DefaultID)
	if !ok {
		t.Fatal("dbi-2021 missing")
	}
	return in
}

func TestEmbeddedInstrument(t *testing.T) {
	in := dbi(t)
	if n := len(in.Questions()); n < 40 || n > 60 {
		t.Fatalf("%d questions, want 40–60", n)
	}
	want := []string{"customer", "strategy", "infrastructure", "operations", "culture", "data"}
	if len(in.Pillars) != len(want) {
		t.Fatalf("%d pillars", len(in.Pillars))
	}
	for i, id := range want {
		if in.Pillars[i].ID != id {
			t.Errorf("pillar %d = %s, want %s (DBI order)", i, in.Pillars[i].ID, id)
		}
	}
	if len(in.Levels) != 6 || in.Levels[5].Name.VI != "Dẫn dắt" || in.Levels[1].Name.EN != "Starting up" {
		t.Fatalf("levels = %+v", in.Levels)
	}
	kinds := map[string]int{}
	for _, q := range in.Questions() {
		kinds[q.Type]++
		if q.AllowNA {
			kinds["na"]++
		}
		if q.When != nil {
			kinds["when"]++
		}
	}
	if kinds[Multi] < 3 || kinds["na"] < 3 || kinds["when"] < 2 {
		t.Fatalf("instrument lacks checklists, N/A or applicability rules: %v", kinds)
	}
	if in.Key() != "dbi-2021@1" || len(in.Hash) != 64 {
		t.Fatalf("key %s hash %s", in.Key(), in.Hash)
	}
}

// A used version must never change: this pins the file's hash. If this
// test fails, do not update the hash: revert the edit and put the change in
// a new version file (dbi-2021-v2.toml). The store also refuses to start when
// a version that responses use has a different hash.
func TestVersionOneIsFrozen(t *testing.T) {
	const pinned = "c1ae008fbcace071846940b5815dd0a7234115abe7ebb94eb86041b8f14518c0"
	if in := dbi(t); in.Hash != pinned {
		t.Fatalf("dbi-2021@1 changed: sha256 %s, pinned %s", in.Hash, pinned)
	}
}

func TestApplicability(t *testing.T) {
	in := dbi(t)
	plan, _ := in.Question("op.production_planning")
	machine, _ := in.Question("op.machine_data")
	mfg, trade := Profile{Section: "C", Size: "small"}, Profile{Section: "G", Size: "small"}
	if !plan.Applies(mfg, nil) || plan.Applies(trade, nil) {
		t.Fatal("production planning should apply to manufacturers only")
	}
	if machine.Applies(mfg, nil) {
		t.Fatal("machine data asked before production planning is answered")
	}
	if machine.Applies(mfg, map[string]Answer{"op.production_planning": {Options: []string{"none"}}}) {
		t.Fatal("machine data asked although no production software is used")
	}
	if !machine.Applies(mfg, map[string]Answer{"op.production_planning": {Options: []string{"full"}}}) {
		t.Fatal("machine data not asked although production software is used")
	}
	sized := &Question{When: &Condition{Sizes: []string{"medium", "large"}}}
	if sized.Applies(Profile{Size: "micro"}, nil) || !sized.Applies(Profile{Size: "large"}, nil) {
		t.Fatal("size rule")
	}
}

func TestCheckAnswer(t *testing.T) {
	in := dbi(t)
	tests := []struct {
		q    string
		opts []string
		want string
	}{
		{"cx.website", []string{"weekly"}, ""},
		{"cx.website", []string{"weekly", "daily"}, ErrOneOption},
		{"cx.website", nil, ErrOneOption},
		{"cx.website", []string{"hourly"}, ErrUnknownOption},
		{"cx.website", []string{"na"}, ErrNANotAllowed},
		{"cx.online_sales", []string{"na"}, ""},
		{"cx.online_sales", []string{"na", "lt10"}, ErrUnknownOption},
		{"cx.tools", []string{"ordering", "payment"}, ""},
		{"cx.tools", nil, ""},
		{"cx.tools", []string{"ordering", "ordering"}, ErrUnknownOption},
		{"no.such", []string{"x"}, ErrUnknownQuestion},
	}
	for _, tc := range tests {
		if got := in.CheckAnswer(tc.q, Answer{Options: tc.opts}); got != tc.want {
			t.Errorf("CheckAnswer(%s, %v) = %q, want %q", tc.q, tc.opts, got, tc.want)
		}
	}
}

func TestUnansweredAndResume(t *testing.T) {
	in := dbi(t)
	p := Profile{Section: "G", Size: "micro"}
	all := in.Unanswered(p, nil)
	if len(all) != len(in.Questions())-2 { // the two manufacturing questions do not apply
		t.Fatalf("unanswered = %d of %d", len(all), len(in.Questions()))
	}
	if q := in.FirstUnanswered(p, nil); q.ID != "cx.website" {
		t.Fatalf("resume at %s", q.ID)
	}
	answers := map[string]Answer{"cx.website": {Options: []string{"never"}}, "cx.social": {Options: []string{"daily"}}}
	if q := in.FirstUnanswered(p, answers); q.ID != "cx.online_sales" {
		t.Fatalf("resume at %s", q.ID)
	}
	for _, q := range in.Questions() {
		if q.Applies(p, answers) {
			answers[q.ID] = Answer{Options: []string{q.Options[0].ID}}
		}
	}
	if q := in.FirstUnanswered(p, answers); q != nil {
		t.Fatalf("still unanswered: %s", q.ID)
	}
}

const good = `id = "t"
version = 1
name = { vi = "a", en = "a" }
description = { vi = "a", en = "a" }
basis = { vi = "a", en = "a" }
[[levels]]
level = 0
min = 0
name = { vi = "a", en = "a" }
description = { vi = "a", en = "a" }
[[levels]]
level = 1
min = 50
name = { vi = "b", en = "b" }
description = { vi = "b", en = "b" }
[[pillars]]
id = "p"
weight = 1
name = { vi = "p", en = "p" }
description = { vi = "p", en = "p" }
advice = [{ vi = "x", en = "x" }, { vi = "y", en = "y" }]
[[pillars.questions]]
id = "q1"
type = "single"
weight = 1
text = { vi = "q", en = "q" }
help = { vi = "h", en = "h" }
options = [{ id = "a", points = 0, text = { vi = "a", en = "a" } }, { id = "b", points = 2, text = { vi = "b", en = "b" } }]
[[pillars.questions]]
id = "q2"
type = "single"
weight = 1
text = { vi = "q", en = "q" }
help = { vi = "h", en = "h" }
options = [{ id = "a", points = 0, text = { vi = "a", en = "a" } }, { id = "b", points = 2, text = { vi = "b", en = "b" } }]
when = { question = "q1", any_of = ["b"] }
`

// Every rule of the loader rejects a broken file, naming the problem.
func TestParseRejectsBrokenInstruments(t *testing.T) {
	if _, err := Parse([]byte(good)); err != nil {
		t.Fatalf("the good instrument: %v", err)
	}
	tests := []struct{ name, from, to, want string }{
		{"missing English", `text = { vi = "q", en = "q" }`, `text = { vi = "q", en = "" }`, "both languages"},
		{"duplicate question", `id = "q2"`, `id = "q1"`, "repeated"},
		{"points out of range", `points = 2`, `points = 20`, "points"},
		{"no points to earn", `points = 2, text = { vi = "b"`, `points = 0, text = { vi = "b"`, "no option earns"},
		{"weight zero", "weight = 1\ntext", "weight = 0\ntext", "weight"},
		{"thresholds not increasing", "min = 50", "min = 0", "does not increase"},
		{"advice count", `advice = [{ vi = "x", en = "x" }, { vi = "y", en = "y" }]`, `advice = [{ vi = "x", en = "x" }]`, "advice texts"},
		{"unknown type", `type = "single"`, `type = "slider"`, "neither single nor multi"},
		{"condition on a later question", `when = { question = "q1"`, `when = { question = "q2"`, "does not come before"},
		{"condition on a missing option", `any_of = ["b"]`, `any_of = ["zzz"]`, "does not have"},
		{"reserved option id", `{ id = "a", points = 0`, `{ id = "na", points = 0`, "reserved"},
		{"unknown key", `weight = 1`, "weight = 1\ncolour = \"red\"", "unknown keys"},
		{"unknown scale", `options = [{ id = "a", points = 0, text = { vi = "a", en = "a" } }, { id = "b", points = 2, text = { vi = "b", en = "b" } }]
when`, `scale = "nope"
when`, "no scale"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(good, tc.from, tc.to, 1)
			if src == good {
				t.Fatalf("the edit %q did not apply", tc.from)
			}
			_, err := Parse([]byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestResponseVersion(t *testing.T) {
	base := func() *Response {
		return &Response{Instrument: "dbi-2021@1", Profile: Profile{Section: "C", Size: "small"},
			Answers: map[string]Answer{"cx.website": {Options: []string{"weekly"}}, "cx.tools": {Options: []string{"crm", "chat"}}}}
	}
	v := base().Version()
	if len(v) != 32 {
		t.Fatalf("version %q", v)
	}
	same := base()
	same.Answers["cx.tools"] = Answer{Options: []string{"chat", "crm"}} // the order of ticks says nothing
	same.ID, same.Status = 99, Submitted                                // nor do the id and status
	if same.Version() != v {
		t.Error("the same answers give another version")
	}
	for name, change := range map[string]func(*Response){
		"answer changed":      func(r *Response) { r.Answers["cx.website"] = Answer{Options: []string{"never"}} },
		"answer added":        func(r *Response) { r.Answers["ops.erp"] = Answer{Options: []string{"na"}} },
		"answer removed":      func(r *Response) { delete(r.Answers, "cx.tools") },
		"checklist emptied":   func(r *Response) { r.Answers["cx.tools"] = Answer{Options: []string{}} },
		"section changed":     func(r *Response) { r.Profile.Section = "H" },
		"size changed":        func(r *Response) { r.Profile.Size = "medium" },
		"instrument changed":  func(r *Response) { r.Instrument = "dbi-2021@2" },
		"fields do not merge": func(r *Response) { r.Profile.Section, r.Profile.Size = "Cs", "mall" },
	} {
		r := base()
		change(r)
		if r.Version() == v {
			t.Errorf("%s: version unchanged", name)
		}
	}
}
