package web

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"dxready/scoring"
	"dxready/store/storetest"
	"dxready/survey"
)

// submitWorst has the fixture firm's user answer every question with its
// first option (nothing ticked on a checklist), submit it, and returns the
// response's id and its score.
func submitWorst(t *testing.T, e *env, c *client) (int64, scoring.Result) {
	t.Helper()
	in := storetest.Instrument(t)
	id := startAssessment(t, c)
	answers := map[string]survey.Answer{}
	for _, q := range in.Questions() {
		answers[q.ID] = survey.Answer{Options: []string{q.Options[0].ID}}
		if q.Type == survey.Multi {
			answers[q.ID] = survey.Answer{Options: []string{}}
		}
	}
	if err := e.st.SaveAnswers(ctx, id, e.fx.GoDuc.ID, answers, e.fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	must(t, submitReviewed(t, c, id), http.StatusSeeOther)
	resp, err := e.st.FindResponse(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return id, scoring.Score(in, resp.Profile, resp.Answers)
}

var (
	moveRE  = regexp.MustCompile(`Chuyển từ “([^”]+)” sang “([^”]+)”`)
	climbRE = regexp.MustCompile(`Nâng dần: “(.+?)”</strong>`)
)

// movesOn is every one-notch move the path on body says, a climb of
// several notches on one line ("“A” → “B” → “C”") as its moves.
func movesOn(body string) [][2]string {
	var out [][2]string
	for _, m := range moveRE.FindAllStringSubmatch(body, -1) {
		out = append(out, [2]string{m[1], m[2]})
	}
	for _, m := range climbRE.FindAllStringSubmatch(body, -1) {
		chain := strings.Split(m[1], "” → “")
		for i := 1; i < len(chain); i++ {
			out = append(out, [2]string{chain[i-1], chain[i]})
		}
	}
	return out
}

// The path on the result page moves one answer one notch per step, in the
// instrument's words ("Move from 'Never' to 'Sometimes'"), says how many
// steps reach the next level and the score they give, and each pillar
// says what holds it at its level.
func TestResultPathIsOneNotchSteps(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	c := e.client().login("firm@test.local")
	id, res := submitWorst(t, e, c)
	r := c.get(fmt.Sprintf("/assessment/%d/result", id))
	body := html.UnescapeString(r.body)
	must(t, r, http.StatusOK, `id="path-intro"`, `id="levels-note"`, "Ngưỡng 0; thiếu 10,0 điểm để lên Khởi động", `class="path-pillar"`)
	intro := fmt.Sprintf("%d bước, mỗi bước nâng một câu trả lời lên một nấc, đưa điểm chung lên %s", res.Path.Len(), e.web.bundle.For("vi").Decimal(res.Path.Reaches, 1))
	if !strings.Contains(body, intro) || res.Path.Len() < 2 {
		t.Fatalf("the page does not say %q (path %+v)", intro, res.Path)
	}
	moves := movesOn(body)
	if len(moves) == 0 {
		t.Fatal("no step says what to move from and to")
	}
	for _, m := range moves {
		if !nextOnSomeScale(in, m[0], m[1]) {
			t.Errorf("step %q → %q is more than one notch on any scale", m[0], m[1])
		}
	}
	if strings.Contains(body, "điểm tổng") {
		t.Error("the path uses “điểm tổng”, not the glossary's “điểm chung”")
	}
}

// nextOnSomeScale reports whether option text to is the next better option
// after from on some single-choice question of in.
func nextOnSomeScale(in *survey.Instrument, from, to string) bool {
	for _, q := range in.Questions() {
		i := slices.IndexFunc(q.Options, func(o survey.Option) bool { return o.Text.VI == from })
		if q.Type != survey.Single || i < 0 {
			continue
		}
		var next *survey.Option
		for k, o := range q.Options {
			if o.Points > q.Options[i].Points && (next == nil || o.Points < next.Points) {
				next = &q.Options[k]
			}
		}
		if next != nil && next.Text.VI == to {
			return true
		}
	}
	return false
}

// The report is the result's, for whoever may see the result and nobody
// else: the firm and the Center; the advisor the firm booked, while the
// booking stands; not another firm, a claimant of the firm, a lead it does
// not share with, another advisor, nor anyone signed out.
func TestReportAccessIsTheResults(t *testing.T) {
	e := newEnv(t)
	firm := e.client().login("firm@test.local")
	id, _ := submitWorst(t, e, firm)
	report := fmt.Sprintf("/assessment/%d/report", id)
	must(t, firm.get(report), http.StatusOK, `id="download-pdf" hidden`, "In hoặc lưu PDF", "chọn In trong menu", `id="report-firm"`, e.fx.GoDuc.Name,
		`id="report-instrument"`, "phiên bản 1", "/css/print.css", "/js/report.js", `class="echart radar report-radar"`, `id="path"`)
	if strings.Contains(firm.get(report).body, `id="report-advisor"`) {
		t.Fatal("the report names an advisor before any booking")
	}
	must(t, e.client().login("admin@test.local").get(report), http.StatusOK, e.fx.GoDuc.Name)
	adv := e.client().login("advisor@test.local")
	must(t, adv.get(report), http.StatusNotFound)

	booking, _ := bookNine(t, e)
	must(t, adv.get(report), http.StatusOK, e.fx.GoDuc.Name)
	must(t, firm.get(report), http.StatusOK, `id="report-advisor"`, e.fx.Advisor.Name, "24/11/2026")
	other := e.addBookableAdvisor(t, 2)
	must(t, e.client().login(other.Email).get(report), http.StatusNotFound)
	must(t, e.client().login("lead@test.local").get(report), http.StatusNotFound)
	stranger := registerAs(t, e, "3709000037", "", "la@example.vn", "vi") // another firm's claimant
	must(t, stranger.get(report), http.StatusNotFound)
	claimant := registerAs(t, e, e.fx.GoDuc.TaxCode.String(), "", "mao@example.vn", "vi") // an open claim on this firm
	must(t, claimant.get(report), http.StatusNotFound)
	anon := e.client().get(report)
	if anon.status != http.StatusSeeOther || !strings.HasPrefix(anon.header.Get("Location"), "/login") {
		t.Fatalf("signed out: %d %s", anon.status, anon.header.Get("Location"))
	}
	must(t, firm.post(booking+"/cancel", map[string][]string{"reason": {"Đổi kế hoạch"}}), http.StatusSeeOther)
	must(t, adv.get(report), http.StatusNotFound)
}

// The report speaks the reader's language, and a draft has none: its
// report goes to the review, as its result does.
func TestReportInEnglishAndOfADraft(t *testing.T) {
	e := newEnv(t)
	firm := e.client().login("firm@test.local")
	id, _ := submitWorst(t, e, firm)
	must(t, firm.get(fmt.Sprintf("/assessment/%d/report?lang=en", id)), http.StatusOK, "Print or save as PDF", "Save as PDF", "choose Print from its menu", `id="download-pdf" hidden`,
		"version 1", "overall points", "Step by step: “")
	draft := startAssessment(t, firm)
	r := firm.get(fmt.Sprintf("/assessment/%d/report", draft))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != fmt.Sprintf("/assessment/%d/review", draft) {
		t.Fatalf("a draft's report: %d %s", r.status, r.header.Get("Location"))
	}
}

// A retake the same day compared itself with "03/12/2026", the day of
// both results (a walkthrough's finding): the column now gives the time
// of the result it compares with when the two are of one day, and the day
// alone otherwise.
func TestResultComparesWithTheResultBeforeByItsTimeTheSameDay(t *testing.T) {
	e := newEnv(t)
	firm := e.client().login("firm@test.local")
	submitWorst(t, e, firm)
	first := e.fx.Clock.Now() // the fixtures' clock: 2026-11-22 10:00 in Ho Chi Minh City
	e.setNow(first.Add(2 * time.Hour))
	firm = e.client().login("firm@test.local")
	id, _ := submitWorst(t, e, firm)
	page := firm.get(fmt.Sprintf("/assessment/%d/result", id))
	want := "Thay đổi so với " + e.web.bundle.For("vi").DateTime(first)
	must(t, page, http.StatusOK, want)
	e.setNow(first.Add(50 * time.Hour))
	firm = e.client().login("firm@test.local")
	id, _ = submitWorst(t, e, firm)
	page = firm.get(fmt.Sprintf("/assessment/%d/result", id))
	must(t, page, http.StatusOK, "Thay đổi so với "+e.web.bundle.For("vi").Date(first.Add(2*time.Hour))+"<")
}
