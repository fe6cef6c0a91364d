package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"dxready/auth"
	"dxready/store"
	"dxready/survey"
)

// errTampered is a survey form that no browser could have sent.
var errTampered = errors.New("web: tampered survey form")

// assessmentCtx is a response the signed-in user may work on, with its
// instrument.
type assessmentCtx struct {
	resp *survey.Response
	in   *survey.Instrument
}

// loadAssessment loads response {id} and checks that the user may act on it
// (a response of another firm answers 404, not 403: its existence is not
// disclosed).
func (s *Server) loadAssessment(r *http.Request, a auth.Action) (*assessmentCtx, error) {
	return s.loadAssessmentWith(r, a, nil)
}

// loadAssessmentWith is loadAssessment reading only the answers to
// questions (all when nil).
func (s *Server) loadAssessmentWith(r *http.Request, a auth.Action, questions []string) (*assessmentCtx, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, store.ErrNotFound
	}
	var resp *survey.Response
	if questions == nil {
		resp, err = s.store.FindResponse(r.Context(), id)
	} else {
		resp, err = s.store.FindResponseWith(r.Context(), id, questions)
	}
	if err != nil {
		return nil, err
	}
	t := auth.Target{FirmID: resp.FirmID, DraftOwner: resp.OwnerID}
	// A result is also shared with the advisors the firm booked: that list
	// is read only when nothing else lets the user see it (the firm's own
	// users and the Center need no booking). Can only grants more with it.
	if a == auth.ActResultView && !auth.Can(currentUser(r), a, t) {
		if t.AdvisedBy, err = s.store.AdvisorsSharedWith(r.Context(), resp.ID); err != nil {
			return nil, err
		}
	}
	if !auth.Can(currentUser(r), a, t) {
		return nil, store.ErrNotFound
	}
	if t.DraftOwner != 0 { // a rejected or revoked claimant's draft is closed to them too
		if closed, err := s.claimClosed(r.Context(), currentUser(r)); err != nil || closed {
			return nil, cmp.Or(err, store.ErrNotFound)
		}
	}
	in, ok := s.cfg.Instruments[resp.Instrument]
	if !ok {
		return nil, fmt.Errorf("web: response %d uses unknown instrument %s", id, resp.Instrument)
	}
	return &assessmentCtx{resp: resp, in: in}, nil
}

type startPage struct {
	page
	Name, Description, Basis string
	Questions                int
	Private                  bool // an open claim's draft: the claimant's own until verified
}

// assessmentStart resumes the firm's draft at the step holding its first
// unanswered question (on any device), or, when there is none, shows what
// the assessment is and a button to start one. It writes nothing: GET stays
// free of side effects, as cross-origin protection lets GETs through.
func (s *Server) assessmentStart(w http.ResponseWriter, r *http.Request) {
	r, end := s.readOnceForClaim(r)
	defer end()
	if s.closedClaimAssessment(w, r) {
		return
	}
	u := currentUser(r)
	owner := auth.DraftOwner(u)
	if !auth.Can(u, auth.ActAssessmentAnswer, auth.Target{FirmID: u.FirmID, DraftOwner: owner}) {
		s.fail(w, r, errForbidden)
		return
	}
	switch resp, err := s.store.FindDraftOf(r.Context(), u.FirmID, owner); {
	case err == nil:
		http.Redirect(w, r, resumeURL(s.cfg.Instruments[resp.Instrument], resp), http.StatusSeeOther)
		return
	case !errors.Is(err, store.ErrNotFound):
		s.fail(w, r, err)
		return
	}
	in, ok := survey.Latest(s.cfg.Instruments, survey.DefaultID)
	if !ok {
		s.fail(w, r, errors.New("web: no default instrument"))
		return
	}
	l := lang(r)
	s.render(w, r, http.StatusOK, "assessment_start", startPage{page: s.newPage(w, r, "page.assessment.title"),
		Name: in.Name.In(l), Description: in.Description.In(l), Basis: in.Basis.In(l), Questions: len(in.Questions()),
		Private: owner != 0})
}

