package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"dxready/demo"
	"dxready/store"
	"dxready/survey"
)

// errNotEmpty is `dxready demo` on a database that holds firms or users.
var errNotEmpty = errors.New("demo: the database already holds firms or users; use a new --db file")

// buildDemo builds the demo province into the configured database when it
// holds no firms and no users (it does not exist yet, or it is empty). The
// province is built whole at a temporary name beside it and renamed into
// place (store.Build), so a start killed part-way leaves no database, and
// the next start builds the demo again rather than serving half of one.
// With mustBuild (`dxready demo`) a database that is not empty is an error;
// serve then simply opens it.
func buildDemo(ctx context.Context, a *app, getenv func(string) string, stdout io.Writer, mustBuild bool) error {
	empty, err := a.emptyDB(ctx)
	if err != nil {
		return err
	}
	if !empty {
		if mustBuild {
			return errNotEmpty
		}
		return nil
	}
	// The build's live heap is small (a batch) but churns: a GC at twice
	// the default interval costs it about a sixth less CPU for some 40 MB.
	defer debug.SetGCPercent(debug.SetGCPercent(200))
	return store.Build(ctx, a.cfg.DB, store.Options{Clock: a.now, Instruments: a.instruments}, func(st *store.Store) error {
		if err := a.prepare(ctx, st); err != nil {
			return err
		}
		return seedDemo(ctx, a, st, getenv, stdout)
	})
}

// emptyDB reports whether the configured database holds no firms and no
// users; a file that does not exist is empty.
func (a *app) emptyDB(ctx context.Context) (bool, error) {
	if _, err := os.Stat(a.cfg.DB); errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	st, err := a.openStore(ctx, a.cfg.DB)
	if err != nil {
		return false, err
	}
	empty, err := st.Empty(ctx)
	return empty, errors.Join(err, st.Close())
}

func seedDemo(ctx context.Context, a *app, st *store.Store, getenv func(string) string, stdout io.Writer) error {
	fmt.Fprintln(stdout, a.l.T("cli.demo_seeding", "Firms", a.l.Int(int64(a.cfg.DemoFirms))))
	in, _ := survey.Latest(a.instruments, survey.DefaultID)
	res, err := demo.Seed(ctx, st, a.ref, newHasher(), demo.Options{Seed: a.cfg.DemoSeed, Firms: a.cfg.DemoFirms,
		Password: getenv("DXREADY_DEMO_PASSWORD"), Instrument: in, Now: a.now(), Progress: demoProgress(a, stdout)})
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

// demoProgressFrom is the size of province from which the build says how
// far it is, every tenth of the way: it then takes minutes.
const demoProgressFrom = 100_000

// demoProgress reports a large build's progress on stdout.
func demoProgress(a *app, stdout io.Writer) func(int) {
	n := a.cfg.DemoFirms
	if n < demoProgressFrom {
		return nil
	}
	start, next := time.Now(), n/10
	return func(built int) {
		if built < next || built == n {
			return
		}
		next = built - built%(n/10) + n/10
		fmt.Fprintln(stdout, a.l.T("cli.demo_progress", "Built", a.l.Int(int64(built)), "Firms", a.l.Int(int64(n)),
			"Seconds", a.l.Decimal(time.Since(start).Seconds(), 0)))
	}
}

// printDemoAccounts lists the demo logins on every start, so a new user
// knows where to begin; the password itself is never stored in clear.
func printDemoAccounts(a *app, stdout io.Writer) {
	fmt.Fprintln(stdout, a.l.T("cli.demo_accounts"))
	fmt.Fprintln(stdout, "  admin@demo.local              "+a.l.T("role.admin"))
	fmt.Fprintln(stdout, a.l.T("cli.demo_admin_two_factor"))
	fmt.Fprintln(stdout, "  lead1@demo.local … lead8      "+a.l.T("role.lead"))
	fmt.Fprintln(stdout, "  advisor1@demo.local … advisor12  "+a.l.T("role.advisor"))
	fmt.Fprintln(stdout, "  firm1@demo.local … firm20     "+a.l.T("role.firm"))
	fmt.Fprintln(stdout, a.l.T("cli.demo_password_earlier"))
}

// cmdDemo builds the demo province into a new or empty database.
func cmdDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	a, _, err := loadApp("demo", args, getenv, stderr, nil, 0, "dxready demo [flags]")
	if err != nil {
		return err
	}
	return buildDemo(ctx, a, getenv, stdout, true)
}
