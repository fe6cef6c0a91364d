package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

// cmdAggregates checks (verify) or derives again (rebuild) the cells that
// every dashboard, comparison and export computes from. The store keeps
// them up to date in each write's transaction; these are for a database
// that something wrote behind the store's back. rebuild must not run while
// the portal serves the same file.
func cmdAggregates(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return command(ctx, "aggregates", args, getenv, stderr, nil, 1, "dxready aggregates verify|rebuild", func(a *app, pos []string) error {
		start := time.Now()
		switch pos[0] {
		case "rebuild":
			if err := a.store.RebuildAggregates(ctx); err != nil {
				return err
			}
			if err := a.store.RebuildFunnel(ctx); err != nil { // the programme funnel's tallies, docs/FUNNEL.md
				return err
			}
			fmt.Fprintln(stdout, a.l.T("cli.aggregates_rebuilt", "Seconds", a.l.Decimal(time.Since(start).Seconds(), 1)))
			fallthrough
		case "verify":
			c, err := a.store.VerifyAggregates(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintln(stdout, a.l.T("cli.aggregates_checked", "Firms", a.l.Int(int64(c.Firms)), "Cells", a.l.Int(int64(c.Cells)),
				"BadCells", a.l.Int(int64(c.BadCells)), "BadFirms", a.l.Int(int64(c.BadInputs))))
			if c.BadCells+c.BadInputs > 0 {
				return fmt.Errorf("%s", a.l.T("cli.aggregates_rebuild_hint"))
			}
			return nil
		}
		return fmt.Errorf("%s", a.l.T("cli.aggregates_usage"))
	})
}
