package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"dxready/auth"
	"dxready/firms"
	"dxready/locale"
	"dxready/mail"
	"dxready/store"
	"dxready/survey"
	"dxready/web"
)

// app is what every command opens: the migrated store with reference data
// synced, the language bundle, and the portal's one clock.
type app struct {
	cfg         Config
	now         func() time.Time // handed to the store, web and the mail sender
	store       *store.Store
	ref         *firms.Reference
	bundle      *locale.Bundle
	l           *locale.Localizer
	instruments map[string]*survey.Instrument
}

func parseConfig(name string, args []string, getenv func(string) string, stderr io.Writer, extra func(*flag.FlagSet)) (Config, []string, error) {
	var c Config
	fs, env := flagSet(name, getenv, stderr, &c)
	if extra != nil {
		extra(fs)
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return c, nil, err
	}
	if err := env.check(fs); err != nil {
		return c, nil, err
	}
	return c, pos, c.Validate()
}

// parseInterspersed parses flags wherever they stand among the positional
// arguments ("import firms a.csv --db x" and "--db x import firms a.csv").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos, args = append(pos, args[0]), args[1:]
	}
}

// newApp loads what every command needs besides the database: the
// language bundle, the reference data, the instruments and the clock.
func newApp(c Config) (*app, error) {
	b, err := locale.Load()
	if err != nil {
		return nil, err
	}
	ref, err := firms.LoadReference()
	if err != nil {
		return nil, err
	}
	ins, err := survey.LoadEmbedded()
	if err != nil {
		return nil, err
	}
	return &app{cfg: c, now: systemClock, ref: ref, bundle: b, l: b.For(c.Lang), instruments: ins}, nil
}

// openStore opens the database at path, migrated and checked.
func (a *app) openStore(ctx context.Context, path string) (*store.Store, error) {
	st, err := store.Open(ctx, path, store.Options{Clock: a.now, Instruments: a.instruments})
	if err != nil {
		return nil, err
	}
	if err := a.prepare(ctx, st); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// prepare migrates st, syncs the reference data and checks the
// instruments: a broken instrument, or a changed one that responses
// already use, stops the portal here rather than scoring anything wrongly.
func (a *app) prepare(ctx context.Context, st *store.Store) error {
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	if err := st.SyncReference(ctx, a.ref); err != nil {
		return err
	}
	hashes := map[string]string{}
	for k, in := range a.instruments {
		hashes[k] = in.Hash
	}
	return st.CheckInstruments(ctx, hashes)
}

// withStore opens the configured database as a.store, runs fn and closes it.
func (a *app) withStore(ctx context.Context, fn func() error) error {
	st, err := a.openStore(ctx, a.cfg.DB)
	if err != nil {
		return err
	}
	a.store = st
	defer st.Close()
	return fn()
}

func newHasher() *auth.Hasher { return auth.NewHasher(auth.DefaultArgon2, auth.DefaultConcurrency) }

// loadApp parses a command's flags (extra adds its own), checks its
// positional arguments against npos and loads the app, without the database.
func loadApp(name string, args []string, getenv func(string) string, stderr io.Writer,
	extra func(*flag.FlagSet), npos int, usage string) (*app, []string, error) {
	c, pos, err := parseConfig(name, args, getenv, stderr, extra)
	if err != nil {
		return nil, nil, err
	}
	if len(pos) != npos {
		return nil, nil, errors.New("usage: " + usage)
	}
	a, err := newApp(c)
	return a, pos, err
}

// command is most commands' frame: load the app, open the database, run
// fn, close the database.
func command(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer,
	extra func(*flag.FlagSet), npos int, usage string, fn func(a *app, pos []string) error) error {
	a, pos, err := loadApp(name, args, getenv, stderr, extra, npos, usage)
	if err != nil {
		return err
	}
	return a.withStore(ctx, func() error { return fn(a, pos) })
}

// memoryLimit is the soft memory limit serve sets, in bytes: --memory-limit,
// unless GOMEMLIMIT is set (the runtime has read it already) or the limit
// is 0; 0 when none is to be set.
func memoryLimit(c Config, getenv func(string) string) int64 {
	if getenv("GOMEMLIMIT") != "" || c.MemoryLimit <= 0 {
		return 0
	}
	return int64(c.MemoryLimit) << 20
}

// serveGCPercent is the garbage collector's target serve sets (GOGC), 300
// instead of Go's 100: the collector runs when the heap has grown by three
// times what is live, and the soft memory limit (memoryLimit) still bounds
// the heap, the collector working harder only near it. With 200, in the
// load tool's firm cycle at 68,000 firms, the collector's marking fell
// from 8.2-8.5 % to 3.6-3.8 % of the server's CPU. Once the pages' parse
// trees stopped holding every partial (web/render_prune.go) the live heap
// under load fell from 51-53 MB to 31 MB, and 200 would have set the goal
// at 93 MB, below the 124 MB the limit allowed before: 300 puts it back at
// the limit, and the collector's CPU for each 100 MB allocated went from
// 63.6 ms (before) to 45.6 (the trees, GOGC 200) and 36.9 (300), with the
// server's peak (VmHWM) at 182 MB against 195 (docs/PERFORMANCE.md).
const serveGCPercent = 300

// unlimitedGCPercent is serve's GOGC when no memory limit bounds the heap
// (--memory-limit 0 and no GOMEMLIMIT): the 200 measured before, so that
// the heap grows to three times what is live, not four.
const unlimitedGCPercent = 200

// gcPercent is the GOGC serve sets: serveGCPercent, or unlimitedGCPercent
// when no memory limit bounds the heap (limited false), unless GOGC is set
// (the runtime has read it already); 0 when none is to be set.
func gcPercent(getenv func(string) string, limited bool) int {
	switch {
	case getenv("GOGC") != "":
		return 0
	case !limited:
		return unlimitedGCPercent
	}
	return serveGCPercent
}

// cmdServe builds the demo first when it is wanted and the database holds
// nothing yet (see buildDemo), then opens the database and serves.
func cmdServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	a, _, err := loadApp("serve", args, getenv, stderr, nil, 0, "dxready [serve] [flags]")
	if err != nil {
		return err
	}
	if a.cfg.Demo {
		if err := buildDemo(ctx, a, getenv, stdout, false); err != nil {
			return err
		}
	}
	return a.withStore(ctx, func() error { return serve(ctx, a, getenv, stdout, stderr) })
}

