package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Ten tabs of one firm start their assessment at once: all land on one
// draft, none on an error.
func TestAttack18TabsStartingAtOnce(t *testing.T) {
	e := newEnv(t)
	tabs := make([]*client, 10)
	for i := range tabs {
		tabs[i] = e.client().login("firm@test.local")
	}
	got := make([]string, len(tabs))
	var wg sync.WaitGroup
	for i, c := range tabs {
		wg.Go(func() {
			r := c.post("/assessment", nil)
			if r.status != http.StatusSeeOther {
				t.Errorf("tab %d: %d %s", i, r.status, r.body)
			}
			got[i], _, _ = strings.Cut(r.header.Get("Location"), "#")
		})
	}
	wg.Wait()
	for i, l := range got {
		if l != got[0] || !strings.Contains(l, "/step/1") {
			t.Fatalf("tab %d lands on %q, tab 0 on %q", i, l, got[0])
		}
	}
}

// A submission racing saves of the same draft from another tab: each
// request ends in a redirect or a page, never a 500, and the draft ends
// either submitted with a result, or still a draft.
func TestAttack18SubmitRacingSaves(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	id, _ := submitWorst(t, e, c) // a first submission, so the result page exists
	start := c.post("/assessment", nil)
	must(t, start, http.StatusSeeOther)
	var next int64
	fmt.Sscanf(strings.TrimPrefix(start.header.Get("Location"), "/assessment/"), "%d", &next)
	if next == 0 || next == id {
		t.Fatalf("second draft: %q", start.header.Get("Location"))
	}
	in := e.web.cfg.Instruments[draftNow(t, e).Instrument]
	q := in.Pillars[0].Questions[0]
	b := e.client().login("firm@test.local")
	review := c.get(fmt.Sprintf("/assessment/%d/review", next))
	must(t, review, http.StatusOK)
	version := versionOn(t, review)
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			var r resp
			if i == 0 {
				r = c.post(fmt.Sprintf("/assessment/%d/submit", next), url.Values{"version": {version}})
			} else {
				r = b.post(fmt.Sprintf("/assessment/%d/step/1", next), url.Values{"q." + q.ID: {q.Options[i%len(q.Options)].ID}, "nav": {"next"}})
			}
			if r.status >= 500 {
				t.Errorf("request %d: %d", i, r.status)
			}
		})
	}
	wg.Wait()
	switch r := c.get(fmt.Sprintf("/assessment/%d/step/1", next)); r.status {
	case http.StatusOK: // still a draft: the saves came first, the submission refused
	case http.StatusSeeOther:
		must(t, c.get(r.header.Get("Location")), http.StatusOK)
	default:
		t.Fatalf("after the race: %d", r.status)
	}
}
