package web

import (
	"bytes"
	"fmt"
	"html/template"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"dxready/auth"
	"dxready/locale"
	"dxready/survey"
)

// reviewFrameFields are the fields of the review page's data the content
// in pieces knows (reviewShape or a value's field); the test below fails
// when one is added, so that it is added to the pieces too.
var reviewFrameFields = map[string][]string{
	"reviewPage":        {"ResponseID", "Version", "Unanswered", "UnansweredCount", "Pillars", "Answered", "Total", "Problem", "Changes", "CanSubmit", "Private"},
	"unansweredView":    {"Pillar", "Text", "URL"},
	"pillarAnswersView": {"ID", "Name", "Markup", "Answers"},
	"changeView":        {"When", "Who", "Question", "Answer"},
}

func TestReviewPiecesKnowEveryFieldOfTheReviewPage(t *testing.T) {
	for _, rt := range []reflect.Type{reflect.TypeFor[reviewPage](), reflect.TypeFor[unansweredView](), reflect.TypeFor[pillarAnswersView](), reflect.TypeFor[changeView]()} {
		var got []string
		for i := range rt.NumField() {
			if f := rt.Field(i); !f.Anonymous {
				got = append(got, f.Name)
			}
		}
		if want := reviewFrameFields[rt.Name()]; strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s has the fields %v; the review's pieces know %v", rt.Name(), got, want)
		}
	}
}

// hostileReviewValues are values that each escaper writes its own way, or
// that look like the pieces' own marks and IDs.
var hostileReviewValues = []string{"", "Nguyễn Văn An", `<script>alert("x")</script>`, `a'b"c&d+e`, "javascript:alert(1)",
	"/assessment/1/step/2?from=review&changed=a+b#q-x", "dxrv00000k", "dxrv09003k", "987654321098765433", "\x00\xff%zz%41 é",
	`"><img src=x onerror=alert(1)>`, "dxslot99c", "dxprobe"}

// randomReviewPage is a review page of a random shape with values drawn
// from hostileReviewValues, and random counts (stepCounts or any, the
// answered equal to the total a third of the time).
func randomReviewPage(rng *rand.Rand, l string) reviewPage {
	v := func() string { return hostileReviewValues[rng.IntN(len(hostileReviewValues))] }
	p := reviewPage{page: page{Lang: l, Title: "page.assessment_review.title"}, ResponseID: []int64{1, 42, reviewIDMark, 1 << 40}[rng.IntN(4)],
		Version: v(), Answered: reviewCount(rng), Total: reviewCount(rng), CanSubmit: rng.IntN(2) == 0, Private: rng.IntN(3) == 0,
		Problem: []string{"", "", "error.claim.submit_unverified", "error.survey.incomplete", "error.survey.changed_since_review"}[rng.IntN(5)]}
	for range rng.IntN(4) * rng.IntN(12) {
		p.Unanswered = append(p.Unanswered, unansweredView{Pillar: v(), Text: v(), URL: v()})
	}
	for range rng.IntN(8) {
		pv := pillarAnswersView{ID: v(), Name: v()}
		if rng.IntN(5) > 0 {
			pv.Markup = template.HTML(v() + "<dt>q</dt><dd>a</dd>") // lines are the template's own markup
		}
		p.Pillars = append(p.Pillars, pv)
	}
	for range rng.IntN(3) * rng.IntN(16) {
		p.Changes = append(p.Changes, changeView{When: v(), Who: v(), Question: v(), Answer: v()})
	}
	if rng.IntN(3) == 0 {
		p.Answered = p.Total
	}
	p.UnansweredCount = len(p.Unanswered)
	return p
}

// reviewCount is a count of stepCounts, or any up to 5,000.
func reviewCount(rng *rand.Rand) int {
	if rng.IntN(2) == 0 {
		return stepCounts[rng.IntN(len(stepCounts))]
	}
	return rng.IntN(5000)
}

