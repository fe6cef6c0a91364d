package scoring

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"dxready/survey"
)

func mini(t testing.TB) *survey.Instrument {
	t.Helper()
	b, err := os.ReadFile("testdata/mini.toml")
	if err != nil {
		t.Fatal(err)
	}
	in, err := survey.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

type goldenCase struct {
	Name    string              `json:"name"`
	Section string              `json:"section"`
	Answers map[string][]string `json:"answers"`
	Pillars map[string]float64  `json:"pillars"`
	Overall float64             `json:"overall"`
	Level   int                 `json:"level"`
	Losses  map[string][][2]any `json:"losses"`
	Path    [][3]any            `json:"path"`
	Reaches *float64            `json:"reaches"`
}

func near(a, b float64) bool { return math.Abs(a-b) < 5e-4 }

// TestGolden checks Score against cases computed by hand (testdata/golden.json).
func TestGolden(t *testing.T) {
	in := mini(t)
	raw, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct{ Cases []goldenCase }
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) < 5 {
		t.Fatal("golden cases missing")
	}
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			answers := map[string]survey.Answer{}
			for q, opts := range c.Answers {
				answers[q] = survey.Answer{Options: opts}
			}
			r := Score(in, survey.Profile{Section: c.Section, Size: "small"}, answers)
			for id, want := range c.Pillars {
				if got, _ := r.Pillar(id); !near(got.Score, want) {
					t.Errorf("pillar %s = %.4f, want %.4f", id, got.Score, want)
				}
			}
			if !near(r.Overall, c.Overall) || r.Level != c.Level {
				t.Errorf("overall %.4f level %d, want %.4f level %d", r.Overall, r.Level, c.Overall, c.Level)
			}
			for pillar, want := range c.Losses {
				got := r.Losses[pillar]
				if len(got) != len(want) {
					t.Fatalf("losses %s = %+v, want %v", pillar, got, want)
				}
				for i, w := range want {
					if got[i].QuestionID != w[0].(string) || !near(got[i].Lost, w[1].(float64)) {
						t.Errorf("loss %s[%d] = %+v, want %v", pillar, i, got[i], w)
					}
				}
			}
			steps := r.Path.Steps()
			if len(steps) != len(c.Path) {
				t.Fatalf("path = %+v, want %v", steps, c.Path)
			}
			for i, w := range c.Path {
				s := steps[i]
				if s.QuestionID != w[0].(string) || !strings.Contains(strings.Join(s.To, ","), w[1].(string)) || !near(s.Gain, w[2].(float64)) {
					t.Errorf("step %d = %+v, want %v", i, s, w)
				}
			}
			if c.Reaches != nil && (!near(r.Path.Reaches, *c.Reaches) || !r.Path.Reachable) {
				t.Errorf("path reaches %.4f (reachable %v), want %.4f", r.Path.Reaches, r.Path.Reachable, *c.Reaches)
			}
		})
	}
}

func real(t testing.TB) *survey.Instrument {
	t.Helper()
	all, err := survey.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	in, ok := survey.Latest(all, survey.DefaultID)
	if !ok {
		t.Fatal("no dbi-2021 instrument")
	}
	return in
}

// answerAll answers every question of in with pick(q).
func answerAll(in *survey.Instrument, pick func(q *survey.Question) []string) map[string]survey.Answer {
	out := map[string]survey.Answer{}
	for _, q := range in.Questions() {
		out[q.ID] = survey.Answer{Options: pick(q)}
	}
	return out
}

func TestExtremesOfTheRealInstrument(t *testing.T) {
	in := real(t)
	mfg := survey.Profile{Section: "C", Size: "medium"}
	best := answerAll(in, func(q *survey.Question) []string {
		if q.Type == survey.Multi {
			ids := []string{}
			for _, o := range q.Options {
				ids = append(ids, o.ID)
			}
			return ids
		}
		top := q.Options[0]
		for _, o := range q.Options {
			if o.Points > top.Points {
				top = o
			}
		}
		return []string{top.ID}
	})
	r := Score(in, mfg, best)
	if !near(r.Overall, 100) || r.Level != 5 || r.Path.NextLevel != -1 || len(r.Losses) != 0 {
		t.Fatalf("best answers: %.2f level %d path %+v losses %v", r.Overall, r.Level, r.Path, r.Losses)
	}
	worst := answerAll(in, func(q *survey.Question) []string {
		if q.Type == survey.Multi {
			return nil
		}
		return []string{q.Options[0].ID}
	})
	r = Score(in, mfg, worst)
	if r.Overall != 0 || r.Level != 0 || r.Path.NextLevel != 1 || !r.Path.Reachable || r.Path.Len() == 0 {
		t.Fatalf("worst answers: %.2f level %d path %+v", r.Overall, r.Level, r.Path)
	}
	if len(r.Pillars) != 6 {
		t.Fatalf("pillars = %d", len(r.Pillars))
	}
	// The machine-data question applies only after production software is in use.
	if _, ok := r.Losses["operations"]; !ok {
		t.Fatal("no losses explained for operations")
	}
	for _, l := range r.Losses["operations"] {
		if l.QuestionID == "op.machine_data" {
			t.Fatal("a question that does not apply was counted")
		}
	}
}

