package web

import (
	"bytes"
	"fmt"
	"html/template"
	"math/rand/v2"
	"net/http"
	"testing"

	"dxready/locale"
	"dxready/survey"
)

// withMarkup is q whose markup (Markup) is markup, whatever its answer.
func withMarkup(q questionView, markup string) questionView {
	q.pieces, q.q = &questionMarkup{head: [2]string{markup, markup}}, &survey.Question{}
	return q
}

// questionWithPieces is question q of pillar pl of instrument key in
// language l, answered as answers say, with the pieces rendered at the
// start, as a step page holds it.
func questionWithPieces(t *testing.T, e *env, l, key string, pl survey.Pillar, q *survey.Question, answers map[string]survey.Answer) questionView {
	t.Helper()
	qm, err := e.web.choices.question(l, key, q)
	if err != nil {
		t.Fatal(err)
	}
	a, answered := answers[q.ID]
	qv := questionViewOf(pl, q, l, a, answered)
	qv.pieces, qv.q, qv.answer = qm, q, a
	return qv
}

// Every step of every instrument, with random answers (ticked, none, "not
// applicable") in both languages: the questions the wrap writes from
// their pieces are what the page's template renders; a step with a problem
// shown or a follow-up just opened is left to the template.
func TestStepQuestionsWrittenFromPiecesAreTheTemplates(t *testing.T) {
	e := newEnv(t)
	rng := rand.New(rand.NewPCG(41, 42))
	written, left := 0, 0
	for key, in := range e.web.cfg.Instruments {
		for _, l := range locale.Languages {
			tmpl, w := mustPage(t, e.web.pages, l, "assessment_step"), e.web.stepFrames.wrap[l]
			if w == nil {
				t.Fatalf("%s: no wrap learned: %v", l, e.web.stepFrames.wrapErr)
			}
			for round := range 4 {
				answers := randomAnswers(rng, in)
				for _, pl := range in.Pillars {
					p := stepPage{page: page{Lang: l}, ResponseID: 7}
					for i := range pl.Questions {
						p.Questions = append(p.Questions, questionWithPieces(t, e, l, key, pl, &pl.Questions[i], answers))
					}
					switch round { // the last two rounds: a problem shown, a follow-up opened
					case 2:
						p.Questions[rng.IntN(len(p.Questions))].Problem = "error.survey.answer_one"
					case 3:
						p.Questions[rng.IntN(len(p.Questions))].Opened = true
					}
					joinQuestions(&p)
					want, err := execString(tmpl, "step-questions", &p)
					if err != nil {
						t.Fatal(err)
					}
					if !w.writes(&p) {
						if round < 2 {
							t.Fatalf("%s %s: a step of plain questions left to the template", key, pl.ID)
						}
						left++
						continue
					}
					if round >= 2 {
						t.Fatalf("%s %s round %d: written from pieces", key, pl.ID, round)
					}
					var got bytes.Buffer
					w.write(&got, &p)
					if got.String() != want {
						t.Fatalf("%s %s %s: written\n%s\nrendered\n%s", key, l, pl.ID, firstDifference(got.String(), want), want)
					}
					written++
				}
			}
		}
	}
	if written == 0 || left == 0 {
		t.Fatalf("%d steps written from pieces, %d left to the template: the test lost its cases", written, left)
	}
}

// A firm's step pages, as served, have their questions written from their
// pieces (and each equals the whole template's: newEnv's layoutCheck).
func TestServedStepPagesWriteTheirQuestionsFromPieces(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	id := startAssessment(t, c)
	written := func() (n int64) {
		for _, w := range e.web.stepFrames.wrap {
			n += w.written.Load()
		}
		return n
	}
	before := written()
	for _, lang := range []string{"", "?lang=en"} {
		for step := 1; step <= 2; step++ {
			must(t, c.get(fmt.Sprintf("/assessment/%d/step/%d%s", id, step, lang)), http.StatusOK, `class="question`)
		}
	}
	if n := written() - before; n != 4 {
		t.Fatalf("%d of 4 step pages had their questions written from pieces", n)
	}
}

// A "step-questions" that writes, around a question, something that
// depends on the question or the page, or not once per question, is not
// learned: the template renders every page's questions then.
func TestAttackQuestionWrapRefusesWhatDependsOnTheQuestion(t *testing.T) {
	const plain = `{{with .Markup}}{{.}}{{else}}{{template "question" .}}{{end}}`
	for _, c := range []struct {
		body string
		ok   bool
	}{
		{"{{range .Questions}}\n{{if .Opened}}<p>{{.Text}}</p>{{end}}\n" + plain + "\n{{end}}", true},
		{`{{range .Questions}}<div id="w-{{.ID}}">` + plain + `</div>{{end}}`, false},
		{`{{range .Questions}}{{if .Multi}}<i>{{end}}` + plain + `{{end}}`, false},
		{`{{range .Questions}}{{if .Gateway}}<i>{{end}}` + plain + `{{end}}`, false},
		{`{{range .Questions}}` + plain + `{{$.ResponseID}}{{end}}`, false},
		{`{{range .Questions}}` + plain + `{{if $.FromReview}}r{{end}}{{end}}`, false},
		{`{{range $i, $q := .Questions}}{{$i}}` + plain + `{{end}}`, false},
		{`{{range .Questions}}` + plain + plain + `{{end}}`, false},
		{`{{range .Questions}}` + plain + `{{else}}none{{end}}`, false},
		{`{{range .Questions}}` + plain + `{{end}}{{len .Questions}}`, false},
		{`{{range .Questions}}{{.Text}}{{end}}`, false},
		{`{{range .Questions}}{{if .Help}}<i>{{end}}` + plain + `{{end}}`, false},
		{`{{range .Questions}}{{if .Choices}}<i>{{end}}` + plain + `{{end}}`, false},
		{`{{range .Questions}}{{if .ID}}<i>{{end}}` + plain + `{{end}}`, false},
		{`{{range .Questions}}{{if gt (len $.Questions) 9}}<i>{{end}}` + plain + `{{end}}`, false},
	} {
		tmpl := template.Must(template.New("x").Parse(`{{define "question"}}Q{{end}}{{define "step-questions"}}` + c.body + `{{end}}`))
		w, err := learnQuestionWrap(tmpl)
		if (err == nil) != c.ok || (w != nil) != c.ok {
			t.Errorf("%q: learned %v (%v), want %v", c.body, w != nil, err, c.ok)
		}
		if c.ok && (w.pre != "\n\n" || w.post != "\n") {
			t.Errorf("%q: learned %q, %q", c.body, w.pre, w.post)
		}
	}
}
