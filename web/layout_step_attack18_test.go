package web

import (
	"fmt"
	"net/http"
	"regexp"
	"sync"
	"testing"

	"dxready/store/storetest"
	"dxready/survey"
)

var assessmentIDs = regexp.MustCompile(`/assessment/(\d+)/`)

// Two firms' users open their step pages at once, from a cold portal and
// after its frames were filled past their bound: each page shows its own
// response ID only (a frame keyed or cut wrongly would show the other's,
// or the mark), and equals the whole template's (layoutCheck).
func TestAttack18StepFramesOfTwoFirmsAtOnce(t *testing.T) {
	e := newEnv(t)
	a := draftNow(t, e)
	storetest.FirmUser(t, e.st, "noithat@test.local", e.fx.NoiThat.ID)
	b, err := e.st.Draft(ctx, e.fx.NoiThat.ID, storetest.Instrument(t), survey.Profile{Section: "C", Size: string(e.fx.NoiThat.SizeClass)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	ca, cb := e.client().login("firm@test.local"), e.client().login("noithat@test.local")
	run := func() {
		var wg sync.WaitGroup
		for i := range 24 {
			wg.Go(func() {
				c, own := ca, a.ID
				if i%2 == 1 {
					c, own = cb, b.ID
				}
				step := 1 + i/2%6
				r := c.get(fmt.Sprintf("/assessment/%d/step/%d", own, step), "Cookie", "lang="+[]string{"vi", "en"}[i/4%2])
				if r.status != http.StatusOK {
					t.Errorf("step %d of %d: %d", step, own, r.status)
					return
				}
				for _, m := range assessmentIDs.FindAllStringSubmatch(r.body, -1) {
					if m[1] != fmt.Sprint(own) {
						t.Errorf("step %d of response %d links to response %s", step, own, m[1])
						return
					}
				}
			})
		}
		wg.Wait()
	}
	run()
	for l := range e.web.stepFrames.kept { // fill every language's frames past the bound
		for n := range maxStepFrames + 3 {
			if _, err := e.web.stepFrames.frame(l, stepFrameKey{Instrument: fmt.Sprint(n), Step: 1, Steps: 6}); err != nil {
				t.Fatal(err)
			}
		}
		if len(e.web.stepFrames.kept[l]) > maxStepFrames {
			t.Errorf("%s: %d frames kept", l, len(e.web.stepFrames.kept[l]))
		}
	}
	run()
}
