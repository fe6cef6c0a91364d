package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"dxready/auth"
	"dxready/store"
	"dxready/survey"
)

// A step post reads its draft inside the write that saves it
// (store.SaveStep): one transaction of four statements where a read and
// then a write were five in two, and what the form may change is decided
// on the draft as it is written. It answers exactly as the read-then-write
// did (TestStepPostSameAsReadingFirst): the checks that followed the read
// are made, in the same order, by stepPost.decide.

// stepPost is one step post: what it knew before its draft was read, and
// what it decided on it.
type stepPost struct {
	s           *Server
	r           *http.Request
	u           *auth.User
	claimClosed bool  // claimClosed's answer for u, read before the write
	claimErr    error // its error
	formErr     error // r.ParseForm's

	// Decided on the draft, inside the write.
	ac      *assessmentCtx
	pi      int
	answers map[string]survey.Answer
}

// errBody wraps a form body that could not be read (stepPost.formErr).
type errBody struct{ err error }

func (e *errBody) Error() string { return "web: step form: " + e.err.Error() }
func (e *errBody) Unwrap() error { return e.err }

// decide makes, on resp as read inside the write, the checks the step post
// made after reading it (loadAssessmentWith, stepOf, parseForm,
// parseStepAnswers), in that order, and returns the answers to store. It
// runs while the batch holds the writer: it reads nothing.
func (p *stepPost) decide(resp *survey.Response) (map[string]survey.Answer, error) {
	if !auth.Can(p.u, auth.ActAssessmentAnswer, auth.Target{FirmID: resp.FirmID, DraftOwner: resp.OwnerID}) {
		return nil, store.ErrNotFound // another firm's draft: not disclosed
	}
	if resp.OwnerID != 0 && (p.claimErr != nil || p.claimClosed) { // a rejected or revoked claimant's draft is closed to them
		return nil, cmp.Or(p.claimErr, store.ErrNotFound)
	}
	in, ok := p.s.cfg.Instruments[resp.Instrument]
	if !ok {
		return nil, fmt.Errorf("web: response %d uses unknown instrument %s", resp.ID, resp.Instrument)
	}
	pi, err := stepOf(p.r, in)
	if err != nil {
		return nil, err
	}
	if p.formErr != nil {
		return nil, &errBody{p.formErr}
	}
	answers, err := parseStepAnswers(p.r, in, pi, resp.Profile, resp.Answers)
	if err != nil {
		return nil, err
	}
	p.ac, p.pi, p.answers = &assessmentCtx{resp: resp, in: in}, pi, answers
	return answers, nil
}

// assessmentStepPost saves a step as it is left, then moves back, forward
// or to the review. If an answer opened a follow-up question on this step,
// the step is shown again at that question.
func (s *Server) assessmentStepPost(w http.ResponseWriter, r *http.Request) {
	r, end := s.readOnceForClaim(r)
	defer end()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, store.ErrNotFound)
		return
	}
	p := &stepPost{s: s, r: r, u: currentUser(r), formErr: r.ParseForm()}
	p.claimClosed, p.claimErr = s.claimClosed(r.Context(), p.u) // only an open claim's user is looked up
	if _, err := s.store.SaveStep(r.Context(), id, p.u.ID, s.stepQuestions(r), p.decide); err != nil {
		s.failStep(w, r, err)
		return
	}
	p.ac.resp.Answers = mergeAnswers(p.ac.resp.Answers, p.answers)
	s.stepSaved(w, r, p.ac, p.pi)
}

// failStep answers a step post that saved nothing.
func (s *Server) failStep(w http.ResponseWriter, r *http.Request, err error) {
	var body *errBody
	switch {
	case errors.As(err, &body):
		s.renderBodyError(w, r, body.err)
	case errors.Is(err, errTampered):
		s.renderError(w, r, http.StatusBadRequest, "error.survey.tampered")
	default:
		s.fail(w, r, err)
	}
}

// stepSaved leads on from step pi, saved: to a follow-up it opened, back,
// forward, or to the review.
func (s *Server) stepSaved(w http.ResponseWriter, r *http.Request, ac *assessmentCtx, pi int) {
	fromReview := r.PostForm.Get("from") == "review"
	changed := r.PostForm.Get("changed")
	if opened := openedFollowUps(ac, pi, r.PostForm["asked"]); opened != nil {
		http.Redirect(w, r, followUpURL(ac.resp.ID, pi, opened, fromReview, changed), http.StatusSeeOther)
		return
	}
	to := fmt.Sprintf("/assessment/%d/review", ac.resp.ID)
	switch nav := r.PostForm.Get("nav"); {
	case fromReview && nav != "prev" && nav != "next":
		to += reviewAnchor(ac.in, pi, changed) // back where the "Change" link was
	case nav == "prev" && pi > 0:
		to = fmt.Sprintf("/assessment/%d/step/%d", ac.resp.ID, pi)
	case nav == "next" && pi+1 < len(ac.in.Pillars):
		to = fmt.Sprintf("/assessment/%d/step/%d", ac.resp.ID, pi+2)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
