package web

import (
	"fmt"
	"html"
	"html/template"
	"math/rand/v2"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"dxready/locale"
	"dxready/store/storetest"
	"dxready/survey"
)

var choiceInput = regexp.MustCompile(`<label class="choice"><input type="(radio|checkbox)" name="q\.([^"]+)" value="([^"]+)"( checked)?> ([^<]*)</label>`)

// The options of a step are rendered once for the whole server (in each
// language, ticked and not): a page must still tick exactly the answers
// saved for its own draft, in its own language, and draw every option of
// each question it shows, checkboxes for checklists.
func TestStepPageTicksExactlySavedAnswersInItsLanguage(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	c := e.client().login("firm@test.local")
	id := startAssessment(t, c)
	for pi, pl := range in.Pillars {
		step := fmt.Sprintf("/assessment/%d/step/%d", id, pi+1)
		form := stepForm(in, pi, c.get(step).body, pi+1, "next")
		for i, q := range pl.Questions { // two ticks on each checklist, "not applicable" or nothing on some others
			switch {
			case q.Type == survey.Multi && form.Has("q."+q.ID):
				form.Add("q."+q.ID, q.Options[0].ID)
			case q.AllowNA && form.Has("q."+q.ID):
				form.Set("q."+q.ID, "na")
			case i%3 == 2:
				form.Del("q." + q.ID)
			}
		}
		c.post(step, form)
	}
	resp, err := e.st.FindResponse(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	nas, problems := 0, 0
	for _, page := range []string{"vi", "en", "vi&check=1", "en&check=1"} { // checked: unanswered questions show a problem
		l, _, _ := strings.Cut(page, "&")
		for pi, pl := range in.Pillars {
			r := c.get(fmt.Sprintf("/assessment/%d/step/%d?lang=%s", id, pi+1, page))
			must(t, r, http.StatusOK)
			problems += strings.Count(r.body, `class="field-error"`)
			for _, q := range pl.Questions {
				na := strings.Contains(r.body, `name="q.`+q.ID+`" value="na" checked>`)
				if saved := resp.Answers[q.ID]; na != saved.NA() {
					t.Fatalf("%s: %s not applicable ticked %v, saved %v", page, q.ID, na, saved.Options)
				}
				if na {
					nas++
				}
			}
			shown := map[string][]string{} // question → options drawn
			for _, m := range choiceInput.FindAllStringSubmatch(r.body, -1) {
				q, ok := in.Question(m[2])
				if !ok || q.Pillar() != pl.ID {
					t.Fatalf("%s step %d draws an option of %s", l, pi+1, m[2])
				}
				o := q.Options[len(shown[q.ID])]
				if m[3] != o.ID || html.UnescapeString(m[5]) != o.Text.In(l) || (m[1] == "checkbox") != (q.Type == survey.Multi) {
					t.Fatalf("%s: option %d of %s drawn as %q, want %s %q", l, len(shown[q.ID]), q.ID, m[0], o.ID, o.Text.In(l))
				}
				if ticked := slices.Contains(resp.Answers[q.ID].Options, o.ID); ticked != (m[4] != "") {
					t.Fatalf("%s: %s=%s ticked %v, saved %v", l, q.ID, o.ID, m[4] != "", resp.Answers[q.ID].Options)
				}
				shown[q.ID] = append(shown[q.ID], o.ID)
			}
			for _, q := range pl.Questions {
				if strings.Contains(r.body, `id="q-`+q.ID+`"`) && len(shown[q.ID]) != len(q.Options) {
					t.Fatalf("%s: %s shows %d of its %d options", l, q.ID, len(shown[q.ID]), len(q.Options))
				}
			}
			if len(shown) == 0 {
				t.Fatalf("%s step %d shows no option", l, pi+1)
			}
		}
	}
	if nas == 0 || problems == 0 {
		t.Fatalf("the draft tested %d 'not applicable' ticks and %d problems shown: the test lost its cases", nas, problems)
	}
}

// A question without a problem is its pieces joined (questionMarkup.whole):
// it must be what the "question" partial renders around its options, for
// random answers (ticked, none, "not applicable") in both languages.
func TestStepQuestionJoinedIsTheQuestionRendered(t *testing.T) {
	e := newEnv(t)
	rng := rand.New(rand.NewPCG(31, 32))
	joined := 0
	for key, in := range e.web.cfg.Instruments {
		for _, l := range locale.Languages {
			tmpl := mustPage(t, e.web.pages, l, "assessment_step")
			for range 3 {
				answers := randomAnswers(rng, in)
				for _, pl := range in.Pillars {
					for i := range pl.Questions {
						q := &pl.Questions[i]
						qv := questionWithPieces(t, e, l, key, pl, q, answers)
						qv.Choices = template.HTML(qv.pieces.join(q, qv.answer))
						want, err := execString(tmpl, "question", qv)
						if err != nil {
							t.Fatal(err)
						}
						if got := string(qv.Markup()); got != want {
							t.Fatalf("%s %s %s %v: joined\n%s\nrendered\n%s", key, l, q.ID, qv.answer.Options, got, want)
						}
						joined++
					}
				}
			}
		}
	}
	if joined == 0 {
		t.Fatal("no question joined")
	}
}
