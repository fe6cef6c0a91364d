package loadtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"dxready/survey"
)

// sample is one timed action of a kind.
type sample struct {
	d  time.Duration
	ok bool
}

type samples map[string][]sample

// phase is what one phase measured: timed samples by kind, its wall-clock
// length from start until its last client stopped (which is --duration,
// or less when --max-requests ended it first), and the pages its clients
// were shown.
type phase struct {
	samples samples
	wall    time.Duration
	pages   int64
	errs    []string // the first errors of the phase's failed actions, each told once (maxErrs)
}

// maxErrs bounds how many distinct errors a phase keeps to print.
const maxErrs = 5

// recorder collects samples from many clients.
type recorder struct {
	mu   sync.Mutex
	out  samples
	errs []string
}

// fail records a failed action and keeps its error to print, unless the
// same text or maxErrs others are kept already.
func (r *recorder) fail(err error) {
	r.record("error", 0, false)
	r.mu.Lock()
	defer r.mu.Unlock()
	if msg := err.Error(); len(r.errs) < maxErrs && !slices.Contains(r.errs, msg) {
		r.errs = append(r.errs, msg)
	}
}

func (r *recorder) record(kind string, d time.Duration, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out[kind] = append(r.out[kind], sample{d, ok})
}

// runCtxKey holds, in a phase's context, the context of the whole run.
type runCtxKey struct{}

// phaseContext is the context of a phase of length d: when d is up no new
// request starts, but one already sent is read to its end (bounded by the
// client's own timeout) and is not a sample. An abandoned request is not
// stopped at the server: a submit cut off at the end of the submit rounds
// went on there and committed after the cycle phase had opened the same
// draft, whose next step then answered 409. So what a phase sends is done
// before the next phase begins. The run's own end (a signal) still stops
// every request.
func phaseContext(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(parent, d)
	return context.WithValue(ctx, runCtxKey{}, parent), cancel
}

// phaseOver tells the error that only says the phase (or the run) ended.
func phaseOver(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

// requestContext is the context a request made under ctx is sent with:
// the run's, not its phase's (phaseContext).
func requestContext(ctx context.Context) context.Context {
	if run, ok := ctx.Value(runCtxKey{}).(context.Context); ok {
		return run
	}
	return ctx
}

// work is one unit of a phase for one client; it records its samples.
type work func(ctx context.Context, c *loadClient, rng *rand.Rand, record func(string, time.Duration, bool)) error

// run runs w on every client until the phase's time or request budget
// is spent, collecting timed samples by kind. An action in flight when the
// time is up is finished and counts (phaseContext); no new one starts.
func (lt *loadTest) run(ctx context.Context, cs []*loadClient, w work) phase {
	start := time.Now()
	pages := lt.counts.pages.Load()
	ctx, cancel := phaseContext(ctx, lt.duration)
	defer cancel()
	rec := &recorder{out: samples{}}
	var sent atomic.Int64
	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 99))
			for ctx.Err() == nil && sent.Add(1) <= lt.maxReq {
				if err := w(ctx, c, rng, rec.record); err != nil && !phaseOver(err) {
					rec.fail(err)
				}
			}
		})
	}
	wg.Wait()
	return phase{rec.out, time.Since(start), lt.counts.pages.Load() - pages, rec.errs}
}

// timed posts form, as a browser does (following to the page a 303 leads
// to), and records the whole under kind: it must first answer want. It
// returns what was shown.
func timed(ctx context.Context, c *loadClient, path string, form url.Values, kind string, want int, record func(string, time.Duration, bool)) (shown, error) {
	start := time.Now()
	s, err := c.send(ctx, http.MethodPost, path, form)
	if err != nil && ctx.Err() != nil {
		return s, ctx.Err() // stopped by the run's end: not a sample
	}
	// An action the phase's end caught in flight was read to its end
	// (phaseContext) and the phase's wall time covers it: it counts.
	ok := err == nil && s.status == want && (want != http.StatusSeeOther || s.final == http.StatusOK)
	record(kind, time.Since(start), ok)
	if err == nil && !ok {
		err = fmt.Errorf("load: %s %s: status %d then %d, want %d", kind, path, s.status, s.final, want)
	}
	if err == nil && ctx.Err() != nil {
		err = ctx.Err() // the phase is over: what this action was part of stops here
	}
	return s, err
}