// randomAnswers answers each question at random (sometimes not at all,
// sometimes "not applicable" where allowed).
func randomAnswers(in *survey.Instrument, rng *rand.Rand) map[string]survey.Answer {
	out := map[string]survey.Answer{}
	for _, q := range in.Questions() {
		switch n := rng.IntN(10); {
		case n == 0:
			continue
		case n == 1 && q.AllowNA:
			out[q.ID] = survey.Answer{Options: []string{survey.NotApplicable}}
		case q.Type == survey.Single:
			out[q.ID] = survey.Answer{Options: []string{q.Options[rng.IntN(len(q.Options))].ID}}
		default:
			var ids []string
			for _, o := range q.Options {
				if rng.IntN(2) == 0 {
					ids = append(ids, o.ID)
				}
			}
			out[q.ID] = survey.Answer{Options: ids}
		}
	}
	return out
}

var profiles = []survey.Profile{{Section: "C", Size: "micro"}, {Section: "G", Size: "small"}, {Section: "J", Size: "large"}}

// Properties over many random responses: scores stay in 0–100; the path
// really reaches the next level; and improving one answer never lowers any
// score — except on a gateway question, which can open a follow-up question
// (documented in path.go), so gateways are left out of that property.
func TestProperties(t *testing.T) {
	in := real(t)
	gateways := gatewayQuestions(in)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		p := profiles[i%len(profiles)]
		answers := randomAnswers(in, rng)
		r := Score(in, p, answers)
		checkRanges(t, r)
		checkPath(t, in, p, answers, r)
		for _, q := range in.Questions() {
			a, ok := answers[q.ID]
			if !ok || a.NA() || gateways[q.ID] || !q.Applies(p, answers) {
				continue
			}
			better := improve(q, a)
			if better == nil {
				continue
			}
			changed := cloneAnswers(answers)
			changed[q.ID] = *better
			r2 := Score(in, p, changed)
			if r2.Overall < r.Overall-1e-9 {
				t.Fatalf("improving %s lowered overall %.4f -> %.4f", q.ID, r.Overall, r2.Overall)
			}
			for j := range r.Pillars {
				if r2.Pillars[j].Score < r.Pillars[j].Score-1e-9 {
					t.Fatalf("improving %s lowered pillar %s", q.ID, r.Pillars[j].PillarID)
				}
			}
			break // one improvement per response keeps the test fast
		}
	}
}

func checkRanges(t *testing.T, r Result) {
	t.Helper()
	if r.Overall < 0 || r.Overall > 100 || math.IsNaN(r.Overall) {
		t.Fatalf("overall %v", r.Overall)
	}
	for _, p := range r.Pillars {
		if p.Score < 0 || p.Score > 100 || math.IsNaN(p.Score) {
			t.Fatalf("pillar %s = %v", p.PillarID, p.Score)
		}
	}
}

// checkPath applies the path's steps and checks they reach the next level.
func checkPath(t *testing.T, in *survey.Instrument, p survey.Profile, answers map[string]survey.Answer, r Result) {
	t.Helper()
	if r.Path.NextLevel < 0 || !r.Path.Reachable {
		return
	}
	after := cloneAnswers(answers)
	for _, s := range r.Path.Steps() {
		checkOneNotch(t, in, after, s)
		after[s.QuestionID] = survey.Answer{Options: s.To}
	}
	r2 := Score(in, p, after)
	if r2.Level < r.Path.NextLevel || !near(r2.Overall, r.Path.Reaches) {
		t.Fatalf("path %+v reaches %.4f level %d, promised %.4f level %d", r.Path.Steps(), r2.Overall, r2.Level, r.Path.Reaches, r.Path.NextLevel)
	}
}

// improve returns a strictly better answer to q than a, or nil.
func improve(q *survey.Question, a survey.Answer) *survey.Answer {
	cur := Points(q, a)
	if q.Type == survey.Single {
		for _, o := range q.Options {
			if o.Points > cur {
				return &survey.Answer{Options: []string{o.ID}}
			}
		}
		return nil
	}
	for _, o := range q.Options {
		if !contains(a.Options, o.ID) {
			b := survey.Answer{Options: append(append([]string{}, a.Options...), o.ID)}
			return &b
		}
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func cloneAnswers(m map[string]survey.Answer) map[string]survey.Answer {
	out := make(map[string]survey.Answer, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// FuzzScore: any response, however odd, scores within 0–100 without panicking.
func FuzzScore(f *testing.F) {
	in := real(f)
	f.Add(uint64(1), uint8(0))
	f.Add(uint64(42), uint8(1))
	f.Fuzz(func(t *testing.T, seed uint64, prof uint8) {
		rng := rand.New(rand.NewPCG(seed, seed>>3))
		answers := randomAnswers(in, rng)
		// Add junk the scorer must ignore: unknown questions and options.
		answers["no.such.question"] = survey.Answer{Options: []string{"x"}}
		if q := in.Questions()[int(seed%uint64(len(in.Questions())))]; q.Type == survey.Multi {
			answers[q.ID] = survey.Answer{Options: []string{"bogus", q.Options[0].ID, q.Options[0].ID}}
		}
		r := Score(in, profiles[int(prof)%len(profiles)], answers)
		checkRanges(t, r)
	})
}

// BenchmarkScore: scoring one response to the real instrument (target: under 50 µs).
func BenchmarkScore(b *testing.B) {
	in := real(b)
	answers := randomAnswers(in, rand.New(rand.NewPCG(7, 7)))
	p := survey.Profile{Section: "C", Size: "small"}
	for b.Loop() {
		Score(in, p, answers)
	}
}
