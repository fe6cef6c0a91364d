package web

import (
	"fmt"
	"net/url"
	"slices"
)

// openedFollowUps are the follow-up questions of step pi that the answers
// just saved made applicable and that the form did not show (asked): the
// user has not seen them yet. nil when there are none.
func openedFollowUps(ac *assessmentCtx, pi int, asked []string) []string {
	var out []string
	for _, q := range ac.in.Pillars[pi].Questions {
		if q.When != nil && q.Applies(ac.resp.Profile, ac.resp.Answers) && !slices.Contains(asked, q.ID) {
			out = append(out, q.ID)
		}
	}
	return out
}

// followUpURL shows step pi again with the opened questions announced in
// place, at the notice of the first one (without JavaScript, the anchor is
// how the reader lands on it); a step opened from the review still goes
// back there once saved.
func followUpURL(id int64, pi int, opened []string, fromReview bool, changed string) string {
	v := url.Values{"opened": opened}
	if fromReview {
		v.Set("from", "review")
		if changed != "" {
			v.Set("changed", changed)
		}
	}
	return fmt.Sprintf("/assessment/%d/step/%d?%s#opened-%s", id, pi+1, v.Encode(), opened[0])
}

// markOpened flags the follow-ups named in ?opened= that the step shows.
// Anything else named there (a question not on the step, not applicable,
// not a follow-up, or made up) is ignored: the notice only ever speaks of a
// follow-up in view.
func markOpened(p *stepPage, opened []string) {
	for i := range p.Questions {
		q := &p.Questions[i]
		q.Opened = q.FollowUp && slices.Contains(opened, q.ID)
	}
}