// autosave changes one random answer of the client's draft, as the
// survey's script does: the answer is 204, no page.
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
	_, err := timed(ctx, c, fmt.Sprintf("/assessment/%d/answer", c.draft), form, "answer", http.StatusNoContent, record)
	return err
}

// cycle is the whole cycle of a signed-in firm, as a browser without
// JavaScript goes through it: start (the start button, shown step 1),
// every step (each post shown the next step, the last the review), submit
// (shown the result). Each action is timed with the page it leads to, and
// the whole cycle as one sample.
func (lt *loadTest) cycle(ctx context.Context, c *loadClient, rng *rand.Rand, record func(string, time.Duration, bool)) error {
	t0 := time.Now()
	s, err := timed(ctx, c, "/assessment", url.Values{}, "start", http.StatusSeeOther, record)
	if err != nil {
		return err
	}
	if err := c.setDraft(s); err != nil {
		return err
	}
	last, err := lt.fill(ctx, c, rng, record)
	if err != nil {
		return err
	}
	form, err := c.reviewVersion(ctx, last)
	if err != nil {
		return err
	}
	if _, err := timed(ctx, c, fmt.Sprintf("/assessment/%d/submit", c.draft), form, "submit", http.StatusSeeOther, record); err != nil {
		return err
	}
	record("cycle", time.Since(t0), true)
	return nil
}

// fill answers every step of the client's draft, as a browser without
// JavaScript does: one post per step, each shown the next page. It returns
// the page the last step led to (the review).
func (lt *loadTest) fill(ctx context.Context, c *loadClient, rng *rand.Rand, record func(string, time.Duration, bool)) (shown, error) {
	var last shown
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
		var err error
		if last, err = timed(ctx, c, fmt.Sprintf("/assessment/%d/step/%d", c.draft, pi+1), form, "step", http.StatusSeeOther, record); err != nil {
			return last, err
		}
	}
	return last, nil
}

// submitRounds measures submits arriving all at once. In each round every
// client fills its draft (not sampled), then all clients submit together
// (sampled, each shown its result), then open their next drafts (not
// sampled). Its wall time covers the whole rounds, filling included, so its
// rate is submits per second of wall clock, not per second that submits
// were in flight (the old figure, several times higher, that no firm could
// see).
func (lt *loadTest) submitRounds(ctx context.Context, cs []*loadClient) (phase, error) {
	start := time.Now()
	pages := lt.counts.pages.Load()
	ctx, cancel := phaseContext(ctx, lt.duration)
	defer cancel()
	rec := &recorder{out: samples{}}
	ignore := func(string, time.Duration, bool) {}
	forms := make([]url.Values, len(cs)) // the version each client reviewed
	steps := []struct {
		what string
		fn   func(round, i int, c *loadClient) error
	}{
		{"filling drafts", func(round, i int, c *loadClient) error {
			last, err := lt.fill(ctx, c, rand.New(rand.NewPCG(uint64(i), uint64(round))), ignore)
			if err != nil {
				return err
			}
			forms[i], err = c.reviewVersion(ctx, last)
			return err
		}},
		{"submitting", func(_, i int, c *loadClient) error {
			_, err := timed(ctx, c, fmt.Sprintf("/assessment/%d/submit", c.draft), forms[i], "submit", http.StatusSeeOther, rec.record)
			return err
		}},
		{"opening drafts", func(_, _ int, c *loadClient) error { return c.openDraft(ctx) }},
	}
	for round := 0; ctx.Err() == nil && int64(len(rec.out["submit"])+len(cs)) <= lt.maxReq; round++ {
		for _, st := range steps {
			err := eachClient(cs, func(i int, c *loadClient) error { return st.fn(round, i, c) })
			if ctx.Err() != nil {
				if j, ok := err.(interface{ Unwrap() []error }); ok { // the phase's time is up; what failed besides is told
					for _, e := range j.Unwrap() {
						if !phaseOver(e) {
							rec.fail(e)
						}
					}
				}
				break
			}
			if err != nil {
				return phase{}, fmt.Errorf("load: %s: %w", st.what, err)
			}
		}
	}
	return phase{rec.out, time.Since(start), lt.counts.pages.Load() - pages, rec.errs}, nil
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
