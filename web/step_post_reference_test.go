package web

import (
	"fmt"
	"net/http"

	"dxready/auth"
)

// assessmentStepPostReadFirst is the step post as it was before the draft
// was read inside the save's write (store.SaveStep): a read, then a write.
// It is the reference TestStepPostSameAsReadingFirst holds the step post
// to.
func (s *Server) assessmentStepPostReadFirst(w http.ResponseWriter, r *http.Request) {
	r, end := s.readOnceForClaim(r)
	defer end()
	ac, err := s.loadAssessmentWith(r, auth.ActAssessmentAnswer, s.stepQuestions(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pi, err := stepOf(r, ac.in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, ok := s.parseForm(w, r); !ok {
		return
	}
	answers, err := parseStepAnswers(r, ac.in, pi, ac.resp.Profile, ac.resp.Answers)
	if err != nil {
		s.renderError(w, r, http.StatusBadRequest, "error.survey.tampered")
		return
	}
	if err := s.saveAnswers(r, ac, answers); err != nil {
		s.fail(w, r, err)
		return
	}
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
