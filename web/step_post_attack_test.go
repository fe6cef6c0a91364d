package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dxready/auth"
	"dxready/firms"
	"dxready/scoring"
	"dxready/store/storetest"
	"dxready/survey"
)

// handle sends a POST of form to path through h as u, the middleware's
// user, with path's values set, and returns the status.
func handle(h func(http.ResponseWriter, *http.Request), u *auth.User, path string, form url.Values, values ...string) int {
	r := httptest.NewRequestWithContext(context.WithValue(ctx, userKey, u), http.MethodPost, path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(values); i += 2 {
		r.SetPathValue(values[i], values[i+1])
	}
	rec := httptest.NewRecorder()
	h(rec, r)
	return rec.Code
}

// fullStep is step pi's form with every question answered with option k.
func fullStep(in *survey.Instrument, pi, k int) url.Values {
	f := url.Values{"nav": {"next"}}
	for _, q := range in.Pillars[pi].Questions {
		f.Set("q."+q.ID, q.Options[k%len(q.Options)].ID)
		if q.When == nil {
			f.Add("asked", q.ID)
		}
	}
	return f
}

// Attack: two tabs of one firm, one submitting the draft and one posting a
// step to it, at once, many times. Either the step is saved first (the
// submit, made on the version reviewed, answers 409 and the draft stays
// open with the step's answers) or the submit is (the step answers 409
// and changes nothing): never a step stored into a submitted response, and
// a submitted response always scored on the answers it holds. Fails when
// the step is decided on a draft read before the submit committed and
// written after it.
func TestStepRacingASubmit(t *testing.T) {
	w := newStepWorld(t)
	tw := w.twins[0]
	u := w.users[0]
	outcomes := map[string]int{}
	for round := range 16 {
		tw.clock.Add(time.Minute)
		id := w.own[u.ID]
		ids := strconvID(id)
		for pi := range w.in.Pillars {
			if st := handle(tw.s.assessmentStepPost, u, "/", fullStep(w.in, pi, 0), "id", ids, "n", strconvID(int64(pi+1))); st != http.StatusSeeOther {
				t.Fatalf("round %d: step %d answered %d", round, pi+1, st)
			}
		}
		d, err := tw.st.FindResponse(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var stepStatus, submitStatus int
		var wg sync.WaitGroup
		wg.Go(func() {
			submitStatus = handle(tw.s.assessmentSubmitPost, u, "/", url.Values{"version": {d.Version()}}, "id", ids)
		})
		wg.Go(func() {
			time.Sleep(time.Duration(round%4) * time.Millisecond) // either may come first
			stepStatus = handle(tw.s.assessmentStepPost, u, "/", fullStep(w.in, 0, 1), "id", ids, "n", "1")
		})
		wg.Wait()
		after, err := tw.st.FindResponse(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		changed := after.Version() != d.Version()
		switch {
		case stepStatus == http.StatusSeeOther && submitStatus == http.StatusConflict && after.Status == survey.Draft && changed:
			outcomes["step first"]++
		case stepStatus == http.StatusConflict && submitStatus == http.StatusSeeOther && after.Status == survey.Submitted && !changed:
			subs, err := tw.st.Submissions(ctx, u.FirmID)
			if err != nil {
				t.Fatal(err)
			}
			if want := scoring.Score(w.in, after.Profile, after.Answers); subs[0].ResponseID != id || subs[0].Overall != want.Overall {
				t.Fatalf("round %d: submitted %+v, its answers score %v", round, subs[0], want.Overall)
			}
			w.own[u.ID] = startOver(t, w, tw, u)
			outcomes["submit first"]++
		default:
			t.Fatalf("round %d: step %d, submit %d, draft now %s (answers changed: %v)", round, stepStatus, submitStatus, after.Status, changed)
		}
	}
	t.Logf("%v", outcomes)
}

func startOver(t *testing.T, w *stepWorld, tw *stepTwin, u *auth.User) int64 {
	d, err := tw.st.DraftOf(ctx, u.FirmID, auth.DraftOwner(u), w.in, survey.Profile{Section: "C", Size: "medium"}, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d.ID
}

// Attack: a firm user posts a valid step to another firm's draft, to a
// private draft of a claimant of their own firm, and a claimant to their
// firm's shared draft: each answers 404 (the draft's existence is not
// disclosed) and writes nothing, not even the draft's time.
func TestStepToAnotherFirmsDraftIsRefused(t *testing.T) {
	w := newStepWorld(t)
	tw := w.twins[0]
	noi, claimant := w.users[1], w.users[3]
	cases := []struct {
		u      *auth.User
		target int64
	}{{w.users[0], w.own[noi.ID]}, {noi, w.own[claimant.ID]}, {claimant, w.own[noi.ID]}, {w.users[2], w.own[w.users[0].ID]}}
	for _, c := range cases {
		tw.clock.Add(time.Minute)
		before := storetest.DraftRows(t, tw.st)
		if st := handle(tw.s.assessmentStepPost, c.u, "/", fullStep(w.in, 0, 0), "id", strconvID(c.target), "n", "1"); st != http.StatusNotFound {
			t.Fatalf("user %d posting to draft %d: %d, want 404", c.u.ID, c.target, st)
		}
		if after := storetest.DraftRows(t, tw.st); after != before {
			t.Fatalf("user %d posting to draft %d wrote:\n%s\nwas\n%s", c.u.ID, c.target, after, before)
		}
	}
}

func strconvID(id int64) string { return strconv.FormatInt(id, 10) }

// profileOf is firm f's profile, as a draft started now takes it.
func profileOf(f *firms.Firm) survey.Profile {
	return survey.Profile{Section: f.Section, Size: string(f.SizeClass)}
}

// Attack: six tabs of one firm press "Start" at once (the firm has no
// open draft): every tab is sent to the same new draft, and the firm has
// one. Fails when the start reads the open draft apart from the write
// that creates one and does not look again.
func TestStartsAtOnceLeadToOneDraft(t *testing.T) {
	w := newStepWorld(t)
	tw := w.twins[0]
	u := w.users[0]
	d, err := tw.st.FindResponse(ctx, w.own[u.ID])
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.st.SubmitResponse(ctx, d.ID, d.FirmID, u.ID, d.Version(), scoring.Score(w.in, d.Profile, d.Answers)); err != nil {
		t.Fatal(err)
	}
	to := make([]string, 6)
	var wg sync.WaitGroup
	for i := range to {
		wg.Go(func() {
			r := httptest.NewRequestWithContext(context.WithValue(ctx, userKey, u), http.MethodPost, "/assessment", nil)
			rec := httptest.NewRecorder()
			tw.s.assessmentStartPost(rec, r)
			to[i] = fmt.Sprint(rec.Code, " ", rec.Header().Get("Location"))
		})
	}
	wg.Wait()
	open, err := tw.st.FindDraftOf(ctx, u.FirmID, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("303 /assessment/%d/step/1#q-%s", open.ID, w.in.Pillars[0].Questions[0].ID)
	for i, got := range to {
		if got != want {
			t.Fatalf("tab %d sent to %q, want %q", i, got, want)
		}
	}
}
