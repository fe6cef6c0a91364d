package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"

	"dxready/scoring"
	"dxready/store"
)

// cmdRescore recomputes the stored scores of every response to one
// instrument version and reports those that differ; with --fix it writes
// the recomputed scores. Use it after a change to the scoring code.
func cmdRescore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var key string
	var fix bool
	flags := func(fs *flag.FlagSet) {
		fs.StringVar(&key, "instrument", "", "the instrument version, ID@VERSION (e.g. dbi-2021@1)")
		fs.BoolVar(&fix, "fix", false, "write the recomputed scores where they differ")
	}
	return command(ctx, "rescore", args, getenv, stderr, flags, 0, "dxready rescore --instrument ID@VERSION [--fix]", func(a *app, _ []string) error {
		in, ok := a.instruments[key]
		if !ok {
			return fmt.Errorf("%s", a.l.T("cli.no_such_instrument", "Key", key))
		}
		checked, differ := 0, 0
		err := a.store.EachSubmitted(ctx, key, func(st store.StoredScores) error {
			checked++
			res := scoring.Score(in, st.Response.Profile, st.Response.Answers)
			if same(st, res) {
				return nil
			}
			differ++
			fmt.Fprintln(stdout, a.l.T("cli.rescore_differs", "ID", st.Response.ID, "Stored", a.l.Decimal(st.Overall, 2),
				"Now", a.l.Decimal(res.Overall, 2), "Was", st.Level, "Is", res.Level))
			if fix {
				return a.store.UpdateScores(ctx, st.Response.ID, res)
			}
			return nil
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, a.l.T("cli.rescore_done", "Checked", a.l.Int(int64(checked)), "Differ", a.l.Int(int64(differ))))
		if differ > 0 && !fix {
			return fmt.Errorf("%s", a.l.T("cli.rescore_fix_hint"))
		}
		return nil
	})
}

// same reports whether stored scores equal a fresh result (to 1e-9).
func same(st store.StoredScores, r scoring.Result) bool {
	const eps = 1e-9
	if math.Abs(st.Overall-r.Overall) > eps || st.Level != r.Level {
		return false
	}
	n := 0
	for _, p := range r.Pillars {
		if !p.Scored {
			continue
		}
		n++
		if v, ok := st.Pillars[p.PillarID]; !ok || math.Abs(v-p.Score) > eps {
			return false
		}
	}
	return n == len(st.Pillars)
}
