// Package loadtest is `dxready load`: a load generator that drives a
// running portal on a loopback address over HTTP, as its clients would,
// and reports for each phase its rate over wall-clock time and the
// latencies of its requests.
//
// It is a tool, not the portal (STYLE.md §10), so it lives in its own
// package that main only dispatches to. It speaks to the portal only over
// HTTP and imports survey (to answer the instrument) and firms (to make
// valid tax codes), never web or store: what it measures is what a client
// sees. Its tests start a portal in-process with httptest.
package loadtest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"dxready/survey"
)

// Bounds: a run never has phases longer, or sends more requests a phase,
// than this.
const (
	maxDuration = time.Hour
	maxRequests = 2_000_000
)

// options are the command's flags.
type options struct {
	target, db            string
	clients, maxReq, pool int
	duration              time.Duration
	runSurvey, runBooking bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	var phases string
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.target, "target", "http://127.0.0.1:8080", "base URL of a running dxready (loopback only)")
	fs.StringVar(&o.db, "db", "./dxready.db", "the database file of the portal at --target, read-only: new accounts' confirmation links are read from its outbox")
	fs.IntVar(&o.clients, "clients", 64, "concurrent clients")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "wall-clock length of each phase (at most 1h)")
	fs.IntVar(&o.maxReq, "max-requests", 500_000, "requests per phase at most (a phase that reaches it ends early)")
	fs.StringVar(&phases, "phases", "survey,booking", "phases to run: survey, booking, or both (booking leaves its bookings in the database)")
	fs.IntVar(&o.pool, "slot-pool", 200, "booking phase: how many free slots all clients compete for")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("load: unexpected argument %q", fs.Arg(0))
	}
	if err := loopbackOnly(o.target); err != nil {
		return o, err
	}
	o.runSurvey, o.runBooking = strings.Contains(phases, "survey"), strings.Contains(phases, "booking")
	if !o.runSurvey && !o.runBooking || o.pool < 1 {
		return o, errors.New("load: --phases survey, booking or survey,booking; --slot-pool at least 1")
	}
	if o.clients < 1 || o.clients > 1024 || o.duration <= 0 || o.duration > maxDuration || o.maxReq < 1 || o.maxReq > maxRequests {
		return o, fmt.Errorf("load: --clients 1–1024, --duration above 0 and up to %v, --max-requests 1 to %d", maxDuration, maxRequests)
	}
	return o, nil
}

// Run is `dxready load [flags]`: it registers one firm per client (and
// confirms each address by the link it reads from the outbox in --db), then
// runs the booking phase and the survey phases (autosave, submit rounds,
// the whole cycle, and a bare net/http handler for comparison), each for
// --duration of wall-clock time. It refuses any address outside
// 127.0.0.0/8 and ::1.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	all, err := survey.LoadEmbedded()
	if err != nil {
		return err
	}
	in, _ := survey.Latest(all, survey.DefaultID)
	mail, err := openMailbox(o.db)
	if err != nil {
		return err
	}
	defer mail.close()
	lt := &loadTest{base: strings.TrimRight(o.target, "/"), mail: mail, in: in, duration: o.duration, maxReq: int64(o.maxReq)}
	fmt.Fprintf(stdout, "registering %d firms on %s …\n", o.clients, lt.base)
	cs, err := lt.register(ctx, o.clients)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "each phase runs %v of wall-clock time; a rate is what the phase completed per second of its wall time\n", o.duration)
	if o.runBooking {
		if err := lt.bookingReport(ctx, cs, o.pool, stdout); err != nil {
			return err
		}
	}
	if !o.runSurvey {
		return nil
	}
	return lt.surveyReport(ctx, cs, stdout)
}

// surveyReport runs and reports the survey phases and the baseline.
func (lt *loadTest) surveyReport(ctx context.Context, cs []*loadClient, stdout io.Writer) error {
	auto := lt.run(ctx, cs, lt.autosave)
	report(stdout, "autosave (POST /assessment/{id}/answer)", auto.samples["answer"], auto.wall)
	rounds, err := lt.submitRounds(ctx, cs)
	if err != nil {
		return err
	}
	report(stdout, "submit rounds: submits (all at once; wall incl. filling)", rounds.samples["submit"], rounds.wall)
	// A phase's end may cut a cycle short: every client starts the next
	// phase from an open draft.
	if err := eachClient(cs, func(_ int, c *loadClient) error { return c.openDraft(ctx, lt.base) }); err != nil {
		return fmt.Errorf("load: opening drafts: %w", err)
	}
	cycle := lt.run(ctx, cs, lt.fillAndSubmit)
	report(stdout, "cycle: submits = cycles (6 step posts, submit, next draft)", cycle.samples["submit"], cycle.wall)
	report(stdout, "cycle: steps  (POST /assessment/{id}/step/n)", cycle.samples["step"], cycle.wall)
	base := baseline(ctx, len(cs), lt.duration, lt.maxReq)
	report(stdout, "baseline (bare net/http handler, same clients)", base.samples["bare"], base.wall)
	if r := rate(base.samples["bare"], base.wall); r > 0 {
		fmt.Fprintf(stdout, "ratio: autosave at %.1f%% of the bare handler's requests per second\n", 100*rate(auto.samples["answer"], auto.wall)/r)
	}
	return nil
}

// bookingReport runs and reports the booking phase.
func (lt *loadTest) bookingReport(ctx context.Context, cs []*loadClient, pool int, stdout io.Writer) error {
	booked, taken, wall, err := lt.bookingPhase(ctx, cs, pool)
	if err != nil {
		return err
	}
	if len(booked)+len(taken) == 0 {
		fmt.Fprintln(stdout, "booking: no advisor has free slots (seed the demo, or add advisors)")
		return nil
	}
	report(stdout, "booking  (POST /advisors/{id}/book, all outcomes)", append(slices.Clone(booked), taken...), wall)
	report(stdout, "booking: confirmed (303)", booked, wall)
	report(stdout, "booking: slot taken (409; failed = any other answer)", taken, wall)
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
