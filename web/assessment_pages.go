package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"

	"dxready/auth"
	"dxready/scoring"
	"dxready/store"
	"dxready/survey"
)

type questionView struct {
	ID, Text, Help string
	Multi, AllowNA bool
	NAChecked      bool
	Choices        template.HTML // its options, ticked as answered (choiceSet)
	Answered       bool
	Problem        string // message ID of what to fix, when the step is checked
	FollowUp       bool   // asked only after some answer to another question
	Opened         bool   // a follow-up the user's last answer just opened: said in place
	Gateway        bool   // another question of this step depends on this one's answer
	pieces         *questionMarkup
	q              *survey.Question // the question and its answer, for Markup and joinQuestions
	answer         survey.Answer
}

// Markup is the whole question, joined from pieces rendered at the start,
// when it has no problem to show; "" otherwise (the page renders it). A
// method, not a field, so that a page whose questions are written straight
// from their pieces (questionWrap) does not join each into a string first.
func (q questionView) Markup() template.HTML {
	if q.pieces == nil || q.Problem != "" {
		return ""
	}
	return q.pieces.whole(q.q, q.answer, q.Answered, q.NAChecked)
}

type stepPage struct {
	page
	ResponseID  int64
	Step, Steps int
	PillarName  string
	PillarDesc  string
	Questions   []questionView
	Answered    int
	Total       int
	Instrument  string
	Description string
	Missing     int    // unanswered questions on a checked step
	Private     bool   // an open claim's draft: the claimant's own until verified
	FromReview  bool   // opened by a "Change" link of the review: saving goes back there
	Changed     string // the question whose "Change" link opened the step: saving goes back to it
}

// progress counts the applicable questions and those answered.
func progress(in *survey.Instrument, resp *survey.Response) (answered, total int) {
	for _, q := range in.Questions() {
		if q.Applies(resp.Profile, resp.Answers) {
			total++
			if _, ok := resp.Answers[q.ID]; ok {
				answered++
			}
		}
	}
	return answered, total
}

// stepQuestions are the answers a step post needs: its pillar's questions
// and the earlier questions they depend on (in every instrument, as the
// response's own is not known before it is read).
func (s *Server) stepQuestions(r *http.Request) []string {
	n, err := strconv.Atoi(r.PathValue("n"))
	ids := []string{}
	if err != nil {
		return ids
	}
	for _, in := range s.cfg.Instruments {
		if n < 1 || n > len(in.Pillars) {
			continue
		}
		for _, q := range in.Pillars[n-1].Questions {
			ids = append(ids, q.ID)
			if q.When != nil && q.When.Question != "" {
				ids = append(ids, q.When.Question)
			}
		}
	}
	return ids
}

// loadDraft loads the assessment for a page that only makes sense on a
// draft; a submitted one sends the user to its result. ok is false when the
// response has been written.
func (s *Server) loadDraft(w http.ResponseWriter, r *http.Request) (*assessmentCtx, bool) {
	ac, err := s.loadAssessment(r, auth.ActAssessmentAnswer)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	if ac.resp.Status != survey.Draft {
		http.Redirect(w, r, fmt.Sprintf("/assessment/%d/result", ac.resp.ID), http.StatusSeeOther)
		return nil, false
	}
	return ac, true
}