// assessmentStartPost starts a draft on the latest instrument (or finds the
// one a colleague just started) and opens it; an open claim's draft is
// its own (auth.DraftOwner).
func (s *Server) assessmentStartPost(w http.ResponseWriter, r *http.Request) {
	r, end := s.readOnceForClaim(r) // the claim, for a claimant
	defer end()
	if s.closedClaimAssessment(w, r) {
		return
	}
	u := currentUser(r)
	owner := auth.DraftOwner(u)
	if !auth.Can(u, auth.ActAssessmentAnswer, auth.Target{FirmID: u.FirmID, DraftOwner: owner}) {
		s.fail(w, r, errForbidden)
		return
	}
	in, ok := survey.Latest(s.cfg.Instruments, survey.DefaultID)
	if !ok {
		s.fail(w, r, errors.New("web: no default instrument"))
		return
	}
	// The firm's profile and its open draft are read in the write that
	// starts the draft: one transaction.
	resp, err := s.store.StartDraft(r.Context(), u.FirmID, owner, in, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A draft begun on an older version continues on it.
	http.Redirect(w, r, resumeURL(s.cfg.Instruments[resp.Instrument], resp), http.StatusSeeOther)
}

// resumeURL is the step of the first unanswered question, or the review.
func resumeURL(in *survey.Instrument, resp *survey.Response) string {
	q := in.FirstUnanswered(resp.Profile, resp.Answers)
	if q == nil {
		return fmt.Sprintf("/assessment/%d/review", resp.ID)
	}
	return fmt.Sprintf("/assessment/%d/step/%d#q-%s", resp.ID, pillarIndex(in, q)+1, q.ID)
}

// pillarIndex is the position of q's pillar: its step, counted from 0.
func pillarIndex(in *survey.Instrument, q *survey.Question) int {
	return max(0, slices.IndexFunc(in.Pillars, func(p survey.Pillar) bool { return p.ID == q.Pillar() }))
}

// stepOf parses {n} (1-based) into a pillar index.
func stepOf(r *http.Request, in *survey.Instrument) (int, error) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > len(in.Pillars) {
		return 0, store.ErrNotFound
	}
	return n - 1, nil
}

// parseStepAnswers reads the answers a step form carries. Every question
// named must belong to pillar pi and carry a valid answer; anything else
// means the form was tampered with and nothing is saved.
func parseStepAnswers(r *http.Request, in *survey.Instrument, pi int, p survey.Profile, current map[string]survey.Answer) (map[string]survey.Answer, error) {
	out := map[string]survey.Answer{}
	shown := r.PostForm["shown"]
	for key, vals := range r.PostForm {
		id, ok := strings.CutPrefix(key, "q.")
		if !ok {
			continue
		}
		q, ok := in.Question(id)
		if !ok || q.Pillar() != in.Pillars[pi].ID {
			return nil, errTampered
		}
		out[id] = survey.Answer{Options: vals}
	}
	for _, id := range shown { // a checklist shown with nothing ticked is an answer: "none of these"
		if q, ok := in.Question(id); ok && q.Type == survey.Multi && q.Pillar() == in.Pillars[pi].ID {
			if _, answered := out[id]; !answered {
				out[id] = survey.Answer{Options: []string{}}
			}
		} else {
			return nil, errTampered
		}
	}
	for id, a := range out {
		if in.CheckAnswer(id, a) != "" {
			return nil, errTampered
		}
	}
	// A follow-up whose gateway answer just changed may still carry a value
	// (no JavaScript hid it): that is not tampering; it is simply not kept.
	merged := mergeAnswers(current, out)
	for id := range out {
		if q, _ := in.Question(id); !q.Applies(p, merged) {
			delete(out, id)
		}
	}
	return out, nil
}

func mergeAnswers(base, over map[string]survey.Answer) map[string]survey.Answer {
	m := make(map[string]survey.Answer, len(base)+len(over))
	for k, v := range base {
		m[k] = v
	}
	for k, v := range over {
		m[k] = v
	}
	return m
}

// saveAnswers validates and stores answers; a submitted response answers
// 409 through fail.
func (s *Server) saveAnswers(r *http.Request, ac *assessmentCtx, answers map[string]survey.Answer) error {
	if len(answers) == 0 {
		return nil
	}
	err := s.store.SaveAnswers(r.Context(), ac.resp.ID, ac.resp.FirmID, answers, currentUser(r).ID)
	if err == nil {
		ac.resp.Answers = mergeAnswers(ac.resp.Answers, answers)
	}
	return err
}

// assessmentAnswerPost autosaves the answers of one question as it changes
// (JavaScript on). It answers 204, or a 4xx that changes nothing.
func (s *Server) assessmentAnswerPost(w http.ResponseWriter, r *http.Request) {
	r, end := s.readOnceForClaim(r)
	defer end()
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "error.bad_request")
		return
	}
	// Only the answer this question's applicability depends on is read.
	qid := r.PostForm.Get("question")
	deps := []string{}
	for _, in := range s.cfg.Instruments {
		if q, ok := in.Question(qid); ok && q.When != nil && q.When.Question != "" {
			deps = append(deps, q.When.Question)
		}
	}
	ac, err := s.loadAssessmentWith(r, auth.ActAssessmentAnswer, deps)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q, ok := ac.in.Question(qid)
	if !ok {
		s.renderError(w, r, http.StatusBadRequest, "error.survey.tampered")
		return
	}
	answers, err := parseStepAnswers(r, ac.in, pillarIndex(ac.in, q), ac.resp.Profile, ac.resp.Answers)
	if err != nil || len(answers) > 1 {
		s.renderError(w, r, http.StatusBadRequest, "error.survey.tampered")
		return
	}
	if err := s.saveAnswers(r, ac, answers); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
