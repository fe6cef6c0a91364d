package web

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"sync/atomic"

	"dxready/survey"
)

// questionWrap is what the "step-questions" template writes around each
// question that shows no more than its markup (no problem, no follow-up
// just opened): pre, the question's markup, post. It is learned from the
// template when the server starts (learnQuestionWrap), and a step page's
// questions are then written from their pieces straight into the page.
// Joining each question into a string of 1-2 kB first (Markup), and the
// template's run over them, were the largest allocation of the load
// tool's firm cycle (9 % of its bytes) and about a fifth of a step page's
// CPU (docs/PERFORMANCE.md).
type questionWrap struct {
	pre, post string
	written   atomic.Int64 // pages served whose questions it wrote (stepFrame.write)
}

// writes reports whether w writes p's questions: every one has its pieces,
// no problem and was not just opened; otherwise the template renders them.
func (w *questionWrap) writes(p *stepPage) bool {
	if w == nil {
		return false
	}
	for i := range p.Questions {
		if q := &p.Questions[i]; q.pieces == nil || q.Problem != "" || q.Opened {
			return false
		}
	}
	return true
}

// write writes p's questions into b, as the template would.
func (w *questionWrap) write(b *bytes.Buffer, p *stepPage) {
	for i := range p.Questions {
		q := &p.Questions[i]
		b.WriteString(w.pre)
		q.pieces.writeWhole(b, q.q, q.answer, q.Answered, q.NAChecked)
		b.WriteString(w.post)
	}
}

// maxWrapCheck is the most questions of a page the wrap is checked on,
// more than any step has.
const maxWrapCheck = 24

// learnQuestionWrap learns what t's "step-questions" writes around a
// question, from a page of one stand-in question, and checks that the wrap
// writes what the template writes for pages of none to maxWrapCheck
// questions whose every field differs (set, unset, empty), on a page whose
// every field differs too: an error when the template writes, around a
// question, anything that depends on the question or the page (beyond its
// markup), or not once per question. Then the template renders every
// page's questions.
func learnQuestionWrap(t *template.Template) (*questionWrap, error) {
	// a is like the questions the wrap writes (no options apart: Choices
	// ""), b has every field set, c every string empty.
	a, b, c := wrapStandIn("a", false), wrapStandIn("b", true), wrapStandIn("c", false)
	a.Choices, c.ID, c.Text, c.Help, c.Choices = "", "", "", "", ""
	one, err := execString(t, "step-questions", &stepPage{Questions: []questionView{a}})
	if err != nil {
		return nil, err
	}
	mark := string(a.Markup())
	pre, post, ok := strings.Cut(one, mark)
	if !ok || strings.Contains(post, mark) {
		return nil, fmt.Errorf("the question's markup is not written once: %q", one)
	}
	w := &questionWrap{pre: pre, post: post}
	long := make([]questionView, 0, maxWrapCheck)
	for i := range maxWrapCheck {
		long = append(long, []questionView{a, b, c}[i%3])
	}
	for _, qs := range [][]questionView{nil, {b}, {c}, {a, b}, {b, a, c}, long} {
		p := wrapCheckPage(qs)
		want, err := execString(t, "step-questions", p)
		if err != nil {
			return nil, err
		}
		var got bytes.Buffer
		w.write(&got, p)
		if got.String() != want {
			return nil, fmt.Errorf("the template writes around %d questions other than around one, from byte %d", len(qs), differsAt(got.String(), want))
		}
	}
	return w, nil
}

// wrapStandIn is a stand-in question whose markup is a mark of its own;
// on sets every flag.
func wrapStandIn(id string, on bool) questionView {
	mark := "<!--dxready:question-" + id + "-->"
	return questionView{ID: "dxq" + id, Text: "dxt" + id, Help: "dxh" + id, Multi: on, AllowNA: on, NAChecked: on,
		Choices: template.HTML("<!--dxready:choices-" + id + "-->"), Answered: on, FollowUp: on, Gateway: on,
		pieces: &questionMarkup{head: [2]string{mark + "0", mark + "1"}, tail: [2]string{"", "<!--na-->"}}, q: &survey.Question{}}
}

// wrapCheckPage is a page of questions qs whose every field differs from
// the zero page's, which the wrap is learned on.
func wrapCheckPage(qs []questionView) *stepPage {
	return &stepPage{page: page{Lang: "dxl", OtherLang: "dxo", Here: "/dxh", LangURL: "/dxu", Path: "/dxp", Flash: "dxf", Demo: true, Title: "dxt"},
		ResponseID: 987654321, Step: 2, Steps: 3, PillarName: "dxpn", PillarDesc: "dxpd", Questions: qs, Answered: 5, Total: 9,
		Instrument: "dxi", Description: "dxd", Missing: 1, Private: true, FromReview: true, Changed: "dxc"}
}
