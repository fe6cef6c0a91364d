package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"dxready/auth"
	"dxready/locale"
	"dxready/survey"
)

type unansweredView struct {
	Pillar, Text, URL string
}

// pillarAnswersView is one pillar of the review's list of answers: its
// lines joined from pieces (Markup), or else rendered from Answers.
type pillarAnswersView struct {
	ID, Name string
	Markup   template.HTML
	Answers  []answerView
}

// answerView is one applicable question with its answer ("" when not
// answered) and the link that opens its step to change it.
type answerView struct {
	ID, Question, Answer, URL string
}

type changeView struct {
	When, Who, Question, Answer string
}

type reviewPage struct {
	page
	ResponseID int64
	Version    string // the draft's version this page shows; the submit form sends it back
	Unanswered []unansweredView
	// UnansweredCount is len(Unanswered): the page writes it (its pieces
	// with a stand-in count, layout_review.go, and so not the list's length).
	UnansweredCount int
	Pillars         []pillarAnswersView // every applicable question and its answer
	Answered        int
	Total           int
	Problem         string
	Changes         []changeView // who changed what, newest first
	CanSubmit       bool         // false for an open claim: the draft waits for verification
	Private         bool         // an open claim's draft: its changes are the claimant's alone
}

// recentChanges is how many answer changes the review page lists.
const recentChanges = 15

func (s *Server) assessmentReview(w http.ResponseWriter, r *http.Request) {
	r, end := s.readOnce(r) // the draft, its changes and the claim
	defer end()
	ac, ok := s.loadDraft(w, r)
	if !ok {
		return
	}
	s.renderReview(w, r, http.StatusOK, ac, "")
}

// renderReview shows the review page of ac with its recent changes and
// problem (a message ID, or "").
func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, status int, ac *assessmentCtx, problem string) {
	p := s.newReviewPage(w, r, ac)
	p.Problem = problem
	changes, err := s.store.AnswerChanges(r.Context(), ac.resp.ID, recentChanges)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, loc := lang(r), s.loc(r)
	when := minuteTimes{loc: loc}
	for _, c := range changes {
		q, ok := ac.in.Question(c.Question)
		if !ok {
			continue
		}
		answer := optionTexts(q, c.Options, l, loc.T("common.none"))
		if (survey.Answer{Options: c.Options}).NA() {
			answer = loc.T("page.assessment.not_applicable")
		}
		p.Changes = append(p.Changes, changeView{When: when.format(c.At), Who: c.UserName, Question: q.Text.In(l), Answer: answer})
	}
	s.render(w, r, status, "assessment_review", p)
}

// minuteTimes formats times as loc.DateTime does, to the minute, once for
// each run of times in one minute (a page of changes is often one minute's).
type minuteTimes struct {
	loc    *locale.Localizer
	minute time.Time
	last   string
}

func (m *minuteTimes) format(t time.Time) string {
	if min := t.Truncate(time.Minute); m.last == "" || !min.Equal(m.minute) {
		m.minute, m.last = min, m.loc.DateTime(t)
	}
	return m.last
}

func (s *Server) newReviewPage(w http.ResponseWriter, r *http.Request, ac *assessmentCtx) reviewPage {
	l := lang(r)
	p := reviewPage{page: s.newPage(w, r, "page.assessment_review.title"), ResponseID: ac.resp.ID, Version: ac.resp.Version(),
		CanSubmit: auth.Can(currentUser(r), auth.ActAssessmentSubmit, auth.Target{FirmID: ac.resp.FirmID}),
		Private:   auth.DraftOwner(currentUser(r)) != 0}
	p.Answered, p.Total = progress(ac.in, ac.resp)
	for _, q := range ac.in.Unanswered(ac.resp.Profile, ac.resp.Answers) {
		pl, _ := ac.in.Pillar(q.Pillar())
		p.Unanswered = append(p.Unanswered, unansweredView{Pillar: pl.Name.In(l), Text: q.Text.In(l),
			URL: fmt.Sprintf("/assessment/%d/step/%d?check=1&from=review#q-%s", ac.resp.ID, pillarIndex(ac.in, q)+1, q.ID)})
	}
	p.UnansweredCount = len(p.Unanswered)
	if p.Pillars = s.joinedAnswers(lang(r), ac); p.Pillars == nil {
		p.Pillars = s.answersByPillar(r, ac)
	}
	return p
}

// joinedAnswers is answersByPillar joined from the lines rendered at the
// start (reviewLines), or nil when a question has no line.
func (s *Server) joinedAnswers(l string, ac *assessmentCtx) []pillarAnswersView {
	id := strconv.FormatInt(ac.resp.ID, 10)
	out := make([]pillarAnswersView, 0, len(ac.in.Pillars))
	b := getBuffer()
	defer putBuffer(b)
	for _, pl := range ac.in.Pillars {
		b.Reset()
		for i := range pl.Questions {
			q := &pl.Questions[i]
			if !q.Applies(ac.resp.Profile, ac.resp.Answers) {
				continue
			}
			line := s.reviewLines.line(l, ac.resp.Instrument, q)
			if line == nil {
				return nil
			}
			a, answered := ac.resp.Answers[q.ID]
			line.write(b, q, a, answered, id)
		}
		out = append(out, pillarAnswersView{ID: pl.ID, Name: pl.Name.In(l), Markup: template.HTML(b.String())}) // rendered by html/template in renderReviewLine
	}
	return out
}

// answersByPillar lists every question that applies to the firm, pillar by
// pillar, with its answer in the user's language and a link to change it
// that comes back to the review once the step is saved.
func (s *Server) answersByPillar(r *http.Request, ac *assessmentCtx) []pillarAnswersView {
	l, loc := lang(r), s.loc(r)
	var out []pillarAnswersView
	for pi, pl := range ac.in.Pillars {
		pv := pillarAnswersView{ID: pl.ID, Name: pl.Name.In(l)}
		for i := range pl.Questions {
			q := &pl.Questions[i]
			if !q.Applies(ac.resp.Profile, ac.resp.Answers) {
				continue
			}
			av := answerView{ID: q.ID, Question: q.Text.In(l), URL: changeURL(ac.resp.ID, pi, q.ID)}
			if a, ok := ac.resp.Answers[q.ID]; ok {
				av.Answer = optionTexts(q, a.Options, l, loc.T("common.none"))
				if a.NA() {
					av.Answer = loc.T("page.assessment.not_applicable")
				}
			}
			pv.Answers = append(pv.Answers, av)
		}
		out = append(out, pv)
	}
	return out
}
