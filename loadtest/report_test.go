package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dxready/survey"
)

// A phase's figures come from its samples and its wall time alone: 100
// actions of 1 … 100 ms over 10 s of wall time are 10 a second (not 100 /
// 5.05 s in flight), with nearest-rank percentiles 50, 95 and 99 ms.
func TestSummarizeIsWallClockWithNearestRankPercentiles(t *testing.T) {
	var ss []sample
	for i := 100; i >= 1; i-- { // out of order: summarize sorts
		ss = append(ss, sample{time.Duration(i) * time.Millisecond, i != 7})
	}
	st := summarize(ss, 10*time.Second)
	want := stats{n: 100, failed: 1, rate: 10, p50: 50 * time.Millisecond, p95: 95 * time.Millisecond, p99: 99 * time.Millisecond,
		max: 100 * time.Millisecond, wall: 10 * time.Second}
	if st != want {
		t.Fatalf("got %+v\nwant %+v", st, want)
	}
	one := summarize([]sample{{3 * time.Millisecond, true}}, time.Second)
	if one.p50 != 3*time.Millisecond || one.p99 != 3*time.Millisecond || one.rate != 1 {
		t.Fatalf("one sample: %+v", one)
	}
	var out bytes.Buffer
	report(&out, "x", nil, time.Second) // no samples: said, not divided by zero
	if !strings.Contains(out.String(), "no requests") {
		t.Fatalf("empty: %q", out.String())
	}
}

// fakePortal answers the survey's cycle as the portal does (start → step 1,
// each step → the next, the last → the review with a version, submit →
// the result), every page held for pageDelay, every post answered at once.
// It counts the posts and page views it served.
type fakePortal struct {
	pillars   int
	pageDelay time.Duration
	mu        sync.Mutex
	posts     map[string]int
	views     int
}

func (f *fakePortal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	if r.Method == http.MethodPost {
		f.posts[strings.Split(strings.TrimPrefix(r.URL.Path, "/assessment/1/"), "/")[0]]++
	} else {
		f.views++
	}
	f.mu.Unlock()
	if r.Method == http.MethodGet {
		time.Sleep(f.pageDelay)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<link rel="stylesheet" href="/static/app.1234.css"><form><input name="version" value="abc123"></form>`)
		return
	}
	to := "/assessment/1/step/1"
	switch p := r.URL.Path; {
	case strings.HasSuffix(p, "/submit"):
		to = "/assessment/1/result"
	case strings.Contains(p, "/step/"):
		n, _ := strconv.Atoi(p[strings.LastIndex(p, "/")+1:])
		to = fmt.Sprintf("/assessment/1/step/%d", n+1)
		if n == f.pillars {
			to = "/assessment/1/review"
		}
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// Against a server whose every page takes a known 20 ms, a whole cycle
// (8 pages: step 1, five more steps, the review, the result) cannot take
// less than 160 ms, so 4 clients cannot complete more than 25 cycles a
// second of wall clock (a machine that is busy only makes it fewer): the rate reported is cycles over the phase's wall
// time, and each latency includes the page its post led to. (A rate over
// the posts' time in flight, which take no time here, would be far above.)
func TestCycleRateIsWallClockAgainstKnownDelays(t *testing.T) {
	all, err := survey.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	in, _ := survey.Latest(all, survey.DefaultID)
	fake := &fakePortal{pillars: len(in.Pillars), pageDelay: 20 * time.Millisecond, posts: map[string]int{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	// The phase ends by its budget of 12 cycles (3 a client), never by
	// its time, so a busy machine only makes it longer.
	lt := &loadTest{base: srv.URL, in: in, duration: 5 * time.Minute, maxReq: 12}
	cs := lt.newClients(4)
	p := lt.run(context.Background(), cs, lt.cycle)
	cycles := summarize(p.samples["cycle"], p.wall)
	steps := summarize(p.samples["step"], p.wall)
	if cycles.n != 12 || cycles.failed != 0 || len(p.samples["error"]) != 0 {
		t.Fatalf("cycles %+v, errors %d", cycles, len(p.samples["error"]))
	}
	if p.wall < 3*8*fake.pageDelay {
		t.Errorf("wall %v, shorter than 3 cycles of 8 pages", p.wall)
	}
	if got := float64(cycles.n) / p.wall.Seconds(); math.Abs(cycles.rate-got) > 1e-9 {
		t.Errorf("rate %v, not cycles over wall time %v", cycles.rate, got)
	}
	if bound := 4 / (8 * fake.pageDelay).Seconds(); cycles.rate > bound {
		t.Errorf("%.1f cycles/s, above the %.1f the delays allow: not a wall-clock rate", cycles.rate, bound)
	}
	if cycles.p50 < 8*fake.pageDelay || steps.p50 < fake.pageDelay {
		t.Errorf("cycle p50 %v, step p50 %v: the pages' time is missing", cycles.p50, steps.p50)
	}
	if want := int64(8 * cycles.n); p.pages < want {
		t.Errorf("%d pages shown for %d cycles, want at least %d", p.pages, cycles.n, want)
	}
	if fake.posts["submit"] < cycles.n || lt.counts.assets.Load() != 4 { // the stylesheet once per client
		t.Errorf("%d submits for %d cycles; %d assets fetched, want 4", fake.posts["submit"], cycles.n, lt.counts.assets.Load())
	}
}