// problemShapes are message IDs without plural forms, as problems: each
// one a shape of the review.
func problemShapes(e *env, n int) []string {
	var ids []string
	for _, id := range e.web.cfg.Bundle.MessageIDs(locale.VI) {
		if !e.web.cfg.Bundle.IsPlural(id) && len(ids) < n {
			ids = append(ids, id)
		}
	}
	return ids
}

// The review's content joined from its pieces is the whole template's,
// byte for byte, for random shapes (progress, problems, questions not
// answered, pillars shown or not, changes, claims) and hostile values in
// every place, in both languages, its pieces kept from earlier pages of
// other values.
func TestReviewContentInPiecesIsTheWholeTemplates(t *testing.T) {
	e := newEnv(t)
	rng := rand.New(rand.NewPCG(14, 12))
	joined := 0
	for i := range 600 {
		l := locale.Languages[i%len(locale.Languages)]
		tmpl := mustPage(t, e.web.pages, l, "assessment_review")
		p := randomReviewPage(rng, l)
		if len(e.web.reviewFrames.kept[l]) >= maxReviewShapes { // full: further shapes would render whole
			e.web.reviewFrames = newReviewFrames(e.web.cfg.Bundle)
		}
		var got, want bytes.Buffer
		done, err := e.web.reviewFrames.write(&got, l, tmpl, &p)
		if err != nil || !done {
			t.Fatalf("page %d (%+v): not joined: %v", i, p, err)
		}
		if err := tmpl.ExecuteTemplate(&want, "content", p); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("page %d in %s differs from the whole template's:\n%s", i, l, firstDifference(got.String(), want.String()))
		}
		joined++
	}
	for _, l := range locale.Languages {
		if n := len(e.web.reviewFrames.kept[l]); n < 20 || n > maxReviewShapes {
			t.Fatalf("%s: %d shapes kept: the test lost its cases or the pieces their bound", l, n)
		}
	}
}

// A page the pieces cannot write (a pillar listed by the template) renders
// whole, and its content is unchanged.
func TestReviewContentInPiecesLeavesWhatTheyCannotWrite(t *testing.T) {
	e := newEnv(t)
	tmpl := mustPage(t, e.web.pages, locale.EN, "assessment_review")
	listed := reviewPage{Pillars: []pillarAnswersView{{ID: "p", Name: "P", Answers: []answerView{{ID: "q", Question: "Q", Answer: "A", URL: "/u"}}}}}
	for _, p := range []reviewPage{listed} {
		var b bytes.Buffer
		if done, err := e.web.reviewFrames.write(&b, locale.EN, tmpl, &p); done || err != nil || b.Len() != 0 {
			t.Fatalf("written from pieces (%v, %v, %d bytes)", done, err, b.Len())
		}
	}
}

// The kept shapes are bounded, and a shape is cut at most once: flooded
// with three times the bound of shapes (problems: a template change could
// add that many branches), twice over, a language keeps the first
// maxReviewShapes, renders the rest whole, and cuts none again on the
// second pass. With a clear when full, every page of the second pass was
// cut again, at ~5 times the whole template's cost.
func TestReviewPiecesStayBounded(t *testing.T) {
	e := newEnv(t)
	tmpl := mustPage(t, e.web.pages, locale.VI, "assessment_review")
	rf := e.web.reviewFrames
	problems := problemShapes(e, 3*maxReviewShapes)
	for pass := range 2 {
		for i := range 3 * maxReviewShapes {
			p := reviewPage{Answered: i % 43, Total: 42 + i/43, Version: strconv.Itoa(i), Problem: problems[i]}
			var b bytes.Buffer
			done, err := rf.write(&b, locale.VI, tmpl, &p)
			if err != nil {
				t.Fatalf("pass %d, shape %d: %v", pass, i, err)
			}
			if done != (i < maxReviewShapes) {
				t.Fatalf("pass %d, shape %d: joined from pieces %v; want the first %d shapes joined, the rest whole", pass, i, done, maxReviewShapes)
			}
			if n := len(rf.kept[locale.VI]); n > maxReviewShapes {
				t.Fatalf("%d shapes kept", n)
			}
		}
		if n := rf.cuts.Load(); n != maxReviewShapes {
			t.Fatalf("after pass %d: %d shapes cut; want %d, each once", pass, n, maxReviewShapes)
		}
	}
}

