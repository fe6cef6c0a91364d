package loadtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"dxready/survey"
)

// sample is one timed request of a kind.
type sample struct {
	d  time.Duration
	ok bool
}

type samples map[string][]sample

// phase is what one phase measured: timed samples by kind, and its
// wall-clock length from start until its last client stopped (which is
// --duration, or less when --max-requests ended it first).
type phase struct {
	samples samples
	wall    time.Duration
}

// recorder collects samples from many clients.
type recorder struct {
	mu  sync.Mutex
	out samples
}

func (r *recorder) record(kind string, d time.Duration, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out[kind] = append(r.out[kind], sample{d, ok})
}

// run runs work on every client until the phase's time or request budget
// is spent, collecting timed samples by kind. A request the phase's end
// cuts off is not a sample.
func (lt *loadTest) run(ctx context.Context, cs []*loadClient, work func(context.Context, *loadClient, *rand.Rand, func(string, time.Duration, bool)) error) phase {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, lt.duration)
	defer cancel()
	rec := &recorder{out: samples{}}
	var sent atomic.Int64
	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 99))
			for ctx.Err() == nil && sent.Add(1) <= lt.maxReq {
				if err := work(ctx, c, rng, rec.record); err != nil && ctx.Err() == nil {
					rec.record("error", 0, false)
				}
			}
		})
	}
	wg.Wait()
	return phase{rec.out, time.Since(start)}
}

// timed posts form and records its latency under kind.
func timed(ctx context.Context, c *loadClient, u string, form url.Values, kind string, want int, record func(string, time.Duration, bool)) (int, error) {
	start := time.Now()
	code, err := c.post(ctx, u, form)
	if ctx.Err() != nil {
		return code, ctx.Err() // cut off by the end of the phase: not a sample
	}
	record(kind, time.Since(start), err == nil && code == want)
	return code, err
}

// autosave changes one random answer of the client's draft.
func (lt *loadTest) autosave(ctx context.Context, c *loadClient, rng *rand.Rand, record func(string, time.Duration, bool)) error {
	qs := lt.in.Questions()
	q := qs[rng.IntN(len(qs))]
	for q.When != nil { // keep to questions every firm is asked
		q = qs[rng.IntN(len(qs))]
	}
	form := url.Values{"question": {q.ID}, "q." + q.ID: {q.Options[rng.IntN(len(q.Options))].ID}}
	if q.Type == survey.Multi {
		form.Set("shown", q.ID)
	}
	_, err := timed(ctx, c, fmt.Sprintf("%s/assessment/%d/answer", lt.base, c.draft), form, "answer", http.StatusNoContent, record)
	return err
}

// fillAndSubmit answers every step of the client's draft, submits it and
// opens the next draft: the whole cycle of a firm, every request timed.
func (lt *loadTest) fillAndSubmit(ctx context.Context, c *loadClient, rng *rand.Rand, record func(string, time.Duration, bool)) error {
	if err := lt.fill(ctx, c, rng, record); err != nil {
		return err
	}
	form, err := c.reviewed(ctx, lt.base)
	if err != nil {
		return err
	}
	if _, err := timed(ctx, c, fmt.Sprintf("%s/assessment/%d/submit", lt.base, c.draft), form, "submit", http.StatusSeeOther, record); err != nil {
		return err
	}
	return c.openDraft(ctx, lt.base)
}

// fill answers every step of the client's draft, as a browser without
// JavaScript does: one post per step.
func (lt *loadTest) fill(ctx context.Context, c *loadClient, rng *rand.Rand, record func(string, time.Duration, bool)) error {
	for pi, pl := range lt.in.Pillars {
		form := url.Values{"nav": {"next"}}
		for _, q := range pl.Questions {
			if q.When != nil {
				continue
			}
			form.Add("asked", q.ID)
			form.Set("q."+q.ID, q.Options[rng.IntN(len(q.Options))].ID)
			if q.Type == survey.Multi {
				form.Add("shown", q.ID)
			}
		}
		if _, err := timed(ctx, c, fmt.Sprintf("%s/assessment/%d/step/%d", lt.base, c.draft, pi+1), form, "step", http.StatusSeeOther, record); err != nil {
			return err
		}
	}
	return nil
}

// submitRounds measures submits arriving all at once. In each round every
// client fills its draft (not sampled), then all clients submit together
// (sampled), then open their next drafts (not sampled). Its wall time
// covers the whole rounds, filling included, so its rate is submits per
// second of wall clock, not per second that submits were in flight (the
// old figure, several times higher, that no firm could see).
func (lt *loadTest) submitRounds(ctx context.Context, cs []*loadClient) (phase, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, lt.duration)
	defer cancel()
	rec := &recorder{out: samples{}}
	submitOnly := func(kind string, d time.Duration, ok bool) {
		if kind == "submit" {
			rec.record(kind, d, ok)
		}
	}
	ignore := func(string, time.Duration, bool) {}
	forms := make([]url.Values, len(cs)) // the version each client reviewed
	steps := []struct {
		what string
		fn   func(round, i int, c *loadClient) error
	}{
		{"filling drafts", func(round, i int, c *loadClient) error {
			if err := lt.fill(ctx, c, rand.New(rand.NewPCG(uint64(i), uint64(round))), ignore); err != nil {
				return err
			}
			var err error
			forms[i], err = c.reviewed(ctx, lt.base)
			return err
		}},
		{"submitting", func(_, i int, c *loadClient) error {
			_, err := timed(ctx, c, fmt.Sprintf("%s/assessment/%d/submit", lt.base, c.draft), forms[i], "submit", http.StatusSeeOther, submitOnly)
			return err
		}},
		{"opening drafts", func(_, _ int, c *loadClient) error { return c.openDraft(ctx, lt.base) }},
	}
	for round := 0; ctx.Err() == nil && int64(len(rec.out["submit"])+len(cs)) <= lt.maxReq; round++ {
		for _, st := range steps {
			err := eachClient(cs, func(i int, c *loadClient) error { return st.fn(round, i, c) })
			if ctx.Err() != nil {
				break // the phase's time is up; what was cut off is not a sample
			}
			if err != nil {
				return phase{}, fmt.Errorf("load: %s: %w", st.what, err)
			}
		}
	}
	return phase{rec.out, time.Since(start)}, nil
}

// eachClient runs fn for every client at once and returns the first error.
func eachClient(cs []*loadClient, fn func(int, *loadClient) error) error {
	errs := make([]error, len(cs))
	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Go(func() { errs[i] = fn(i, c) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
