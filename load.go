package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dxready/firms"
	"dxready/survey"
)

// Load-test bounds: the tool never runs longer or sends more than this.
const (
	maxLoadDuration = 2 * time.Minute
	maxLoadRequests = 2_000_000
)

// cmdLoad drives a running dxready on a loopback address: clients register
// firms, then autosave answers and submit assessments concurrently; a bare
// net/http handler is measured in the same run for the ratio. It refuses
// any address outside 127.0.0.0/8 and ::1.
func cmdLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	target := fs.String("target", "http://127.0.0.1:8080", "base URL of a running dxready (loopback only)")
	clients := fs.Int("clients", 64, "concurrent clients")
	duration := fs.Duration("duration", 10*time.Second, "length of each measured phase (at most 2m)")
	maxReq := fs.Int("max-requests", 500_000, "requests per phase at most")
	phases := fs.String("phases", "survey,booking", "phases to run: survey, booking, or both (booking leaves its bookings in the database)")
	pool := fs.Int("slot-pool", 200, "booking phase: how many free slots all clients compete for")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := loopbackOnly(*target); err != nil {
		return err
	}
	runSurvey, runBooking := strings.Contains(*phases, "survey"), strings.Contains(*phases, "booking")
	if !runSurvey && !runBooking || *pool < 1 {
		return errors.New("load: --phases survey, booking or survey,booking; --slot-pool at least 1")
	}
	if *clients < 1 || *clients > 1024 || *duration <= 0 || *duration > maxLoadDuration || *maxReq < 1 || *maxReq > maxLoadRequests {
		return errors.New("load: --clients 1–1024, --duration up to 2m, --max-requests up to 2,000,000")
	}
	all, err := survey.LoadEmbedded()
	if err != nil {
		return err
	}
	in, _ := survey.Latest(all, survey.DefaultID)
	lt := &loadTest{base: strings.TrimRight(*target, "/"), in: in, duration: *duration, maxReq: int64(*maxReq)}
	fmt.Fprintf(stdout, "registering %d firms on %s …\n", *clients, lt.base)
	cs, err := lt.register(ctx, *clients)
	if err != nil {
		return err
	}
	if runBooking {
		booked, taken, err := lt.bookingPhase(ctx, cs, *pool)
		if err != nil {
			return err
		}
		if len(booked)+len(taken) == 0 {
			fmt.Fprintln(stdout, "booking: no advisor has free slots (seed the demo, or add advisors)")
		} else {
			report(stdout, "booking  (POST /advisors/{id}/book, all outcomes)", append(slices.Clone(booked), taken...), lt.duration)
			report(stdout, "booking: confirmed (303)", booked, lt.duration)
			report(stdout, "booking: slot taken (409; failed = any other answer)", taken, lt.duration)
		}
	}
	if !runSurvey {
		return nil
	}
	auto := lt.run(ctx, cs, lt.autosave)
	report(stdout, "autosave (POST /assessment/{id}/answer)", auto["answer"], lt.duration)
	only, busy, err := lt.submitRounds(ctx, cs)
	if err != nil {
		return err
	}
	report(stdout, "submit   (POST /assessment/{id}/submit, drafts filled first)", only, busy)
	sub := lt.run(ctx, cs, lt.fillAndSubmit)
	report(stdout, "cycle: submits (each after 6 step posts)", sub["submit"], lt.duration)
	report(stdout, "cycle: steps   (POST /assessment/{id}/step/n)", sub["step"], lt.duration)
	base := baseline(ctx, *clients, lt.duration, lt.maxReq)
	report(stdout, "baseline (bare net/http handler, same clients)", base, lt.duration)
	if r := rate(base, lt.duration); r > 0 {
		fmt.Fprintf(stdout, "ratio: autosave %.1f%% and submit %.1f%% of the bare handler's throughput\n",
			100*rate(auto["answer"], lt.duration)/r, 100*rate(only, busy)/r)
	}
	return nil
}

func loopbackOnly(target string) error {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return fmt.Errorf("load: bad --target %q", target)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("load: refusing %s: load tests target loopback addresses only", host)
}

type loadTest struct {
	base     string
	in       *survey.Instrument
	duration time.Duration
	maxReq   int64
}

type loadClient struct {
	http  *http.Client
	draft int64
}

var draftRe = regexp.MustCompile(`/assessment/(\d+)/`)

