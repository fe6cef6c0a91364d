// Package loadtest is `dxready load`: a load generator that drives a
// running portal on a loopback address over HTTP, as its clients' browsers
// would (every redirect followed to the page it leads to, each page's
// assets fetched once), and reports for each phase its rate over
// WALL-CLOCK time and the p50/p95/p99 latencies of its actions, and the CPU
// time each action cost the tool and the server (cpu.go), beside three
// baselines measured in the same run: a bare net/http handler, a raw SQLite
// commit loop, and the bare cycle, the floor of a firm cycle on this
// machine (barecycle.go).
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
	"os"
	"runtime/debug"
	"runtime/pprof"
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

// loadTest is one run against one portal.
type loadTest struct {
	base     string
	db       *portalDB // the portal's database, read-only: outbox and registry
	in       *survey.Instrument
	duration time.Duration  // wall-clock length of each phase
	maxReq   int64          // work items per phase at most
	counts   counts         // pages shown and assets fetched, all clients
	cpu      cpuMeter       // the tool's CPU time and the server's
	metrics  *serverMetrics // the portal's own handler times (--server-metrics), nil if not given
}

// options are the command's flags.
type options struct {
	target, db            string
	clients, maxReq, pool int
	serverPID             int
	cpuProfile            string
	serverMetrics         string
	scale                 int64
	duration              time.Duration
	runSurvey, runBooking bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	var phases string
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.target, "target", "http://127.0.0.1:8080", "base URL of a running dxready (loopback only)")
	fs.StringVar(&o.db, "db", "./dxready.db", "the database file of the portal at --target, read-only: new accounts' confirmation links are read from its outbox, the registry's size and taken tax codes from its firms")
	fs.IntVar(&o.clients, "clients", 64, "concurrent clients")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "wall-clock length of each phase (at most 1h)")
	fs.IntVar(&o.maxReq, "max-requests", 500_000, "requests per phase at most (a phase that reaches it ends early)")
	fs.StringVar(&phases, "phases", "survey,booking", "phases to run after the sign-up: survey, booking, or both (booking leaves its bookings in the database); signup: the sign-up alone")
	fs.IntVar(&o.pool, "slot-pool", 200, "booking phase: how many free slots all clients compete for")
	fs.IntVar(&o.serverPID, "server-pid", 0, "the process id of the portal at --target, to report its CPU per action of each phase from /proc/PID/stat (Linux; 0: not reported)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write the load tool's own CPU profile of the whole run to this file (go tool pprof)")
	fs.StringVar(&o.serverMetrics, "server-metrics", "", "the portal's metrics listener (its --metrics-addr, e.g. http://127.0.0.1:9464), loopback only: the cycle phase then says the server's time in its handlers by route")
	fs.Int64Var(&o.scale, "scale", 0, "the registry size the run is for, e.g. 1000000: refused unless the registry in --db holds at least that many firms (0: any)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("load: unexpected argument %q", fs.Arg(0))
	}
	if err := loopbackOnly(o.target); err != nil {
		return o, err
	}
	if err := loopbackOnly(o.serverMetrics); o.serverMetrics != "" && err != nil {
		return o, fmt.Errorf("--server-metrics: %w", err)
	}
	o.runSurvey, o.runBooking = strings.Contains(phases, "survey"), strings.Contains(phases, "booking")
	if !o.runSurvey && !o.runBooking && phases != "signup" || o.pool < 1 || o.scale < 0 || o.serverPID < 0 {
		return o, errors.New("load: --phases survey, booking, survey,booking or signup; --slot-pool at least 1; --scale and --server-pid 0 or more")
	}
	if o.clients < 1 || o.clients > 1024 || o.duration <= 0 || o.duration > maxDuration || o.maxReq < 1 || o.maxReq > maxRequests {
		return o, fmt.Errorf("load: --clients 1–1024, --duration above 0 and up to %v, --max-requests 1 to %d", maxDuration, maxRequests)
	}
	return o, nil
}