func (s *Server) assessmentStep(w http.ResponseWriter, r *http.Request) {
	r, end := s.readOnceForClaim(r)
	defer end()
	ac, ok := s.loadDraft(w, r)
	if !ok {
		return
	}
	pi, err := stepOf(r, ac.in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.newStepPage(w, r, ac, pi)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.URL.Query().Has("check") {
		checkStep(&p)
	}
	p.FromReview = r.URL.Query().Get("from") == "review"
	if p.FromReview {
		p.Changed = r.URL.Query().Get("changed")
	}
	markOpened(&p, r.URL.Query()["opened"])
	joinQuestions(&p)
	end() // read all it reads: no reader held while it renders
	s.render(w, r, http.StatusOK, "assessment_step", p)
}

// checkStep marks each unanswered question with what it needs. A step is
// checked when the user comes from the review page's list of unanswered
// questions, so every gap they were sent to fix says so in place.
func checkStep(p *stepPage) {
	for i := range p.Questions {
		q := &p.Questions[i]
		switch {
		case q.Answered:
			continue
		case q.Multi:
			q.Problem = "error.survey.answer_checklist"
		case q.AllowNA:
			q.Problem = "error.survey.answer_one_or_na"
		default:
			q.Problem = "error.survey.answer_one"
		}
		p.Missing++
	}
}

func (s *Server) newStepPage(w http.ResponseWriter, r *http.Request, ac *assessmentCtx, pi int) (stepPage, error) {
	l := lang(r)
	pl := ac.in.Pillars[pi]
	p := stepPage{page: s.newPage(w, r, "page.assessment.title"), ResponseID: ac.resp.ID, Step: pi + 1, Steps: len(ac.in.Pillars),
		PillarName: pl.Name.In(l), PillarDesc: pl.Description.In(l), Instrument: ac.in.Name.In(l), Description: ac.in.Description.In(l),
		Private: auth.DraftOwner(currentUser(r)) != 0}
	p.Answered, p.Total = progress(ac.in, ac.resp)
	for i := range pl.Questions {
		q := &pl.Questions[i]
		if !q.Applies(ac.resp.Profile, ac.resp.Answers) {
			continue
		}
		qm, err := s.choices.question(l, ac.resp.Instrument, q)
		if err != nil {
			return p, err
		}
		a, answered := ac.resp.Answers[q.ID]
		qv := questionViewOf(pl, q, l, a, answered)
		qv.pieces, qv.q, qv.answer = qm, q, a
		p.Questions = append(p.Questions, qv)
	}
	return p, nil
}

// questionViewOf is question q of pillar pl in language l, answered a
// (answered false: not at all), without its options.
func questionViewOf(pl survey.Pillar, q *survey.Question, l string, a survey.Answer, answered bool) questionView {
	return questionView{ID: q.ID, Text: q.Text.In(l), Help: q.Help.In(l), Multi: q.Type == survey.Multi, AllowNA: q.AllowNA,
		NAChecked: answered && a.NA(), Answered: answered, FollowUp: q.When != nil && q.When.Question != "",
		Gateway: slices.ContainsFunc(pl.Questions, func(o survey.Question) bool { return o.When != nil && o.When.Question == q.ID })}
}

// joinQuestions sets, from its pieces, the options of each question with a
// problem (which the template renders around them): the last step before
// the page renders. A question without one is its Markup.
func joinQuestions(p *stepPage) {
	for i := range p.Questions {
		if q := &p.Questions[i]; q.pieces != nil && q.Problem != "" {
			q.Choices = template.HTML(q.pieces.join(q.q, q.answer)) // rendered by html/template in renderQuestion
		}
	}
}

// assessmentSubmitPost scores a complete draft and freezes it, if it is
// still the version the user reviewed: when a colleague changed an answer
// since (or the firm's profile changed), it answers 409 with the review
// page as the draft is now, to be reviewed again.
func (s *Server) assessmentSubmitPost(w http.ResponseWriter, r *http.Request) {
	r, end := s.readOnceForClaim(r)
	defer end()
	ac, err := s.loadAssessment(r, auth.ActAssessmentAnswer)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !auth.Can(currentUser(r), auth.ActAssessmentSubmit, auth.Target{FirmID: ac.resp.FirmID}) {
		// An open claim keeps its draft; it is submitted once verified.
		s.renderReview(w, r, http.StatusForbidden, ac, "error.claim.submit_unverified")
		return
	}
	f, ok := s.parseForm(w, r, "version")
	if !ok {
		return
	}
	if ac.resp.Status == survey.Submitted { // sent again (back, then submit): its result, not an error page
		s.redirect(w, r, fmt.Sprintf("/assessment/%d/result", ac.resp.ID), "flash.assessment_already_submitted")
		return
	}
	if ac.resp.Status != survey.Draft {
		s.fail(w, r, store.ErrSubmitted)
		return
	}
	if len(ac.in.Unanswered(ac.resp.Profile, ac.resp.Answers)) > 0 {
		s.renderReview(w, r, http.StatusUnprocessableEntity, ac, "error.survey.incomplete")
		return
	}
	err = store.ErrConflict
	if f.Get("version") == ac.resp.Version() {
		res := scoring.Score(ac.in, ac.resp.Profile, ac.resp.Answers)
		err = s.store.SubmitResponse(r.Context(), ac.resp.ID, ac.resp.FirmID, currentUser(r).ID, f.Get("version"), res)
		if err == nil {
			s.scores.keep(ac.resp, res) // for the result page it redirects to
		}
	}
	switch {
	case err == nil || errors.Is(err, store.ErrSubmitted):
		s.redirect(w, r, fmt.Sprintf("/assessment/%d/result", ac.resp.ID), "flash.assessment_submitted")
	case errors.Is(err, store.ErrConflict):
		s.reviewAgain(w, r)
	default:
		s.fail(w, r, err)
	}
}

// reviewAgain shows the review page of the draft as it is now, with who
// changed what, saying that the answers changed since the user reviewed them.
func (s *Server) reviewAgain(w http.ResponseWriter, r *http.Request) {
	ac, err := s.loadAssessment(r, auth.ActAssessmentAnswer)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderReview(w, r, http.StatusConflict, ac, "error.survey.changed_since_review")
}

// reviewAnchor is where the review opens after a step reached from its
// "Change" link is saved: the changed question's line (#rq-ID), when
// changed names a question of step pi, or else the step's pillar.
func reviewAnchor(in *survey.Instrument, pi int, changed string) string {
	if q, ok := in.Question(changed); ok && q.Pillar() == in.Pillars[pi].ID {
		return "#rq-" + q.ID
	}
	return "#p-" + in.Pillars[pi].ID
}
