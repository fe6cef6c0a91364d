package loadtest

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"
)

// A request in flight when its phase's time is up is read to its end, not
// abandoned: the server goes on with an abandoned request, and a submit cut
// off that way committed during the next phase, whose step on the same
// draft then answered 409 (CI, 01/12); a booking would be in the database
// and not in the report. When run returns, the server has finished
// everything the phase sent, and that action counts: the phase's wall time
// covers it.
func TestAPhaseEndsOnlyAfterWhatItSentIsDone(t *testing.T) {
	var inFlight, done atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inFlight.Add(1)
		defer inFlight.Add(-1)
		time.Sleep(300 * time.Millisecond) // a long submit, deaf to its client going away
		done.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	lt := &loadTest{duration: 50 * time.Millisecond, maxReq: 10}
	c := newLoadClient(srv.URL, &lt.counts)
	p := lt.run(context.Background(), []*loadClient{c}, func(ctx context.Context, c *loadClient, _ *rand.Rand, rec func(string, time.Duration, bool)) error {
		_, err := timed(ctx, c, "/submit", url.Values{}, "submit", http.StatusNoContent, rec)
		return err
	})
	if n := inFlight.Load(); n != 0 {
		t.Fatalf("the phase returned with %d request(s) still running at the server", n)
	}
	if done.Load() != 1 {
		t.Fatalf("the server finished %d requests, want the 1 the phase sent", done.Load())
	}
	if s := p.samples["submit"]; len(s) != 1 || !s[0].ok || len(p.samples["error"]) != 0 {
		t.Fatalf("the action the phase's end caught was not counted once, done: %v", p.samples)
	}
	if p.wall < 300*time.Millisecond {
		t.Fatalf("the phase's wall time %v does not cover the request it sent", p.wall)
	}
}

// The run's own end (a signal) still stops a request at once.
func TestTheRunsEndStopsARequest(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	run, stop := context.WithCancel(context.Background())
	ctx, cancel := phaseContext(run, time.Hour)
	defer cancel()
	c := newLoadClient(srv.URL, &counts{})
	errc := make(chan error, 1)
	go func() { _, err := c.send(ctx, http.MethodGet, "/", nil); errc <- err }()
	time.Sleep(50 * time.Millisecond)
	stop()
	select {
	case err := <-errc:
		if err == nil {
			t.Fatal("the request went on after the run ended")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the request was not stopped by the run's end")
	}
}