// Run is `dxready load [flags]`: every client signs up a firm of its own
// (registers with a tax code the registry in --db does not hold, confirms
// its address by the link it reads from the outbox in --db, signs in and
// opens its draft: the sign-up phase), then the booking phase and the
// survey phases (autosave, submit rounds, the whole firm cycle) run, each
// for --duration of wall-clock time, and the two baselines after them. It
// refuses any address outside 127.0.0.0/8 and ::1.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	defer tuneGC(os.LookupEnv)()
	if o.cpuProfile != "" {
		stop, err := startProfile(o.cpuProfile, stderr)
		if err != nil {
			return err
		}
		defer stop()
	}
	all, err := survey.LoadEmbedded()
	if err != nil {
		return err
	}
	in, _ := survey.Latest(all, survey.DefaultID)
	db, err := openPortalDB(o.db)
	if err != nil {
		return err
	}
	defer db.close()
	lt := &loadTest{base: strings.TrimRight(o.target, "/"), db: db, in: in, duration: o.duration, maxReq: int64(o.maxReq)}
	if o.serverMetrics != "" {
		lt.metrics = newServerMetrics(o.serverMetrics)
		defer lt.metrics.c.close()
	}
	var ticks string
	lt.cpu, ticks = newCPUMeter(o.serverPID)
	if err := lt.header(ctx, o, ticks, stdout); err != nil {
		return err
	}
	cs := lt.newClients(o.clients)
	defer closeClients(cs)
	at := lt.cpu.mark()
	signup, err := lt.signUp(ctx, cs)
	if err != nil {
		return err
	}
	lt.signUpReport(signup, lt.cpu.since(at, len(signup.samples["signup"]), "sign-up"), stdout)
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

// header says what the run is against: the registry's size (refused below
// --scale), the clients, the phases' wall time, the machine's load, and
// how CPU time is read.
func (lt *loadTest) header(ctx context.Context, o options, ticks string, w io.Writer) error {
	n, err := lt.db.firms(ctx)
	if err != nil {
		return err
	}
	if n < o.scale {
		return fmt.Errorf("load: the registry in %s holds %d firms, fewer than --scale %d: build one with `dxready demo --demo-firms %d --db FILE`, serve it, and give the same FILE as --db",
			o.db, n, o.scale, o.scale)
	}
	fmt.Fprintf(w, "dxready load: %s, a registry of %d firms (%s), %d clients, load average %s\n", lt.base, n, o.db, o.clients, loadAverage())
	fmt.Fprintf(w, "each phase runs %v of wall-clock time; a rate is what the phase completed per second of its WALL time;\n"+
		"each action is a browser's: the post, every redirect followed, the page shown (its CSS/JS once per client)\n", o.duration)
	server := "not measured (give --server-pid)"
	if m := lt.cpu.mark(); m.serverErr != nil {
		server = fmt.Sprintf("UNREADABLE, its figures will say so: %v", m.serverErr)
	} else if lt.cpu.pid > 0 {
		server = fmt.Sprintf("pid %d, from /proc/%d/stat (%s)", lt.cpu.pid, lt.cpu.pid, ticks)
	}
	fmt.Fprintf(w, "CPU time (user+sys) of each phase: the load tool's own from getrusage; the server's %s\n", server)
	return nil
}

// pages prints the pages a phase's clients were shown.
func pages(w io.Writer, name string, p phase) {
	fmt.Fprintf(w, "%-44s pages shown %d (%.1f /s)\n", name, p.pages, float64(p.pages)/max(p.wall.Seconds(), 1e-9))
}

// signUpReport reports the sign-up phase.
func (lt *loadTest) signUpReport(p phase, u cpuUse, w io.Writer) {
	report(w, "sign-up: whole (register → draft shown)", p.samples["signup"], p.wall)
	report(w, "sign-up: register (POST /register)", p.samples["register"], p.wall)
	report(w, "sign-up: confirm (link, password)", p.samples["confirm"], p.wall)
	report(w, "sign-up: sign in (POST /login)", p.samples["signin"], p.wall)
	pages(w, "sign-up:", p)
	cpuLine(w, "sign-up: CPU", u)
}

