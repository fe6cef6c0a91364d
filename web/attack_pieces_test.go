package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"sync"
	"testing"

	"dxready/locale"
	"dxready/survey"
	"dxready/templates"
)

// Attacks on the pages parsed once per process (render.go) and on the
// review's and step's pieces holding their counts as values
// (layout_counts.go, layout_review.go, layout_step.go).

// pageNames are the names of every page template.
func pageNames(t *testing.T) []string {
	t.Helper()
	files, err := fs.Glob(templates.FS, "pages/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("pages: %v %v", files, err)
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(path.Base(f), ".html"))
	}
	return names
}

// A server that has served pages of every kind (signed out and in, a step
// page joined from its frame, the review joined from its pieces, an error
// page, in both languages) has run only its own clones: every page parsed
// once can still be cloned by the next server (html/template refuses to
// clone a template once run), and a clone of it that no server bound fails
// rather than render with some server's functions.
func TestAttackParsedPagesAreNeverRun(t *testing.T) {
	e := newEnv(t)
	d := attackDraft(t, e)
	firm := e.client().login("firm@test.local")
	anon := e.client()
	for _, l := range locale.Languages {
		for _, p := range []string{"/", "/login", "/register", "/contact", "/glossary", "/no/such/page"} {
			anon.get(p + "?lang=" + l)
		}
		for _, p := range []string{"/account", fmt.Sprintf("/assessment/%d/step/1", d.ID), fmt.Sprintf("/assessment/%d/review", d.ID)} {
			if r := firm.get(p + "?lang=" + l); r.status != 200 {
				t.Fatalf("%s %s: %d", l, p, r.status)
			}
		}
	}
	parsed, err := parsedPages()
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range parsed {
		if _, err := p.tmpl.Clone(); err != nil {
			t.Fatalf("page %s parsed once can no longer be cloned (a server ran it): %v", name, err)
		}
	}
	c, err := parsed["contact"].tmpl.Clone()
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/contact", nil)
	if err := c.ExecuteTemplate(io.Discard, "base", e.web.newPage(httptest.NewRecorder(), r, "page.contact.title")); err == nil ||
		!strings.Contains(err.Error(), "not bound to a server") {
		t.Fatalf("a page parsed once, run unbound: %v; want the unbound function's error", err)
	}
}

// Every page, in each language, is bound to that language's functions of
// its own server: a message and a number run in a clone of each bound page
// are the language's own ("1.234" in Vietnamese, "1,234" in English), and
// two servers' pages are each their own clones. (A page the server ran at
// its start, the review's lines, cannot be cloned: it ran bound.)
func TestAttackEveryPageBindsItsOwnLanguage(t *testing.T) {
	a, b := newEnv(t), newEnv(t)
	ran := 0
	for _, name := range pageNames(t) {
		for _, l := range locale.Languages {
			loc := a.web.bundle.For(l)
			want := loc.T("page.assessment.saved") + "|" + loc.Int(1234)
			pa, pb := mustPage(t, a.web.pages, l, name), mustPage(t, b.web.pages, l, name)
			if pa == pb {
				t.Fatalf("%s %s: two servers share one template", l, name)
			}
			for _, other := range locale.Languages {
				if other != l && mustPage(t, a.web.pages, other, name) == pa {
					t.Fatalf("%s: two languages share one template", name)
				}
			}
			c, err := pa.Clone()
			if err != nil && strings.Contains(err.Error(), "after it has executed") {
				ran++ // run at the start (the review's lines, the choices): bound, or New had failed
				continue
			}
			if err == nil {
				_, err = c.New("attack-probe").Parse(`{{t "page.assessment.saved"}}|{{num 1234}}`)
			}
			var out bytes.Buffer
			if err == nil {
				err = c.ExecuteTemplate(&out, "attack-probe", nil)
			}
			if err != nil || out.String() != template.HTMLEscapeString(want) {
				t.Fatalf("%s %s: the probe wrote %q (%v); want %q", l, name, out.String(), err, want)
			}
		}
	}
	if ran > 2*len(locale.Languages) {
		t.Fatalf("%d pages run before any request: the probe lost its cases", ran)
	}
}

