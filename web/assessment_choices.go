package web

import (
	"bytes"
	"fmt"
	"html/template"
	"slices"
	"strings"

	"dxready/locale"
	"dxready/survey"
)

// A step page shows about 35 options, each a radio button or checkbox with
// its label: some 150 template actions a page, each escaped through a
// reflective call, which made the step page's rendering the largest cost
// of the load tool's firm cycle. An option's markup depends only on the
// language, the instrument and whether it is ticked, so the partial
// "choice" renders each option both ways once, when the server starts, and
// a page joins the pieces (the template still writes every byte of it).

// choiceData is the data of the "choice" partial.
type choiceData struct {
	Multi        bool
	Question, ID string
	Text         string
	Checked      bool
}

// choiceMarkup is one option's rendered markup, unticked and ticked.
type choiceMarkup struct{ off, on string }

// choiceSet holds every option's markup: by language, instrument key
// ("ID@Version", as Config.Instruments) and question ID.
type choiceSet map[string]map[string]map[string][]choiceMarkup

// renderChoices renders every option of every instrument in every
// language with the step page's "choice" partial.
func renderChoices(ps *pageSet, ins map[string]*survey.Instrument) (choiceSet, error) {
	cs := choiceSet{}
	for _, l := range locale.Languages {
		t, ok := ps.byLang[l]["assessment_step"]
		if !ok {
			return nil, fmt.Errorf("web: no assessment_step page for %s", l)
		}
		cs[l] = map[string]map[string][]choiceMarkup{}
		for key, in := range ins {
			byQuestion := map[string][]choiceMarkup{}
			for _, q := range in.Questions() {
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
					byQuestion[q.ID] = append(byQuestion[q.ID], choiceMarkup{off: off, on: on})
				}
			}
			cs[l][key] = byQuestion
		}
	}
	return cs, nil
}

func execString(t *template.Template, name string, data any) (string, error) {
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("web: render %s: %w", name, err)
	}
	return b.String(), nil
}

// markup joins question q's options as the user's answer a ticks them.
// An option not rendered at the start is an error (the instruments are
// fixed when the server starts, so it cannot happen).
func (cs choiceSet) markup(l, instrumentKey string, q *survey.Question, a survey.Answer) (template.HTML, error) {
	pieces := cs[l][instrumentKey][q.ID]
	if len(pieces) != len(q.Options) {
		return "", fmt.Errorf("web: options of %s %s not rendered in %s", instrumentKey, q.ID, l)
	}
	var b strings.Builder
	for i, o := range q.Options {
		if slices.Contains(a.Options, o.ID) {
			b.WriteString(pieces[i].on)
		} else {
			b.WriteString(pieces[i].off)
		}
	}
	return template.HTML(b.String()), nil // rendered by html/template in renderChoices
}
