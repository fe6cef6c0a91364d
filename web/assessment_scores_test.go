package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"dxready/locale"
	"dxready/scoring"
	"dxready/store/storetest"
	"dxready/survey"
)

// pageBothWays fails unless the result page of response id, for the
// firm's user in both languages, is the page scored afresh (slowResultFor
// scores the answers as stored now), and returns the Vietnamese one.
func (rs *resultStates) pageBothWays(id int64, state string) string {
	rs.t.Helper()
	var vi string
	for _, l := range locale.Languages {
		fast, slow := rs.e.resultBothWays(rs.t, id, rs.e.fx.FirmUser, l)
		if fast != slow {
			rs.t.Fatalf("%s: result %d in %s differs from the page scored afresh at byte %d:\n%s", state, id, l, firstDiff(fast, slow), around(fast, slow))
		}
		if l == locale.VI {
			vi = fast
		}
	}
	return vi
}

// The score a submission keeps for the result page after it is the page's
// own: the page right after the submission is the page scored afresh;
// after its answers are changed by hand in the database (another tool,
// behind the portal's back) the page shows the new answers' score, not
// the kept one; and so again after they are changed back.
func TestKeptScoreFollowsAnswersChangedByHand(t *testing.T) {
	rs := newResultStates(t)
	id := rs.submit(0)
	if n := rs.e.web.scores.len(); n != 1 {
		t.Fatalf("%d scores kept after a submission, want 1", n)
	}
	// The result page the submission redirected to took the kept score.
	if r := rs.c.get(fmt.Sprintf("/assessment/%d/result", id)); r.status != http.StatusOK {
		t.Fatalf("result: %d", r.status)
	}
	first := rs.pageBothWays(id, "right after the submission")
	set := func(pick int) {
		for _, q := range rs.in.Questions() {
			js, _ := json.Marshal([]string{q.Options[min(pick, len(q.Options)-1)].ID})
			rs.exec("UPDATE answers SET options = ? WHERE response_id = ? AND question = ?", string(js), id, q.ID)
		}
	}
	set(99)
	if changed := rs.pageBothWays(id, "answers changed by hand"); changed == first {
		t.Fatal("the page did not change with its answers: the test lost its case")
	}
	set(0)
	if back := rs.pageBothWays(id, "answers changed back by hand"); back != first {
		t.Fatal("answers changed back: the page is not the first one")
	}
}

// At most keptScoresMax scores are kept however many submissions there
// are, the latest of them; an older one is scored afresh.
func TestKeptScoresStayBounded(t *testing.T) {
	in := storetest.Instrument(t)
	var k keptScores
	resp := func(i int) *survey.Response {
		return &survey.Response{ID: int64(i + 1), Instrument: in.Key(), Profile: survey.Profile{Section: "C", Size: "small"}}
	}
	const n = 3*keptScoresMax + 17
	for i := range n {
		k.keep(resp(i), scoring.Result{Instrument: in.Key(), Overall: -float64(i + 1)}) // no score is negative: a kept one shows
		if got := k.len(); got > keptScoresMax {
			t.Fatalf("after %d submissions %d scores kept, at most %d wanted", i+1, got, keptScoresMax)
		}
	}
	k.keep(resp(n-1), scoring.Result{Instrument: in.Key(), Overall: -float64(n)}) // kept again: no second entry
	if got := k.len(); got != keptScoresMax {
		t.Fatalf("%d scores kept, want %d", got, keptScoresMax)
	}
	for i := range n {
		kept := k.score(in, resp(i)).Overall < 0
		if want := i >= n-keptScoresMax; kept != want {
			t.Fatalf("submission %d of %d: kept %v, want %v", i+1, n, kept, want)
		}
	}
}

// Another firm never sees a kept score that is not its own: a response of
// another firm with the very same instrument, profile and answers (so the
// same version) is scored afresh, and so is a response whose version is
// not what Version writes (a tampered or foreign one).
func TestAnotherFirmNeverSeesAKeptScore(t *testing.T) {
	in := storetest.Instrument(t)
	answers := map[string]survey.Answer{}
	for _, q := range in.Questions() {
		answers[q.ID] = survey.Answer{Options: []string{q.Options[0].ID}}
	}
	mine := &survey.Response{ID: 7, FirmID: 1, Instrument: in.Key(), Profile: survey.Profile{Section: "C", Size: "small"}, Answers: answers}
	theirs := *mine
	theirs.ID, theirs.FirmID = 8, 2
	var k keptScores
	planted := scoring.Result{Instrument: in.Key(), Overall: -1}
	k.keep(mine, planted)
	if got := k.score(in, &theirs); got.Overall < 0 {
		t.Fatal("another firm's response with the same answers got the kept score")
	}
	if got := k.score(in, mine); got.Overall != -1 {
		t.Fatalf("the firm's own response did not get its kept score: %v", got.Overall)
	}
	if want := scoring.Score(in, theirs.Profile, theirs.Answers); k.score(in, &theirs).Overall != want.Overall {
		t.Fatal("another firm's score is not its own")
	}
	if keyOf(mine) == keyOf(&theirs) {
		t.Fatal("two firms' responses share a key")
	}
}
