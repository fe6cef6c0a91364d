package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"dxready/locale"
	"dxready/survey"
)

// The review page lists every applicable question (42) with its answer and
// a link to change it: some 340 template actions, the largest page of the
// load tool's firm cycle. A line depends only on the language, the
// instrument, the question, the answer's options and the response ID, so
// the partial "review-answer" renders each line once when the server
// starts, cut around its answer text and at the response ID in its link,
// and renders each option's text, and a page joins the pieces, as the step
// page does its questions (assessment_choices.go). The templates still
// write every byte: html/template escapes text one character at a time,
// so the escaped texts of the options joined are the escaped text of the
// answer.

// reviewLine is one question's line of the review page in one language.
type reviewLine struct {
	before, after string   // answered: before the answer's text, and after it up to the response ID
	unanswered    string   // not answered: up to the response ID
	tail          string   // after the response ID
	options       []string // each option's text, as the line writes it
	none, na, sep string   // an answer with no known option; not applicable; between two options
}

// reviewLines holds every question's line: by language, instrument key
// ("ID@Version", as Config.Instruments) and question ID.
type reviewLines map[string]map[string]map[string]*reviewLine

// Cut marks: the answer's text and the response ID of the line rendered
// at the start. Neither is escaped in its place, and neither is sent.
const (
	reviewAnswerCut       = "dxready:answer"
	reviewIDCut     int64 = 987654321098765432
)

// changeURL is the link of question qid's line, on step pi+1 of response
// id: the step opens at the question and, saved, comes back to the review.
func changeURL(id int64, pi int, qid string) string {
	return fmt.Sprintf("/assessment/%d/step/%d?from=review&changed=%s#q-%s", id, pi+1, url.QueryEscape(qid), qid)
}

// renderReviewLines renders every question's line of every instrument in
// every language with the review page's partial.
func renderReviewLines(ps *pageSet, b *locale.Bundle, ins map[string]*survey.Instrument) (reviewLines, error) {
	rl := reviewLines{}
	for _, l := range locale.Languages {
		t, err := ps.page(l, "assessment_review")
		if err != nil {
			return nil, fmt.Errorf("web: %s: %w", l, err)
		}
		loc := b.For(l)
		rl[l] = map[string]map[string]*reviewLine{}
		for key, in := range ins {
			rl[l][key] = map[string]*reviewLine{}
			for pi, pl := range in.Pillars {
				for i := range pl.Questions {
					line, err := renderReviewLine(t, loc, l, pi, &pl.Questions[i])
					if err != nil {
						return nil, fmt.Errorf("web: review line %s %s: %w", key, pl.Questions[i].ID, err)
					}
					rl[l][key][pl.Questions[i].ID] = line
				}
			}
		}
	}
	return rl, nil
}

// renderReviewLine renders the line of question q, on step pi+1, in
// language l: unanswered, answered with a cut mark, and answered with
// each text an answer can show.
func renderReviewLine(t *template.Template, loc *locale.Localizer, l string, pi int, q *survey.Question) (*reviewLine, error) {
	id := strconv.FormatInt(reviewIDCut, 10)
	av := answerView{ID: q.ID, Question: q.Text.In(l), URL: changeURL(reviewIDCut, pi, q.ID)}
	un, err := execString(t, "review-answer", av)
	if err != nil {
		return nil, err
	}
	av.Answer = reviewAnswerCut
	an, err := execString(t, "review-answer", av)
	if err != nil {
		return nil, err
	}
	line := &reviewLine{}
	before, rest, ok1 := strings.Cut(an, reviewAnswerCut)
	after, tail, ok2 := strings.Cut(rest, id)
	unanswered, tail2, ok3 := strings.Cut(un, id)
	if !ok1 || !ok2 || !ok3 || tail != tail2 || strings.Contains(rest, reviewAnswerCut) || strings.Contains(tail, id) {
		return nil, fmt.Errorf("the review-answer partial must show its answer once, then the response ID once")
	}
	line.before, line.after, line.unanswered, line.tail = before, after, unanswered, tail
	text := func(s string) (string, error) { // s as the line writes it
		if s == "" {
			return "", nil
		}
		av.Answer = s
		out, err := execString(t, "review-answer", av)
		if err != nil || !strings.HasPrefix(out, before) || !strings.HasSuffix(out, after+id+tail) {
			return "", fmt.Errorf("an answer's text changed what the line writes around it: %v", err)
		}
		return out[len(before) : len(out)-len(after+id+tail)], nil
	}
	for _, o := range q.Options {
		s, err := text(o.Text.In(l))
		if err != nil {
			return nil, err
		}
		line.options = append(line.options, s)
	}
	if line.none, err = text(loc.T("common.none")); err != nil {
		return nil, err
	}
	if line.na, err = text(loc.T("page.assessment.not_applicable")); err != nil {
		return nil, err
	}
	line.sep, err = text("; ")
	return line, err
}

// line returns question q's line in language l, or nil when it was not
// rendered at the start (the instruments are fixed when the server starts,
// so that cannot happen).
func (rl reviewLines) line(l, instrumentKey string, q *survey.Question) *reviewLine {
	line := rl[l][instrumentKey][q.ID]
	if line == nil || len(line.options) != len(q.Options) {
		return nil
	}
	return line
}

// write writes question q's line for response id (its digits), answered a
// (answered false: not at all), as the partial would: the options' texts
// as optionTexts joins them, "not applicable" over them.
func (line *reviewLine) write(b *bytes.Buffer, q *survey.Question, a survey.Answer, answered bool, id string) {
	start := b.Len()
	if answered {
		b.WriteString(line.before)
		switch {
		case a.NA():
			b.WriteString(line.na)
		default:
			texts := 0
			for _, o := range a.Options {
				for i := range q.Options {
					if q.Options[i].ID == o {
						if texts > 0 {
							b.WriteString(line.sep)
						}
						b.WriteString(line.options[i])
						texts++
						break
					}
				}
			}
			if texts == 0 {
				b.WriteString(line.none)
			}
		}
		if b.Len() == start+len(line.before) { // an empty text is no answer, as {{if .Answer}} has it
			answered = false
		}
	}
	if answered {
		b.WriteString(line.after)
	} else {
		b.Truncate(start)
		b.WriteString(line.unanswered)
	}
	b.WriteString(id)
	b.WriteString(line.tail)
}