// Two servers made at once, each of whose pages many requests use for the
// first time at once, in both languages: each (server, language, page) is
// bound once, to one template, and none is another's (run with -race: the
// shared parse is only read, each binding synchronised).
func TestAttackFirstUseOfEveryPageAtOnce(t *testing.T) {
	envs := make([]*env, 2)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := range envs {
		wg.Go(func() {
			e := newEnv(t)
			mu.Lock()
			envs[i] = e
			mu.Unlock()
		})
	}
	wg.Wait()
	names := pageNames(t)
	got := make([]map[string]*template.Template, 8)
	errs := make([]error, len(got))
	start := make(chan struct{})
	for g := range got {
		got[g] = map[string]*template.Template{}
		wg.Go(func() {
			<-start
			for i := range names {
				name := names[(i*(g+1))%len(names)] // each goroutine in its own order
				for s, e := range envs {
					for _, l := range locale.Languages {
						p, err := e.web.pages.page(l, name)
						if err != nil {
							errs[g] = err
							return
						}
						got[g][fmt.Sprint(s, l, name)] = p
					}
				}
			}
		})
	}
	close(start)
	wg.Wait()
	seen := map[*template.Template]string{}
	for g := range got {
		if errs[g] != nil {
			t.Fatal(errs[g])
		}
		for k, p := range got[g] {
			if p != got[0][k] {
				t.Fatalf("%s: bound twice", k)
			}
			if other, ok := seen[p]; ok && other != k {
				t.Fatalf("%s and %s share one template", k, other)
			}
			seen[p] = k
		}
	}
	if len(seen) != 2*len(locale.Languages)*len(names) {
		t.Fatalf("%d templates bound; want %d", len(seen), 2*len(locale.Languages)*len(names))
	}
}

