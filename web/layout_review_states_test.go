package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dxready/locale"
	"dxready/survey"
)

// reviewShapesKept counts the review contents that pieces wrote: the
// layoutCheck of newEnv compares each page served with the whole template.
func reviewShapesKept(e *env) int {
	e.web.reviewFrames.mu.Lock()
	defer e.web.reviewFrames.mu.Unlock()
	n := 0
	for _, m := range e.web.reviewFrames.kept {
		n += len(m)
	}
	return n
}

// Every state a user reaches on the review page, through the portal, in
// both languages: a firm user's shared draft with N/A and unticked
// answers, the problems of a submit (stale version, incomplete), a
// claimant's private draft and its refused submit, (the Center cannot open a firm's draft: 403).
func TestReviewStatesThroughThePortal(t *testing.T) {
	e := newEnv(t)
	in, _ := survey.Latest(e.web.cfg.Instruments, survey.DefaultID)
	d, err := e.st.Draft(ctx, e.fx.GoDuc.ID, in, survey.Profile{Section: "C", Size: "small"}, e.fx.FirmUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]survey.Answer{}
	for i, q := range in.Questions() {
		switch {
		case i%5 == 0:
			answers[q.ID] = survey.Answer{Options: []string{survey.NotApplicable}}
		case i%5 == 1:
			answers[q.ID] = survey.Answer{Options: []string{}}
		case i%5 == 2 && len(q.Options) > 0:
			answers[q.ID] = survey.Answer{Options: []string{q.Options[0].ID}}
		}
	}
	if err := e.st.SaveAnswers(ctx, d.ID, e.fx.GoDuc.ID, answers, e.fx.FirmUser.ID); err != nil {
		t.Logf("save (some answers refused): %v", err)
	}
	firm := e.client().login("firm@test.local")
	review := fmt.Sprintf("/assessment/%d/review", d.ID)
	for _, l := range locale.Languages {
		must(t, firm.get(review+"?lang="+l), http.StatusOK)
		firm.post(fmt.Sprintf("/assessment/%d/submit?lang=%s", d.ID, l), url.Values{"version": {"stale"}})
		r := firm.get(review + "?lang=" + l)
		must(t, firm.post(fmt.Sprintf("/assessment/%d/submit?lang=%s", d.ID, l), url.Values{"version": {versionOn(t, r)}}), http.StatusUnprocessableEntity)
	}
	c, step := claimantDraft(t, e, "mai@example.vn")
	creview := strings.Replace(step, "step/1", "review", 1)
	for _, l := range locale.Languages {
		r := c.get(creview + "?lang=" + l)
		must(t, r, http.StatusOK)
		id := strings.TrimSuffix(strings.TrimPrefix(creview, "/assessment/"), "/review")
		c.post("/assessment/"+id+"/submit?lang="+l, url.Values{"version": {"v"}})
	}
	if n := reviewShapesKept(e); n < 6 {
		t.Fatalf("only %d review shapes cut: the pages did not come from pieces", n)
	}
}
