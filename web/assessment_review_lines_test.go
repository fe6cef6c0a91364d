package web

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"dxready/locale"
	"dxready/survey"
)

// randomAnswers answers a random part of in: a random option or set of
// options (none at all on some checklists), "not applicable" where allowed,
// now and then an option the question does not have.
func randomAnswers(rng *rand.Rand, in *survey.Instrument) map[string]survey.Answer {
	out := map[string]survey.Answer{}
	for _, q := range in.Questions() {
		if rng.IntN(3) == 0 {
			continue
		}
		var a survey.Answer
		switch {
		case q.AllowNA && rng.IntN(4) == 0:
			a.Options = []string{survey.NotApplicable}
		case rng.IntN(15) == 0:
			a.Options = []string{"gone"}
		case q.Type == survey.Multi:
			a.Options = []string{}
			for _, o := range q.Options {
				if rng.IntN(3) == 0 {
					a.Options = append(a.Options, o.ID)
				}
			}
			rng.Shuffle(len(a.Options), func(i, j int) { a.Options[i], a.Options[j] = a.Options[j], a.Options[i] })
		default:
			a.Options = []string{q.Options[rng.IntN(len(q.Options))].ID}
		}
		out[q.ID] = a
	}
	return out
}

// The review page's lines are joined from pieces rendered at the start: the
// page must be byte for byte the page the template renders line by line,
// for drafts of random answers and profiles, in both languages.
func TestReviewPageJoinedFromPiecesIsThePageRenderedWhole(t *testing.T) {
	e := newEnv(t)
	in, _ := survey.Latest(e.web.cfg.Instruments, survey.DefaultID)
	rng := rand.New(rand.NewPCG(14, 17))
	profiles := []survey.Profile{{Section: "C", Size: "small"}, {Section: "G", Size: "micro"}, {Section: "A", Size: "large"}, {}, {Section: "F", Size: "medium"}}
	owners := []int64{0, e.fx.Admin.ID, e.fx.Lead.ID, e.fx.Advisor.ID, e.fx.FirmUser.ID}
	lines, nas, nones, unanswered := 0, 0, 0, 0
	for i, owner := range owners {
		d, err := e.st.DraftOf(ctx, e.fx.GoDuc.ID, owner, in, profiles[i], e.fx.FirmUser.ID)
		if err != nil {
			t.Fatal(err)
		}
		for range 4 {
			if err := e.st.SaveAnswers(ctx, d.ID, e.fx.GoDuc.ID, randomAnswers(rng, in), e.fx.FirmUser.ID); err != nil {
				t.Fatal(err)
			}
			for _, l := range locale.Languages {
				joined, whole := e.reviewBothWays(t, d.ID, l)
				if joined != whole {
					t.Fatalf("draft %d in %s: the joined page differs from the whole one at byte %d:\n%s", d.ID, l, firstDiff(joined, whole), around(joined, whole))
				}
				lines += strings.Count(joined, `class="change-link"`)
				nas += strings.Count(joined, "<strong>"+e.web.bundle.For(l).T("page.assessment.not_applicable")+"</strong>")
				nones += strings.Count(joined, "<strong>"+e.web.bundle.For(l).T("common.none")+"</strong>")
				unanswered += strings.Count(joined, `class="not-answered"`)
			}
		}
	}
	if lines == 0 || nas == 0 || nones == 0 || unanswered == 0 {
		t.Fatalf("the drafts showed %d lines, %d not applicable, %d none, %d unanswered: the test lost its cases", lines, nas, nones, unanswered)
	}
}

// reviewBothWays renders draft id's review page in language l with its
// lines joined from pieces, as served, and rendered line by line by the
// template from answersByPillar.
func (e *env) reviewBothWays(t *testing.T, id int64, l string) (joined, whole string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/assessment/%d/review", id), nil)
	r = r.WithContext(context.WithValue(context.WithValue(r.Context(), userKey, e.fx.FirmUser), langKey, l))
	resp, err := e.st.FindResponse(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	ac := &assessmentCtx{resp: resp, in: e.web.cfg.Instruments[resp.Instrument]}
	p := e.web.newReviewPage(httptest.NewRecorder(), r, ac)
	for _, pv := range p.Pillars {
		if pv.Answers != nil {
			t.Fatalf("pillar %s was not joined from pieces", pv.ID)
		}
	}
	render := func(p reviewPage) string {
		w := httptest.NewRecorder()
		e.web.render(w, r, http.StatusOK, "assessment_review", p)
		if w.Code != http.StatusOK {
			t.Fatalf("render: %d %s", w.Code, w.Body)
		}
		return w.Body.String()
	}
	joined = render(p)
	p.Pillars = e.web.answersByPillar(r, ac)
	return joined, render(p)
}

func firstDiff(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

// around shows both texts near their first difference.
func around(a, b string) string {
	i := firstDiff(a, b)
	from := max(0, i-120)
	return fmt.Sprintf("joined: %q\n whole: %q", a[from:min(len(a), i+120)], b[from:min(len(b), i+120)])
}

// The review's changes format each minute's time once: every time must
// still read as loc.DateTime writes it, in both languages, across minutes,
// hours and days, with seconds and nanoseconds that differ.
func TestChangeTimesFormattedOnceAMinuteReadAsDateTime(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for _, l := range locale.Languages {
		loc, at := b.For(l), time.Date(2026, 11, 30, 16, 58, 58, 0, time.UTC)
		m, minutes := minuteTimes{loc: loc}, map[string]bool{}
		for range 400 {
			at = at.Add([]time.Duration{-time.Nanosecond, 0, 700 * time.Millisecond, 29 * time.Second, -59 * time.Second, time.Hour}[rng.IntN(6)])
			if got, want := m.format(at), loc.DateTime(at); got != want {
				t.Fatalf("%s %v: %q, DateTime %q", l, at, got, want)
			}
			minutes[loc.DateTime(at)] = true
		}
		if len(minutes) < 20 {
			t.Fatalf("%s: only %d minutes tried", l, len(minutes))
		}
	}
}