// surveyReport runs and reports the survey phases, the baselines and the
// summary.
func (lt *loadTest) surveyReport(ctx context.Context, cs []*loadClient, stdout io.Writer) error {
	at := lt.cpu.mark()
	auto := lt.run(ctx, cs, lt.autosave)
	report(stdout, "autosave (POST …/answer, 204)", auto.samples["answer"], auto.wall)
	cpuLine(stdout, "autosave: CPU", lt.cpu.since(at, len(auto.samples["answer"]), "answer"))
	at = lt.cpu.mark()
	rounds, err := lt.submitRounds(ctx, cs)
	if err != nil {
		return err
	}
	u := lt.cpu.since(at, len(rounds.samples["submit"]), "submit")
	report(stdout, "submit rounds: submits (wall incl. filling)", rounds.samples["submit"], rounds.wall)
	pages(stdout, "submit rounds:", rounds)
	cpuLine(stdout, "submit rounds: CPU", u)
	var sum summaryFigures
	sum.cycle, sum.cpu = lt.cycleReport(ctx, cs, stdout)
	if err := lt.baselines(ctx, cs, &sum, stdout); err != nil {
		return err
	}
	summary(stdout, sum)
	return nil
}

// cycleReport runs and reports the whole firm cycle: its stats and CPU.
func (lt *loadTest) cycleReport(ctx context.Context, cs []*loadClient, stdout io.Writer) (stats, cpuUse) {
	before := lt.scrape(ctx, stdout)
	at := lt.cpu.mark()
	cycle := lt.run(ctx, cs, lt.cycle)
	u := lt.cpu.since(at, len(cycle.samples["cycle"]), "cycle")
	whole := report(stdout, "cycle: whole (start → steps → result)", cycle.samples["cycle"], cycle.wall)
	report(stdout, "cycle: start (POST /assessment)", cycle.samples["start"], cycle.wall)
	report(stdout, "cycle: steps (POST …/step/n)", cycle.samples["step"], cycle.wall)
	report(stdout, "cycle: submit (POST …/submit)", cycle.samples["submit"], cycle.wall)
	report(stdout, "cycle: errors", cycle.samples["error"], cycle.wall)
	for _, e := range cycle.errs {
		fmt.Fprintf(stdout, "%-44s %s\n", "cycle: error", e)
	}
	pages(stdout, "cycle:", cycle)
	cpuLine(stdout, "cycle: CPU", u)
	lt.routes(ctx, before, len(cycle.samples["cycle"]), stdout)
	return whole, u
}

// baselines runs and reports the three baselines: a bare net/http
// handler, raw SQLite commits, and the bare cycle (barecycle.go), with
// pages of the sizes the cycle phase was shown.
func (lt *loadTest) baselines(ctx context.Context, cs []*loadClient, sum *summaryFigures, stdout io.Writer) error {
	at := lt.cpu.mark()
	base := baseline(ctx, len(cs), lt.duration, lt.maxReq)
	sum.bare = report(stdout, "baseline: bare net/http handler", base.samples["bare"], base.wall)
	inProcessLine(stdout, "baseline: bare handler CPU", lt.cpu.since(at, len(base.samples["bare"]), "request"))
	loop, err := commitLoop(ctx, lt.duration, lt.maxReq)
	if err != nil {
		return err
	}
	sum.commits = report(stdout, "baseline: raw SQLite commits (one writer)", loop.samples["commit"], loop.wall)
	sizes := cycleSizes(cs)
	at = lt.cpu.mark()
	bc, err := lt.bareCycle(ctx, len(cs), sizes)
	if err != nil {
		return err
	}
	u := lt.cpu.since(at, len(bc.samples["cycle"]), "cycle")
	sum.bareCycle = report(stdout, "bare cycle: whole (start → steps → result)", bc.samples["cycle"], bc.wall)
	fmt.Fprintf(stdout, "%-44s pages shown %d (%.1f /s), errors %d; pages of the sizes the cycle phase was shown: %s\n", "bare cycle:",
		bc.pages, float64(bc.pages)/max(bc.wall.Seconds(), 1e-9), len(bc.samples["error"]), sizes.String(len(lt.in.Pillars)))
	inProcessLine(stdout, "bare cycle: CPU", u)
	sum.bareCycleCPU = u
	return nil
}