func serve(ctx context.Context, a *app, getenv func(string) string, stdout, stderr io.Writer) error {
	c := a.cfg
	limit := memoryLimit(c, getenv)
	if limit > 0 {
		debug.SetMemoryLimit(limit)
	}
	if p := gcPercent(getenv, limit > 0 || getenv("GOMEMLIMIT") != ""); p > 0 {
		debug.SetGCPercent(p)
	}
	demoSeed, err := a.store.Meta(ctx, store.MetaDemo)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	bundle := a.bundle.WithReporter(locale.LogMissing(logger)) // a gap in the catalogue is logged, with its ID and language
	srv, err := web.New(web.Config{Store: a.store, Bundle: bundle, Ref: a.ref, Hasher: newHasher(), Logger: logger,
		SecureCookies: c.SecureCookies, Demo: demoSeed != "", Instruments: a.instruments, BaseURL: c.BaseURL, Now: a.now,
		ListenAddr: c.Addr, MaxOpenBookings: c.MaxOpenBookings, MaxOpenBookingsPerAdvisor: c.MaxOpenBookingsPerAdvisor,
		TrustedProxies: trustedProxies(c), CenterPhone: c.CenterPhone, CenterEmail: c.CenterEmail,
		APIRate: c.APIRate, APIBurst: c.APIBurst})
	if err != nil {
		return err
	}
	workers, err := listenMetrics(c.MetricsAddr, srv, logger)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		stopListeners(workers)
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	if demoSeed != "" {
		printDemoAccounts(a, stdout)
	}
	fmt.Fprintln(stdout, a.l.T("cli.listening", "URL", "http://"+ln.Addr().String()+"/"))
	for _, m := range workers {
		fmt.Fprintln(stdout, a.l.T("cli.metrics_listening", "URL", "http://"+m.ln.Addr().String()+"/metrics"))
	}
	base := c.BaseURL
	if base == "" {
		base = "http://" + ln.Addr().String()
	}
	stopping := func() { fmt.Fprintln(stdout, a.l.T("cli.shutdown")) }
	bg := backgroundWorkers(a, srv, base, logger)
	for _, m := range workers {
		bg = append(bg, m.worker())
	}
	return runServer(ctx, hs, ln, bg, logger, stopping)
}

// backgroundWorkers lists the work serve runs beside the requests; runServer
// starts them and waits for them before the database closes.
func backgroundWorkers(a *app, srv *web.Server, base string, logger *slog.Logger) []worker {
	sender := newSender(a.cfg, a.store, logger, a.now)
	return []worker{
		{"sessions", func(ctx context.Context) error { sweepSessions(ctx, a.store, logger); return nil }},
		{"aggregates", func(ctx context.Context) error { warmAggregates(ctx, a.store, a.instruments, logger); return nil }},
		{"pages", func(ctx context.Context) error { warmPages(ctx, srv, logger); return nil }},
		{"follow-ups", func(ctx context.Context) error { srv.RunFollowUps(ctx, base); return nil }},
		{"booking messages", func(ctx context.Context) error { srv.RunBookingMessages(ctx); return nil }},
		{"nudges", func(ctx context.Context) error { srv.RunNudges(ctx, base); return nil }},
		{"mail", sender.Run},
	}
}

// sweepSessions deletes expired sessions, pending sign-ins, links and
// claim codes every hour until ctx ends (store.SweepExpired).
func sweepSessions(ctx context.Context, st *store.Store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if _, err := st.SweepExpired(ctx); err != nil && ctx.Err() == nil {
			log.Warn("sweep expired sessions and secrets", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// warmAggregates loads the aggregates' cells into memory while the server
// starts answering, so the first dashboard does not wait for it (one row
// per cell, whatever the number of firms: see docs/PERFORMANCE.md).
func warmAggregates(ctx context.Context, st *store.Store, ins map[string]*survey.Instrument, logger *slog.Logger) {
	in, ok := survey.Latest(ins, survey.DefaultID)
	if !ok {
		return
	}
	if _, err := st.Snapshot(ctx, in); err != nil && ctx.Err() == nil {
		logger.Error("warm aggregates", "err", err)
	}
}

// warmPages binds and escapes every page while the server starts
// answering, so that no first view of a page pays for it (web.WarmPages).
// A page that cannot be escaped is logged now, not at its first view.
func warmPages(ctx context.Context, srv *web.Server, logger *slog.Logger) {
	if err := srv.WarmPages(ctx); err != nil && ctx.Err() == nil {
		logger.Error("warm pages", "err", err)
	}
}

// newSender delivers the outbox by SMTP when --smtp-url is set, otherwise
// to the log (the admin outbox page shows every message either way).
func newSender(c Config, st *store.Store, logger *slog.Logger, now func() time.Time) *mail.Sender {
	var tr mail.Transport = mail.Log{Logger: logger}
	if c.SMTPURL != "" {
		smtp, _ := mail.ParseURL(c.SMTPURL) // checked by Config.Validate
		tr = smtp
	}
	return &mail.Sender{Queue: st, Transport: tr, Logger: logger, Now: now}
}
