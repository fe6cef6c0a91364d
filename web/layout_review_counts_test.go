package web

import (
	"bytes"
	"fmt"
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"

	"dxready/locale"
)

// A flood of review pages, each of other counts and list lengths (as real
// users at every point of the survey: answered, total, questions not
// answered, pillars shown, changes; with hostile values in every place):
// every page is the whole template's, and a language cuts one set of
// pieces per shape (the count's class, lists empty or not, two problems,
// the claim's flags: 96 at most), not one per count; before, the shape
// held the counts, a language cut 256 and rendered every page past them
// whole.
func TestReviewPiecesFloodedWithCounts(t *testing.T) {
	e := newEnv(t)
	rf := e.web.reviewFrames
	rng := rand.New(rand.NewPCG(18, 6))
	for _, l := range locale.Languages {
		tmpl := mustPage(t, e.web.pages, l, "assessment_review")
		before := rf.cuts.Load()
		for i := range 5000 {
			p := randomReviewPage(rng, l)
			p.Problem = []string{"", "error.survey.incomplete"}[rng.IntN(2)]
			if rng.IntN(4) == 0 { // a long list too: the items are repeated pieces
				for range rng.IntN(1300) {
					p.Unanswered = append(p.Unanswered, unansweredView{URL: "/a?b=1&c=<2>", Pillar: "P", Text: `"T"`})
				}
				p.UnansweredCount = len(p.Unanswered)
			}
			var got, want bytes.Buffer
			done, err := rf.write(&got, l, tmpl, &p)
			if err != nil || !done {
				t.Fatalf("%s %d: not joined: %v", l, i, err)
			}
			if err := tmpl.ExecuteTemplate(&want, "content", p); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Fatalf("%s %d (answered %d of %d, %d not answered) differs from the whole template's:\n%s", l, i, p.Answered, p.Total,
					p.UnansweredCount, firstDifference(got.String(), want.String()))
			}
		}
		t.Logf("%s: %d shapes cut for 5,000 pages", l, rf.cuts.Load()-before)
		if n := rf.cuts.Load() - before; n > 96 || len(rf.kept[l]) > 96 {
			t.Fatalf("%s: %d shapes cut, %d kept, for 5,000 pages: the counts make shapes", l, n, len(rf.kept[l]))
		}
	}
}

// A count that changes the plural form in English ("1 question is", "2
// questions are") is written from pieces in its own form, and a count
// Vietnamese groups ("1.234") as the template groups it, from pieces cut
// for other counts.
func TestReviewPiecesWriteEachCountsPluralForm(t *testing.T) {
	e := newEnv(t)
	want := map[string]map[int]string{
		locale.EN: {1: ">1 question is still unanswered:<", 2: ">2 questions are still unanswered:<", 1234: ">1,234 questions are still unanswered:<"},
		locale.VI: {1: ">Còn 1 câu chưa trả lời:<", 2: ">Còn 2 câu chưa trả lời:<", 1234: ">Còn 1.234 câu chưa trả lời:<"},
	}
	for _, l := range locale.Languages {
		tmpl := mustPage(t, e.web.pages, l, "assessment_review")
		for _, n := range []int{3, 1, 2, 1234, 1, 2} {
			p := reviewPage{page: page{Lang: l}, ResponseID: 9, Answered: 1234, Total: 1234, UnansweredCount: n,
				Unanswered: make([]unansweredView, n)}
			var b bytes.Buffer
			if done, err := e.web.reviewFrames.write(&b, l, tmpl, &p); err != nil || !done {
				t.Fatalf("%s %d: %v %v", l, n, done, err)
			}
			if w, ok := want[l][n]; ok && !strings.Contains(b.String(), w) {
				t.Errorf("%s: %d not answered shown without %q", l, n, w)
			}
			if !strings.Contains(b.String(), `max="1234" value="1234">1234/1234<`) {
				t.Errorf("%s: the progress not written as the template writes it", l)
			}
		}
	}
}

// A review template that branches on a count, or writes a list's length
// its pieces cannot know, is not written from pieces: the count's use is
// refused when cut, and pieces that write other than the template for
// one and three items are refused too; the page renders whole.
func TestReviewPiecesRefuseBranchesOnCounts(t *testing.T) {
	e := newEnv(t)
	loc := e.web.cfg.Bundle.For(locale.EN)
	sh := reviewShape{unanswered: 2, listed: true, shown: true, changes: true}
	for _, content := range []string{`{{if eq .Answered .Total}}done{{end}}`, `{{if gt .UnansweredCount 9}}many{{end}}`,
		`{{t "page.assessment.progress" "Count" .Total}}`, `{{add .Answered 1}}`, `{{len .Unanswered}}`, `{{len .Changes}}`,
		`{{range $i, $c := .Changes}}{{$i}}{{end}}`, `{{range .Pillars}}{{if .Markup}}{{.Name}}{{else}}hidden{{end}}{{end}}`} {
		tmpl := template.Must(template.New("base").Funcs(template.FuncMap{"t": loc.T, "add": func(a, b int) int { return a + b }}).Parse(
			`{{define "content"}}<p>{{.Answered}}/{{.Total}}</p>` + content +
				`{{range .Unanswered}}<li>{{.URL}}</li>{{end}}{{range .Changes}}<td>{{.Who}}</td>{{end}}{{end}}`))
		if _, err := cutReview(tmpl, loc, sh); err == nil {
			t.Errorf("%s: cut", content)
		}
	}
	if err := checkReviewCounts(mustPage(t, e.web.pages, locale.VI, "assessment_review")); err != nil {
		t.Errorf("the review page: %v", err)
	}
}

// Values that look like the pieces' marks or stand-ins (a change by a
// user named "71828182" or "dxrv12000k") are written as themselves: the
// counts are cut from the template's output before any value is in it.
func TestReviewPiecesValuesLikeTheirMarks(t *testing.T) {
	e := newEnv(t)
	for _, l := range locale.Languages {
		tmpl := mustPage(t, e.web.pages, l, "assessment_review")
		for _, v := range []string{"71828182", "16.180.339", "dxrv12000k", "dxrv15000k", "dxst10k", fmt.Sprint(reviewIDMark)} {
			p := reviewPage{page: page{Lang: l}, ResponseID: 71828182, Version: v, Answered: 16180339, Total: 14142135, UnansweredCount: 1,
				Unanswered: []unansweredView{{URL: v, Pillar: v, Text: v}}, Changes: []changeView{{When: v, Who: v, Question: v, Answer: v}}}
			var got, want bytes.Buffer
			if done, err := e.web.reviewFrames.write(&got, l, tmpl, &p); err != nil || !done {
				t.Fatalf("%s %q: %v %v", l, v, done, err)
			}
			if err := tmpl.ExecuteTemplate(&want, "content", p); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Fatalf("%s %q:\n%s", l, v, firstDifference(got.String(), want.String()))
			}
		}
	}
}