// bookingReport runs and reports the booking phase.
func (lt *loadTest) bookingReport(ctx context.Context, cs []*loadClient, pool int, stdout io.Writer) error {
	at := lt.cpu.mark()
	p, err := lt.bookingPhase(ctx, cs, pool)
	if err != nil {
		return err
	}
	booked, held, taken := p.samples["booked"], p.samples["held"], p.samples["taken"]
	u := lt.cpu.since(at, len(booked)+len(held)+len(taken), "booking")
	if len(booked)+len(held)+len(taken) == 0 {
		fmt.Fprintln(stdout, "booking: no advisor has free slots (seed the demo, or add advisors)")
		return nil
	}
	report(stdout, "booking (POST /advisors/{id}/book, all)", slices.Concat(booked, held, taken), p.wall)
	report(stdout, "booking: confirmed (303, page shown)", booked, p.wall)
	report(stdout, "booking: already the client's (303 to it)", held, p.wall)
	report(stdout, "booking: slot taken (409; failed = other)", taken, p.wall)
	pages(stdout, "booking:", p)
	cpuLine(stdout, "booking: CPU", u)
	return nil
}

// loopbackOnly refuses a --target the tool's client (wire.go) does not
// speak to: anything but plain http:// to a loopback address, with no
// user, query or fragment.
func loopbackOnly(target string) error {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return fmt.Errorf("load: bad --target %q", target)
	}
	if u.Scheme != "http" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("load: --target %q: only plain http://HOST:PORT is spoken (no https, user, query or fragment): the tool measures a portal on loopback, behind no TLS", target)
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

// toolGOGC is the tool's GOGC unless GOGC is set: the tool's garbage is
// short-lived pages and requests, and at the default 100 its collector
// ran often enough to matter on the cores it shares with the server.
const toolGOGC = 400

// tuneGC sets the tool's GC percent to toolGOGC unless the environment
// (lookup) sets GOGC; the returned func puts back what was there.
func tuneGC(lookup func(string) (string, bool)) (restore func()) {
	if _, set := lookup("GOGC"); set {
		return func() {}
	}
	old := debug.SetGCPercent(toolGOGC)
	return func() { debug.SetGCPercent(old) }
}

// startProfile starts the tool's CPU profile into path; stop ends it and
// closes the file, saying on stderr if that fails.
func startProfile(path string, stderr io.Writer) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("load: --cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return nil, errors.Join(fmt.Errorf("load: --cpuprofile: %w", err), f.Close())
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintf(stderr, "load: --cpuprofile %s: %v\n", path, err)
		}
	}, nil
}

// scrape reads the portal's handler times when --server-metrics is given;
// nil if not, or if they cannot be read (said on w: the run goes on).
func (lt *loadTest) scrape(ctx context.Context, w io.Writer) routeTimes {
	if lt.metrics == nil {
		return nil
	}
	rt, err := lt.metrics.scrape(ctx)
	if err != nil {
		fmt.Fprintf(w, "%-44s unreadable: %v\n", "server metrics:", err)
		return nil
	}
	return rt
}

// routes reports the cycle phase's handler times by route, read again
// now, against before; nothing when before could not be read.
func (lt *loadTest) routes(ctx context.Context, before routeTimes, cycles int, w io.Writer) {
	if before == nil {
		return
	}
	if after := lt.scrape(ctx, w); after != nil {
		routeReport(w, "cycle", after.since(before), cycles)
	}
}
