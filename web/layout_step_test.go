package web

import (
	"bytes"
	"fmt"
	"html/template"
	"reflect"
	"testing"

	"dxready/locale"
)

// Every field of stepPage is in the frame's key or cut out of the frame: a
// field added to the page fails here until someone decides which.
func TestStepFrameKeyHoldsEveryFieldOfTheStepPage(t *testing.T) {
	st := reflect.TypeFor[stepPage]()
	for i := range st.NumField() {
		if f := st.Field(i); !f.Anonymous && !stepFrameFields[f.Name] {
			t.Errorf("stepPage.%s is neither in stepFrameKey nor cut out of the frame", f.Name)
		}
	}
	kt := reflect.TypeFor[stepFrameKey]()
	for i := range kt.NumField() {
		if !stepFrameFields[kt.Field(i).Name] {
			t.Errorf("stepFrameKey.%s is not one of stepFrameFields", kt.Field(i).Name)
		}
	}
}

// Step pages joined from kept frames are the whole template's, for any
// step, progress, flags and response (an ID whose digits also appear in
// the page, a frame kept for another response or language first), and a
// changed question renders whole.
func TestStepFramesAreTheWholeTemplatesContent(t *testing.T) {
	e := newEnv(t)
	s, frames := e.web, 0
	qs := []questionView{withMarkup(questionView{ID: "q1", Text: `a "q" <1>`, Opened: true}, "<fieldset>1</fieldset>"), withMarkup(questionView{ID: "q2", Text: "b"}, "<fieldset>2</fieldset>")}
	for _, l := range locale.Languages {
		tmpl := mustPage(t, s.pages, l, "assessment_step")
		for i := range 96 {
			p := stepPage{page: page{Lang: l, Title: "page.assessment.title"}, ResponseID: []int64{1, 6, 42, 987654321098765431}[i%4],
				Step: 1 + i%6, Steps: 6, Answered: i % 5, Total: 42, Missing: (i / 6) % 2 * 3, Private: i%3 == 0, FromReview: i%7 == 0,
				Instrument: "Instrument <i>", PillarName: "P&1", PillarDesc: "d'", Description: "D", Questions: qs[:i%3]}
			if i%11 == 0 {
				p.Changed = `q1"><b>`
			}
			var joined, whole bytes.Buffer
			done, err := s.stepFrames.write(&joined, l, tmpl, &p)
			if err != nil || done != (p.Changed == "") {
				t.Fatalf("%d: joined %v, %v", i, done, err)
			}
			if !done {
				continue
			}
			frames++
			if err := tmpl.ExecuteTemplate(&whole, "content", p); err != nil {
				t.Fatal(err)
			}
			if joined.String() != whole.String() {
				t.Fatalf("%s %d: the frame differs from the whole content:\n%s", l, i, firstDifference(joined.String(), whole.String()))
			}
		}
	}
	if frames == 0 || len(s.stepFrames.kept[locale.EN]) == 0 {
		t.Fatal("no frame kept")
	}
}

// A step page's content that shows what the frame's key does not hold
// cannot be kept: the server does not start with it.
func TestStepFrameRefusesContentShowingMoreThanItsKey(t *testing.T) {
	for _, content := range []string{`{{.Lang}}`, `{{if .User}}x{{end}}`, `{{len .Questions}}`, `{{range .Questions}}{{.ID}}{{end}}`,
		`{{with .Step}}{{.}}{{end}}`, `{{$s := .Step}}{{$s}}`, `{{template "x" .Questions}}`, `{{.}}`, `{{template "x" .}}`} {
		tmpl := template.Must(template.New("base").Funcs(template.FuncMap{"t": fmt.Sprint}).Parse(`{{define "content"}}` + content +
			`{{end}}{{define "x"}}{{.Here}}{{end}}`))
		if err := checkStepFrame(tmpl); err == nil {
			t.Errorf("%s: accepted", content)
		}
	}
	tmpl := template.Must(template.New("base").Funcs(template.FuncMap{"t": fmt.Sprint}).Parse(
		`{{define "content"}}{{if lt .Step .Steps}}{{t "x" "N" .Answered}}{{.ResponseID}}{{end}}{{template "step-questions" .}}{{end}}`))
	if err := checkStepFrame(tmpl); err != nil {
		t.Error(err)
	}
}