// Through the portal: the review pages of a draft answered over and over
// by users whose names need escaping (the changes' table), with "not
// applicable" and unticked answers, in both languages, are the whole
// template's (newEnv's layoutCheck compares every page served), and their
// content came from the pieces.
func TestReviewPagesServedFromPieces(t *testing.T) {
	e := newEnv(t)
	in, _ := survey.Latest(e.web.cfg.Instruments, survey.DefaultID)
	d, err := e.st.Draft(ctx, e.fx.GoDuc.ID, in, survey.Profile{Section: "C", Size: "small"}, e.fx.FirmUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{`<b>Bà "Tư"</b> & 'Ba'`, "dxrv09000k", "javascript:alert(1)", "987654321098765433"}
	rng := rand.New(rand.NewPCG(14, 3))
	for i, name := range names {
		u := &auth.User{Email: fmt.Sprintf("u%d@test.local", i), Name: name, Role: auth.RoleFirm, FirmID: e.fx.GoDuc.ID,
			Status: auth.StatusActive, Lang: "vi", PasswordHash: "x", EmailVerified: true}
		if err := e.st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		for range 2 { // a few answers each, so the last users' changes are among the 15 shown
			answers := map[string]survey.Answer{}
			for q, a := range randomAnswers(rng, in) {
				if len(answers) < 3 {
					answers[q] = a
				}
			}
			if err := e.st.SaveAnswers(ctx, d.ID, e.fx.GoDuc.ID, answers, u.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	c := e.client().login("firm@test.local")
	for _, l := range locale.Languages {
		before := len(e.web.reviewFrames.kept[l])
		r := c.get(fmt.Sprintf("/assessment/%d/review?lang=%s", d.ID, l))
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d", l, r.status)
		}
		for _, name := range names[2:] {
			if !strings.Contains(r.body, "<td>"+template.HTMLEscapeString(name)+"</td>") {
				t.Fatalf("%s: no change by %q shown", l, name)
			}
		}
		if len(e.web.reviewFrames.kept[l]) != before+1 {
			t.Fatalf("%s: the review's content did not come from pieces", l)
		}
	}
}

// Review pages are served at once: pieces cut, kept, and read from many
// goroutines (run with -race), past the bound too, still write the whole
// template's content, or nothing when the shape renders whole.
func TestReviewPiecesUnderConcurrentRequests(t *testing.T) {
	e := newEnv(t)
	problems := problemShapes(e, 2*maxReviewShapes)
	results := make(chan string)
	for g := range 6 {
		go func() {
			rng := rand.New(rand.NewPCG(uint64(g), 6))
			for i := range 150 {
				l := locale.Languages[(g+i)%len(locale.Languages)]
				tmpl := mustPage(t, e.web.pages, l, "assessment_review")
				p := randomReviewPage(rng, l)
				p.Problem = problems[rng.IntN(len(problems))] // many shapes: the kept pieces fill up
				var got, want bytes.Buffer
				joined, err := e.web.reviewFrames.write(&got, l, tmpl, &p)
				if err == nil {
					err = tmpl.ExecuteTemplate(&want, "content", p)
				}
				if !joined && err == nil && got.Len() == 0 { // full: the caller renders it whole
					continue
				}
				if err != nil || !joined || got.String() != want.String() {
					results <- fmt.Sprintf("goroutine %d page %d: %v %v\n%s", g, i, joined, err, firstDifference(got.String(), want.String()))
					return
				}
			}
			results <- ""
		}()
	}
	for range 6 {
		if msg := <-results; msg != "" {
			t.Fatal(msg)
		}
	}
}
