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
	"time"

	"dxready/auth"
	"dxready/demo"
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

func openApp(ctx context.Context, c Config) (*app, error) {
	now := systemClock
	b, err := locale.Load()
	if err != nil {
		return nil, err
	}
	ref, err := firms.LoadReference()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, c.DB, store.Options{Clock: now})
	if err != nil {
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, err
	}
	if err := st.SyncReference(ctx, ref); err != nil {
		st.Close()
		return nil, err
	}
	// A broken instrument, or a changed one that responses already use,
	// stops the portal here rather than scoring anything wrongly.
	ins, err := survey.LoadEmbedded()
	if err != nil {
		st.Close()
		return nil, err
	}
	hashes := map[string]string{}
	for k, in := range ins {
		hashes[k] = in.Hash
	}
	if err := st.CheckInstruments(ctx, hashes); err != nil {
		st.Close()
		return nil, err
	}
	return &app{cfg: c, now: now, store: st, ref: ref, bundle: b, l: b.For(c.Lang), instruments: ins}, nil
}

func newHasher() *auth.Hasher { return auth.NewHasher(auth.DefaultArgon2, 2) }

// command is every command's frame: parse its flags (extra adds its own),
// check its positional arguments with npos (nil: none wanted), open the
// app, run fn, close the app.
func command(ctx context.Context, name string, args []string, getenv func(string) string, stderr io.Writer,
	extra func(*flag.FlagSet), npos int, usage string, fn func(a *app, pos []string) error) error {
	c, pos, err := parseConfig(name, args, getenv, stderr, extra)
	if err != nil {
		return err
	}
	if len(pos) != npos {
		return errors.New("usage: " + usage)
	}
	a, err := openApp(ctx, c)
	if err != nil {
		return err
	}
	defer a.store.Close()
	return fn(a, pos)
}

func cmdServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return command(ctx, "serve", args, getenv, stderr, nil, 0, "dxready [serve] [flags]", func(a *app, _ []string) error {
		return serve(ctx, a, getenv, stdout, stderr)
	})
}

func serve(ctx context.Context, a *app, getenv func(string) string, stdout, stderr io.Writer) error {
	c := a.cfg
	if c.Demo {
		if empty, err := a.store.Empty(ctx); err != nil {
			return err
		} else if empty {
			if err := seedDemo(ctx, a, getenv, stdout); err != nil {
				return err
			}
		}
	}
	demoSeed, err := a.store.Meta(ctx, store.MetaDemo)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := web.New(web.Config{Store: a.store, Bundle: a.bundle, Ref: a.ref, Hasher: newHasher(), Logger: logger,
		SecureCookies: c.SecureCookies, Demo: demoSeed != "", Instruments: a.instruments, BaseURL: c.BaseURL, Now: a.now})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	if demoSeed != "" {
		printDemoAccounts(ctx, a, stdout)
	}
	fmt.Fprintln(stdout, a.l.T("cli.listening", "URL", "http://"+ln.Addr().String()+"/"))
	base := c.BaseURL
	if base == "" {
		base = "http://" + ln.Addr().String()
	}
	stopping := func() { fmt.Fprintln(stdout, a.l.T("cli.shutdown")) }
	return runServer(ctx, hs, ln, backgroundWorkers(a, srv, base, logger), logger, stopping)
}

// backgroundWorkers lists the work serve runs beside the requests; runServer
// starts them and waits for them before the database closes.
func backgroundWorkers(a *app, srv *web.Server, base string, logger *slog.Logger) []worker {
	sender := newSender(a.cfg, a.store, logger, a.now)
	return []worker{
		{"sessions", func(ctx context.Context) error { sweepSessions(ctx, a.store, logger); return nil }},
		{"aggregates", func(ctx context.Context) error { warmAggregates(ctx, a.store, a.instruments, logger); return nil }},
		{"follow-ups", func(ctx context.Context) error { srv.RunFollowUps(ctx, base); return nil }},
		{"mail", sender.Run},
	}
}

// sweepSessions deletes expired sessions every hour until ctx ends.
func sweepSessions(ctx context.Context, st *store.Store, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if _, err := st.DeleteExpiredSessions(ctx); err != nil && ctx.Err() == nil {
			log.Warn("sweep sessions", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func seedDemo(ctx context.Context, a *app, getenv func(string) string, stdout io.Writer) error {
	fmt.Fprintln(stdout, a.l.T("cli.demo_seeding", "Firms", a.l.Int(int64(a.cfg.DemoFirms))))
	in, _ := survey.Latest(a.instruments, survey.DefaultID)
	res, err := demo.Seed(ctx, a.store, a.ref, newHasher(), demo.Options{Seed: a.cfg.DemoSeed, Firms: a.cfg.DemoFirms,
		Password: getenv("DXREADY_DEMO_PASSWORD"), Instrument: in, Now: a.now()})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, a.l.T("cli.demo_done", "Firms", a.l.Int(int64(res.Firms)), "Members", a.l.Int(int64(res.Memberships)),
		"Assessments", a.l.Int(int64(res.Submissions)), "Seconds", a.l.Decimal(res.Elapsed.Seconds(), 1)))
	if res.GeneratedPassword {
		fmt.Fprintln(stdout, a.l.T("cli.demo_password_generated", "Password", res.Password))
	} else {
		fmt.Fprintln(stdout, a.l.T("cli.demo_password_env"))
	}
	return nil
}

// printDemoAccounts lists the demo logins on every start, so a new user
// knows where to begin; the password itself is never stored in clear.
func printDemoAccounts(ctx context.Context, a *app, stdout io.Writer) {
	fmt.Fprintln(stdout, a.l.T("cli.demo_accounts"))
	fmt.Fprintln(stdout, "  admin@demo.local              "+a.l.T("role.admin"))
	fmt.Fprintln(stdout, "  lead1@demo.local … lead8      "+a.l.T("role.lead"))
	fmt.Fprintln(stdout, "  advisor1@demo.local … advisor12  "+a.l.T("role.advisor"))
	fmt.Fprintln(stdout, "  firm1@demo.local … firm20     "+a.l.T("role.firm"))
	fmt.Fprintln(stdout, a.l.T("cli.demo_password_earlier"))
}

func cmdDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return command(ctx, "demo", args, getenv, stderr, nil, 0, "dxready demo [flags]", func(a *app, _ []string) error {
		return seedDemo(ctx, a, getenv, stdout)
	})
}

// warmAggregates builds the aggregate snapshot while the server starts
// answering, so the first dashboard does not wait for it (about 0.3 s for
// the demo province, 2 s with 166,000 responses).
func warmAggregates(ctx context.Context, st *store.Store, ins map[string]*survey.Instrument, logger *slog.Logger) {
	in, ok := survey.Latest(ins, survey.DefaultID)
	if !ok {
		return
	}
	if _, err := st.Snapshot(ctx, in); err != nil && ctx.Err() == nil {
		logger.Error("warm aggregates", "err", err)
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
