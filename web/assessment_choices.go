package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"

	"dxready/locale"
	"dxready/survey"
)

// A step page shows seven questions of about five options each: some 250
// template actions a page, each escaped through a reflective call, which
// made the step pages the largest cost of the load tool's firm cycle. A
// question's markup depends only on the language, the instrument, the
// options ticked and whether "not applicable" is, unless the step is
// checked (a problem shown): so the partials "question" and "choice"
// render each question once when the server starts, cut where its options
// go, and each option both ways, and a page joins the pieces. The
// templates still write every byte; a question with a problem is rendered
// in full by the same partial.

// choiceData is the data of the "choice" partial.
type choiceData struct {
	Multi        bool
	Question, ID string
	Text         string
	Checked      bool
}

// choiceMarkup is one option's rendered markup, unticked and ticked.
type choiceMarkup struct{ off, on string }

// questionMarkup is a question rendered without a problem: head (head[1]
// when it is answered: its fieldset says so, for the progress the page
// counts as answers are saved), then its options, then tail (tail[1] when
// "not applicable" is ticked).
type questionMarkup struct {
	head    [2]string
	tail    [2]string
	choices []choiceMarkup
}

// choiceSet holds every question's markup: by language, instrument key
// ("ID@Version", as Config.Instruments) and question ID.
type choiceSet map[string]map[string]map[string]*questionMarkup

// choicesCut marks where a question's options go while it is rendered
// once; it is never sent.
const choicesCut = "<!--dxready:choices-->"

// renderChoices renders every question of every instrument in every
// language with the step page's partials.
func renderChoices(ps *pageSet, ins map[string]*survey.Instrument) (choiceSet, error) {
	cs := choiceSet{}
	for _, l := range locale.Languages {
		t, err := ps.page(l, "assessment_step")
		if err != nil {
			return nil, fmt.Errorf("web: %s: %w", l, err)
		}
		cs[l] = map[string]map[string]*questionMarkup{}
		for key, in := range ins {
			cs[l][key] = map[string]*questionMarkup{}
			for _, pl := range in.Pillars {
				for i := range pl.Questions {
					qm, err := renderQuestion(t, l, pl, &pl.Questions[i])
					if err != nil {
						return nil, fmt.Errorf("web: %s %s: %w", key, pl.Questions[i].ID, err)
					}
					cs[l][key][pl.Questions[i].ID] = qm
				}
			}
		}
	}
	return cs, nil
}

// renderQuestion renders question q of pillar pl in language l, and each
// of its options.
func renderQuestion(t *template.Template, l string, pl survey.Pillar, q *survey.Question) (*questionMarkup, error) {
	qm := &questionMarkup{}
	for _, o := range q.Options {
		d := choiceData{Multi: q.Type == survey.Multi, Question: q.ID, ID: o.ID, Text: o.Text.In(l)}
		off, err := execString(t, "choice", d)
		if err != nil {
			return nil, err
		}
		d.Checked = true
		on, err := execString(t, "choice", d)
		if err != nil {
			return nil, err
		}
		qm.choices = append(qm.choices, choiceMarkup{off: off, on: on})
	}
	qv := questionViewOf(pl, q, l, survey.Answer{}, false)
	qv.Choices = choicesCut
	for answered := range 2 {
		for na := range 2 {
			qv.Answered, qv.NAChecked = answered == 1, na == 1
			out, err := execString(t, "question", qv)
			if err != nil {
				return nil, err
			}
			head, tail, ok := strings.Cut(out, choicesCut)
			if !ok || strings.Contains(tail, choicesCut) || (na == 1 && head != qm.head[answered]) || (answered == 1 && tail != qm.tail[na]) {
				return nil, fmt.Errorf("the question partial must show its options once, after what does not change")
			}
			qm.head[answered], qm.tail[na] = head, tail
		}
	}
	return qm, nil
}

func execString(t *template.Template, name string, data any) (string, error) {
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("web: render %s: %w", name, err)
	}
	return b.String(), nil
}

// question returns question q's rendered pieces in language l, or an error
// when q was not rendered at the start (the instruments are fixed when the
// server starts, so that cannot happen).
func (cs choiceSet) question(l, instrumentKey string, q *survey.Question) (*questionMarkup, error) {
	qm := cs[l][instrumentKey][q.ID]
	if qm == nil || len(qm.choices) != len(q.Options) {
		return nil, fmt.Errorf("web: question %s %s not rendered in %s", instrumentKey, q.ID, l)
	}
	return qm, nil
}

// join joins question q's options as answer a ticks them.
func (qm *questionMarkup) join(q *survey.Question, a survey.Answer) string {
	var b strings.Builder
	b.Grow(qm.size(q, a, ""))
	qm.writeChoices(&b, q, a)
	return b.String()
}

// whole is the question's markup with its options as a ticks them, for a
// question without a problem: one string of the exact size.
func (qm *questionMarkup) whole(q *survey.Question, a survey.Answer, answered, naChecked bool) template.HTML {
	head, tail := qm.ends(answered, naChecked)
	var b strings.Builder
	b.Grow(len(head) + qm.size(q, a, tail))
	qm.writeWhole(&b, q, a, answered, naChecked)
	return template.HTML(b.String()) // rendered by html/template in renderQuestion
}

// writeWhole writes what whole returns into b, a strings.Builder or the
// page's bytes.Buffer (questionWrap).
func (qm *questionMarkup) writeWhole(b io.StringWriter, q *survey.Question, a survey.Answer, answered, naChecked bool) {
	head, tail := qm.ends(answered, naChecked)
	b.WriteString(head)
	qm.writeChoices(b, q, a)
	b.WriteString(tail)
}

// ends are the question's markup before and after its options.
func (qm *questionMarkup) ends(answered, naChecked bool) (head, tail string) {
	head, tail = qm.head[0], qm.tail[0]
	if naChecked {
		tail = qm.tail[1]
	}
	if answered {
		head = qm.head[1]
	}
	return head, tail
}

// size is the length of q's options as a ticks them, and of tail.
func (qm *questionMarkup) size(q *survey.Question, a survey.Answer, tail string) int {
	n := len(tail)
	for i, o := range q.Options {
		if slices.Contains(a.Options, o.ID) {
			n += len(qm.choices[i].on)
		} else {
			n += len(qm.choices[i].off)
		}
	}
	return n
}

// writeChoices writes q's options as a ticks them into b, a strings.Builder
// or a bytes.Buffer (whose writes do not fail: there is no error to keep).
func (qm *questionMarkup) writeChoices(b io.StringWriter, q *survey.Question, a survey.Answer) {
	for i, o := range q.Options {
		if slices.Contains(a.Options, o.ID) {
			b.WriteString(qm.choices[i].on)
		} else {
			b.WriteString(qm.choices[i].off)
		}
	}
}