// register creates one firm and user per client, in a reserved tax-code
// range, and opens each one's draft.
func (lt *loadTest) register(ctx context.Context, n int) ([]*loadClient, error) {
	tr := &http.Transport{MaxIdleConns: n * 2, MaxIdleConnsPerHost: n * 2, IdleConnTimeout: time.Minute}
	body := 371900000 + rand.IntN(8000)*10
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	var cs []*loadClient
	for i := range n {
		var tc string
		for tc == "" {
			body++
			if d, ok := firms.CheckDigit(strconv.Itoa(body)); ok {
				tc = strconv.Itoa(body) + string(d)
			}
		}
		jar, _ := cookiejar.New(nil)
		c := &loadClient{http: &http.Client{Transport: tr, Jar: jar, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		form := url.Values{"tax_code": {tc}, "firm_name": {"Công ty TNHH Thử tải " + tc}, "name": {"Load"},
			"email": {fmt.Sprintf("load-%s-%d@load.local", run, i)}, "password": {"load-test-password"}, "password_confirm": {"load-test-password"}}
		if res, err := c.post(ctx, lt.base+"/register", form); err != nil || res != http.StatusSeeOther {
			return nil, fmt.Errorf("load: register firm %d: status %d, %v", i, res, err)
		}
		if err := c.openDraft(ctx, lt.base); err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

func (c *loadClient) post(ctx context.Context, u string, form url.Values) (int, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// openDraft starts (or finds) the client's draft, as the start button does.
func (c *loadClient) openDraft(ctx context.Context, base string) error {
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/assessment", nil)
	res, err := c.http.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	m := draftRe.FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		return fmt.Errorf("load: no draft (status %d)", res.StatusCode)
	}
	c.draft, _ = strconv.ParseInt(m[1], 10, 64)
	return nil
}

// sample is one timed request of a kind.
type sample struct {
	d  time.Duration
	ok bool
}

type samples map[string][]sample

// run runs work on every client until the phase's time or request budget
// is spent, collecting timed samples by kind.
func (lt *loadTest) run(ctx context.Context, cs []*loadClient, work func(context.Context, *loadClient, *rand.Rand, func(string, time.Duration, bool)) error) samples {
	ctx, cancel := context.WithTimeout(ctx, lt.duration)
	defer cancel()
	var mu sync.Mutex
	out := samples{}
	var sent atomic.Int64
	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 99))
			record := func(kind string, d time.Duration, ok bool) {
				mu.Lock()
				out[kind] = append(out[kind], sample{d, ok})
				mu.Unlock()
			}
			for ctx.Err() == nil && sent.Add(1) <= lt.maxReq {
				if err := work(ctx, c, rng, record); err != nil && ctx.Err() == nil {
					record("error", 0, false)
				}
			}
		})
	}
	wg.Wait()
	return out
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
	if _, err := timed(ctx, c, fmt.Sprintf("%s/assessment/%d/submit", lt.base, c.draft), nil, "submit", http.StatusSeeOther, record); err != nil {
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

// submitRounds measures the submit request on its own. In each round every
// client fills its draft (not measured), then all clients submit at once
// (measured), then open their next drafts (not measured). Throughput is the
// submissions over the time that submissions were in flight.
func (lt *loadTest) submitRounds(ctx context.Context, cs []*loadClient) (ss []sample, busy time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, maxLoadDuration)
	defer cancel()
	var mu sync.Mutex
	record := func(kind string, d time.Duration, ok bool) {
		if kind == "submit" {
			mu.Lock()
			ss = append(ss, sample{d, ok})
			mu.Unlock()
		}
	}
	ignore := func(string, time.Duration, bool) {}
	for round := 0; busy < lt.duration && int64(len(ss)+len(cs)) <= lt.maxReq; round++ {
		if err := eachClient(cs, func(i int, c *loadClient) error {
			return lt.fill(ctx, c, rand.New(rand.NewPCG(uint64(i), uint64(round))), ignore)
		}); err != nil {
			return ss, busy, fmt.Errorf("load: filling drafts: %w", err)
		}
		start := time.Now()
		err := eachClient(cs, func(_ int, c *loadClient) error {
			_, err := timed(ctx, c, fmt.Sprintf("%s/assessment/%d/submit", lt.base, c.draft), nil, "submit", http.StatusSeeOther, record)
			return err
		})
		busy += time.Since(start)
		if err != nil {
			return ss, busy, fmt.Errorf("load: submitting: %w", err)
		}
		if err := eachClient(cs, func(_ int, c *loadClient) error { return c.openDraft(ctx, lt.base) }); err != nil {
			return ss, busy, err
		}
	}
	return ss, busy, nil
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

// baseline measures a bare net/http handler on loopback with the same
// number of clients, for the ratio.
func baseline(ctx context.Context, clients int, d time.Duration, maxReq int64) []sample {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	tr := &http.Transport{MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2}
	cs := make([]*loadClient, clients)
	for i := range cs {
		cs[i] = &loadClient{http: &http.Client{Transport: tr}}
	}
	lt := &loadTest{base: "http://" + ln.Addr().String(), duration: d, maxReq: maxReq}
	got := lt.run(ctx, cs, func(ctx context.Context, c *loadClient, _ *rand.Rand, rec func(string, time.Duration, bool)) error {
		_, err := timed(ctx, c, lt.base+"/", url.Values{"question": {"x"}}, "bare", http.StatusNoContent, rec)
		return err
	})
	return got["bare"]
}

func rate(ss []sample, d time.Duration) float64 { return float64(len(ss)) / d.Seconds() }

func report(w io.Writer, name string, ss []sample, d time.Duration) {
	if len(ss) == 0 {
		fmt.Fprintf(w, "%-62s no requests\n", name)
		return
	}
	ds := make([]time.Duration, 0, len(ss))
	failed := 0
	for _, s := range ss {
		ds = append(ds, s.d)
		if !s.ok {
			failed++
		}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	pct := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	fmt.Fprintf(w, "%-62s %8.0f req/s  n=%d  failed=%d  p50 %v  p90 %v  p99 %v  max %v\n", name, rate(ss, d), len(ss), failed,
		pct(0.50).Round(10*time.Microsecond), pct(0.90).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), ds[len(ds)-1].Round(10*time.Microsecond))
}
