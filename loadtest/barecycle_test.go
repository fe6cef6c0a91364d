package loadtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"dxready/survey"
)

func instrument(t *testing.T) *survey.Instrument {
	t.Helper()
	all, err := survey.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	in, _ := survey.Latest(all, survey.DefaultID)
	return in
}

// The bare cycle answers the real cycle's requests: 3 clients run 6
// cycles (the budget ends the phase, never its time), each a start, a post
// per step and a submit, every post followed by a GET of the page its 303
// leads to, each committing its rows (a draft, one answer per question
// asked, the submit), and each client fetches the pages' assets once.
func TestBareCycleRunsTheCyclesRequests(t *testing.T) {
	in := instrument(t)
	steps, asked := len(in.Pillars), 0
	for _, q := range in.Questions() {
		if q.When == nil {
			asked++
		}
	}
	b, cleanup, err := newBareServer(context.Background(), pageSizes{"step/1": 5000, "review": 3000}, steps)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	lt := &loadTest{in: in, duration: 5 * time.Minute, maxReq: 6}
	p, err := b.drive(context.Background(), lt, 3)
	if err != nil {
		t.Fatal(err)
	}
	cycles := summarize(p.samples["cycle"], p.wall)
	if cycles.n != 6 || cycles.failed != 0 || len(p.samples["error"]) != 0 || len(p.samples["step"]) != 6*steps {
		t.Fatalf("cycles %+v, steps %d, errors %d", cycles, len(p.samples["step"]), len(p.samples["error"]))
	}
	perCycle := int64(steps + 2) // start, each step, submit: as many pages
	if b.posts.Load() != 6*perCycle || b.views.Load() != 6*perCycle || p.pages != 6*perCycle {
		t.Errorf("posts %d, pages served %d, shown %d; want %d each", b.posts.Load(), b.views.Load(), p.pages, 6*perCycle)
	}
	if b.assets.Load() != 3*int64(len(bareAssets)) {
		t.Errorf("%d assets fetched, want %d (each once per client)", b.assets.Load(), 3*len(bareAssets))
	}
	var drafts, submitted, answers int
	b.db.QueryRow("SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'submitted') FROM responses").Scan(&drafts, &submitted)
	b.db.QueryRow("SELECT COUNT(*) FROM answers").Scan(&answers)
	if drafts != 6 || submitted != 6 || answers != 6*asked || b.rows.Load() != int64(6*(asked+2)) {
		t.Errorf("%d drafts, %d submitted, %d answers, %d rows written; want 6, 6, %d, %d", drafts, submitted, answers, b.rows.Load(), 6*asked, 6*(asked+2))
	}
}

// The bare pages are of the sizes asked, the sizes the cycle phase saw or,
// for a page it never showed, the demo's; they name the bare assets, and
// the review its version.
func TestBarePagesAreOfTheSizesAsked(t *testing.T) {
	in := instrument(t)
	sizes := pageSizes{"step/1": 5000, "step/2": 7777, "review": 3000, "result": 12345}
	b, cleanup, err := newBareServer(context.Background(), sizes, len(in.Pillars))
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	srv := httptest.NewServer(b)
	defer srv.Close()
	for kind, want := range map[string]int{"step/1": 5000, "step/2": 7777, "step/3": 11_700, "review": 3000, "result": 12345} {
		res, err := http.Get(srv.URL + "/assessment/9/" + kind)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || len(page) != want || !slices.Equal(scanned(page), []string{bareAssets[2], bareAssets[0], bareAssets[1]}) {
			t.Errorf("%s: status %d, %d bytes (want %d), assets %q", kind, res.StatusCode, len(page), want, scanned(page))
		}
		if _, ok := reviewedVersion(page); ok != (kind == "review") {
			t.Errorf("%s: version %v", kind, ok)
		}
	}
	for _, path := range []string{"/assessment/9/step/7", "/assessment/9/nothing", "/elsewhere"} {
		res, err := http.Post(srv.URL+path, "application/x-www-form-urlencoded", nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", path, res.StatusCode)
		}
	}
}

// The sizes handed to the bare cycle are those each client was last shown
// of each page of a draft, averaged over the clients; other pages are not
// a draft's.
func TestCycleSizesAreWhatTheClientsWereShown(t *testing.T) {
	a, b := &loadClient{sizes: map[string]int{}}, &loadClient{sizes: map[string]int{}}
	a.noteSize("/assessment/12/step/1", 900)
	a.noteSize("/assessment/12/step/1", 1000) // the last one counts
	b.noteSize("/assessment/13/step/1", 2000)
	b.noteSize("/assessment/13/review", 500)
	for _, p := range []string{"/", "/assessment", "/assessment/x/step/1", "/assessment/12", "/assessment//step/1"} {
		a.noteSize(p, 1)
	}
	got := cycleSizes([]*loadClient{a, b})
	if fmt.Sprint(got) != "map[review:500 step/1:1500]" {
		t.Errorf("sizes %v", got)
	}
	if got.size("step/9") != fallbackSizes["step"] || got.size("step/1") != 1500 {
		t.Errorf("a step the demo has no size for: %d", got.size("step/9"))
	}
	if s := got.String(1); s != "step/1 1.5 kB review 0.5 kB result 14.8 kB (not shown: the demo's)" {
		t.Errorf("said %q", s)
	}
}