// attackDraft is a draft of the firm of firm@test.local.
func attackDraft(t *testing.T, e *env) *survey.Response {
	t.Helper()
	in, _ := survey.Latest(e.web.cfg.Instruments, survey.DefaultID)
	d, err := e.st.Draft(ctx, e.fx.GoDuc.ID, in, survey.Profile{Section: "C", Size: "small"}, e.fx.FirmUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// A step page opened from the review with a hostile "changed" (markup, a
// cut mark, a stand-in's digits, the ID's stand-in, very long) and odd
// "opened" values (marks, stand-ins, every question's ID, repeated) is the
// whole template's (newEnv's layoutCheck compares each page served), shows
// the value escaped in its one hidden field, and no value from the address
// makes a frame: the frames cut stay those of the step's flags and class.
func TestAttackStepPageOfHostileAddress(t *testing.T) {
	e := newEnv(t)
	d := attackDraft(t, e)
	in, _ := survey.Latest(e.web.cfg.Instruments, survey.DefaultID)
	c := e.client().login("firm@test.local")
	hostile := []string{`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, "dxst10k", "dxst40k", "dxrv12000k",
		"71828182", "71.828.182", "16,180,339", fmt.Sprint(stepIDMark), "dxready:step-questions", "\x00\xff%zz",
		strings.Repeat("q", 5000)}
	var ids []string
	for _, q := range in.Questions() {
		ids = append(ids, q.ID)
	}
	for _, l := range locale.Languages {
		for i, v := range hostile {
			q := url.Values{"lang": {l}, "from": {"review"}, "changed": {v}}
			if i%2 == 0 {
				q.Set("check", "1")
			}
			r := c.get(fmt.Sprintf("/assessment/%d/step/%d?%s", d.ID, 1+i%len(in.Pillars), q.Encode()))
			if r.status != 200 {
				t.Fatalf("%s changed=%q: %d", l, v, r.status)
			}
			field := `<input type="hidden" name="changed" value="` + template.HTMLEscapeString(strings.ToValidUTF8(v, "\uFFFD")) + `">`
			if v == "\x00\xff%zz" {
				field = `<input type="hidden" name="changed" value="` + "\uFFFD\xff%zz" + `">`
			}
			if !strings.Contains(r.body, field) || strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "<img src=x") {
				t.Fatalf("%s changed=%q: the field not written escaped, once:\n%.3000s", l, v, r.body)
			}
		}
	}
	if n := e.web.stepFrames.cuts.Load(); n != 0 {
		t.Fatalf("%d frames cut for pages with a changed question: they render whole", n)
	}
	for _, l := range locale.Languages {
		for i, v := range append(hostile, ids...) {
			q := url.Values{"lang": {l}, "opened": {v, v, ids[i%len(ids)], strings.Join(ids, ",")}}
			if i%3 == 0 {
				q.Set("from", "review")
			}
			if r := c.get(fmt.Sprintf("/assessment/%d/step/%d?%s", d.ID, 1+i%len(in.Pillars), q.Encode())); r.status != 200 {
				t.Fatalf("%s opened=%q: %d", l, v, r.status)
			}
		}
	}
	// Steps × from the review or not × one missing class (0: not checked).
	if n, most := e.web.stepFrames.cuts.Load(), int64(2*len(locale.Languages)*len(in.Pillars)); n == 0 || n > most {
		t.Fatalf("%d frames cut for pages of odd \"opened\" values; want 1 to %d", n, most)
	}
}

// A step whose texts (an instrument's name, a pillar's) hold the frame's
// marks or stand-ins, grouped either way, renders whole, the same as the
// template: the frame is refused when cut, never written wrong.
func TestAttackStepTextsLikeTheFramesMarks(t *testing.T) {
	e := newEnv(t)
	sf := e.web.stepFrames
	var texts []string
	for f := range stepNumQuestions + 1 {
		texts = append(texts, fmt.Sprintf("%s%d0k", stepMark, f), fmt.Sprintf("%s%d1k", stepMark, f))
	}
	for _, n := range []int64{stepStandIns[stepNumDone], stepStandIns[stepNumTotal], stepStandIns[stepNumMiss], stepIDMark, stepIDCheck,
		stepChecks[stepNumDone], stepChecks[stepNumTotal], stepChecks[stepNumMiss]} {
		for _, l := range locale.Languages {
			texts = append(texts, fmt.Sprint(n), e.web.bundle.For(l).Int(n))
		}
	}
	texts = append(texts, stepQuestionsMark, stepMark, "dxst9", "dxst")
	for _, l := range locale.Languages {
		tmpl := mustPage(t, e.web.pages, l, "assessment_step")
		for i, v := range texts {
			for _, missing := range []int{0, 1, 1234} {
				p := stepPage{page: page{Lang: l}, ResponseID: 42, Step: 1 + i%6, Steps: 6, Answered: 1234, Total: 98765, Missing: missing,
					Instrument: v, PillarName: "P " + v, PillarDesc: v + " d", Questions: []questionView{withMarkup(questionView{ID: v}, "<b>q</b>")}}
				var got, want bytes.Buffer
				done, _ := sf.write(&got, l, tmpl, &p)
				if err := tmpl.ExecuteTemplate(&want, "content", p); err != nil {
					t.Fatal(err)
				}
				if done && got.String() != want.String() {
					t.Fatalf("%s %q: the frame differs from the whole template:\n%s", l, v, firstDifference(got.String(), want.String()))
				}
				if !done && got.Len() != 0 {
					t.Fatalf("%s %q: not joined, yet %d bytes written", l, v, got.Len())
				}
			}
		}
	}
}

// The review's values that users give (a user's name in the changes, an
// answer's text) or that look like its marks for every field and item, a
// stand-in grouped as either language groups it, the ID's stand-in: each
// written as itself, the page the whole template's, with the counts of
// both plural forms and grouped or not, questions not answered more or
// fewer than their count says.
func TestAttackReviewValuesLikeEveryMark(t *testing.T) {
	e := newEnv(t)
	var values []string
	for f := range reviewListChanges + 1 {
		for _, i := range []int{0, 1, 2} {
			values = append(values, fmt.Sprintf("%s%02d%03dk", reviewMark, f, i))
		}
	}
	for _, n := range []int64{reviewStandIns[reviewNumAnswered], reviewStandIns[reviewNumTotal], reviewStandIns[reviewNumUnanswered],
		reviewChecks[reviewNumAnswered], reviewChecks[reviewNumUnanswered], reviewIDMark, reviewIDCheck} {
		for _, l := range locale.Languages {
			values = append(values, fmt.Sprint(n), e.web.bundle.For(l).Int(n))
		}
	}
	values = append(values, "javascript:alert(1)", "JAVASCRIPT:x", " javascript:x", "mailto:a@b", "//evil.example/x", "\x00\xff",
		"&amp;", "%zz%41", "\u2028\u2029", "{{.Answered}}")
	for _, l := range locale.Languages {
		tmpl := mustPage(t, e.web.pages, l, "assessment_review")
		for i, v := range values {
			counts := [][2]int{{0, 1}, {1, 1}, {1, 3}, {2, 1}, {1234, 2}, {5, 0}}[i%6] // the count, the list's length
			p := reviewPage{page: page{Lang: l}, ResponseID: int64(1 + i), Version: v, Answered: []int{0, 1, 999, 1000, 1234567}[i%5],
				Total: 1234, UnansweredCount: counts[0], CanSubmit: i%2 == 0, Private: i%3 == 0,
				Pillars: []pillarAnswersView{{ID: v, Name: v}, {ID: v, Name: v, Markup: template.HTML("<dt>" + template.HTMLEscapeString(v) + "</dt>")}},
				Changes: []changeView{{When: v, Who: v, Question: v, Answer: v}, {When: "w", Who: v + v, Question: "q", Answer: v}}}
			for range counts[1] {
				p.Unanswered = append(p.Unanswered, unansweredView{URL: v, Pillar: v, Text: v})
			}
			var got, want bytes.Buffer
			done, err := e.web.reviewFrames.write(&got, l, tmpl, &p)
			if err != nil || !done {
				t.Fatalf("%s %q: not joined (%v)", l, v, err)
			}
			if err := tmpl.ExecuteTemplate(&want, "content", p); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Fatalf("%s %q (%d not answered, %d listed):\n%s", l, v, counts[0], counts[1], firstDifference(got.String(), want.String()))
			}
		}
	}
}

// A flood of review pages through the portal, in both languages, each with
// other answers (so other counts, questions not answered and changes by
// users of odd names): the shapes cut stay a handful, whatever the
// answers; the pages are the whole template's (layoutCheck).
func TestAttackReviewShapesStayFewUnderAnswers(t *testing.T) {
	e := newEnv(t)
	d := attackDraft(t, e)
	in, _ := survey.Latest(e.web.cfg.Instruments, survey.DefaultID)
	c := e.client().login("firm@test.local")
	for i := range 24 {
		q := in.Questions()[i%len(in.Questions())]
		if len(q.Options) > 0 {
			if err := e.st.SaveAnswers(ctx, d.ID, e.fx.GoDuc.ID, map[string]survey.Answer{q.ID: {Options: []string{q.Options[0].ID}}}, e.fx.FirmUser.ID); err != nil {
				t.Fatal(err)
			}
		}
		for _, l := range locale.Languages {
			if r := c.get(fmt.Sprintf("/assessment/%d/review?lang=%s", d.ID, l)); r.status != 200 {
				t.Fatalf("%s: %d", l, r.status)
			}
		}
	}
	if n := e.web.reviewFrames.cuts.Load(); n == 0 || n > 4*int64(len(locale.Languages)) {
		t.Fatalf("%d review shapes cut for 24 pages of other answers in each language", n)
	}
}

// A step page whose questions fail midway (a template error in a
// question: here its template given a field it does not have) is a clean
// 500, as when the page renders whole, never a page cut short after its
// frame's first pieces and served as 200.
func TestAttackStepQuestionsFailingAreACleanError(t *testing.T) {
	e := newEnv(t)
	e.web.layoutCheck = nil // the whole template fails too, by design here
	for _, l := range locale.Languages {
		parsed, err := parsedPages()
		if err != nil {
			t.Fatal(err)
		}
		broken, err := bindPage(parsed["assessment_step"].tmpl, serverFuncs(e.web.bundle, l, e.web.assets))
		if err == nil {
			_, err = broken.New("step-questions").Parse(`{{range .Questions}}<p>{{.ID}}</p>{{.NoSuchField}}{{end}}`)
		}
		if err != nil {
			t.Fatal(err)
		}
		bp := &boundPage{tmpl: broken}
		bp.once.Do(func() {})
		e.web.pages.byLang[l]["assessment_step"] = bp
		r := httptest.NewRequest("GET", "/assessment/42/step/1?lang="+l, nil)
		r = r.WithContext(context.WithValue(r.Context(), langKey, l))
		w := httptest.NewRecorder()
		p := stepPage{page: e.web.newPage(w, r, "page.assessment.title"), ResponseID: 42, Step: 1, Steps: 6, Answered: 3, Total: 40,
			Questions: []questionView{{ID: "q1"}}}
		e.web.render(w, r, http.StatusOK, "assessment_step", p)
		if w.Code != http.StatusInternalServerError || strings.Contains(w.Body.String(), "<p>q1</p>") {
			t.Errorf("%s: %d, %d bytes (the page cut short: %v); want a clean 500", l, w.Code, w.Body.Len(), strings.Contains(w.Body.String(), "<p>q1</p>"))
		}
	}
}

// A negative count (none is today: Missing counts up from 0, the
// review's is a list's length) is true to {{if .Missing}} but of class 0
// to the frame's key (countClass clamps it): its page would be joined
// from the frame of no missing question.
func TestAttackNegativeCountIsNotOfClassZero(t *testing.T) {
	e := newEnv(t)
	tmpl := mustPage(t, e.web.pages, locale.EN, "assessment_step")
	p := stepPage{page: page{Lang: locale.EN}, ResponseID: 7, Step: 2, Steps: 6, Answered: 1, Total: 40, Missing: -3}
	var got, want bytes.Buffer
	done, err := e.web.stepFrames.write(&got, locale.EN, tmpl, &p)
	if err := tmpl.ExecuteTemplate(&want, "content", p); err != nil {
		t.Fatal(err)
	}
	if done && got.String() != want.String() {
		t.Fatalf("joined (%v) other than the template:\n%s", err, firstDifference(got.String(), want.String()))
	}
}

// The review's twin: a negative count renders whole, equal to the
// template, never from the pieces of a count of class 0.
func TestAttackNegativeReviewCountRendersWhole(t *testing.T) {
	e := newEnv(t)
	tmpl := mustPage(t, e.web.pages, locale.EN, "assessment_review")
	p := reviewPage{page: page{Lang: locale.EN}, ResponseID: 7, Answered: 1, Total: 40, UnansweredCount: -3}
	var got bytes.Buffer
	done, err := e.web.reviewFrames.write(&got, locale.EN, tmpl, &p)
	if done || err != nil || got.Len() != 0 {
		t.Fatalf("a negative count was joined from pieces (%v, %v, %d bytes)", done, err, got.Len())
	}
}
