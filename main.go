// Command dxready is the enterprise digital-readiness portal: one binary
// that serves the bilingual web portal over an embedded SQLite database and
// offers the operator's commands (demo, import, backup, user add).
//
// main only wires: it parses configuration, opens and migrates the store,
// loads the language bundle and hands them to web. The work happens in run,
// which tests call directly.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"dxready/loadtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "dxready:", err)
		os.Exit(1)
	}
}

// systemClock is the portal's one clock, in UTC. newApp hands it to the
// store, the web layer and the mail sender; nothing else reads the time
// of day for the portal's data.
func systemClock() time.Time { return time.Now().UTC() }

const usage = `dxready — enterprise digital-readiness portal

Usage:
  dxready [serve] [flags]            run the portal (the default)
  dxready demo [flags]               build the demo province into an empty database
  dxready import firms FILE.csv      import or update the firm registry (all rows or none)
  dxready backup OUT.db              write a consistent copy of the live database
  dxready user add --email E --role R [--name N] [--firm MST] [--association CODE] [--password-stdin]
  dxready user reset-password --email E   print a single-use link (1 h) that sets a new password, for when mail is down
  dxready rescore --instrument ID@VERSION [--fix]   recompute stored scores; report (and fix) any that differ
  dxready load --target http://127.0.0.1:8080 [--clients 64] [--duration 10s]   load-test a running portal (loopback only;
                                     --duration is the wall-clock length of each phase)

Common flags (each has a DXREADY_* environment fallback):
  --addr 127.0.0.1:8080   --db ./dxready.db   --demo=true   --lang vi   --secure-cookies=false
`

// run executes one command. stdin, stdout and stderr are passed in so tests
// can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return cmdServe(ctx, args, getenv, stdout, stderr)
	case "demo":
		return cmdDemo(ctx, args, getenv, stdout, stderr)
	case "import":
		return cmdImport(ctx, args, getenv, stdout, stderr)
	case "backup":
		return cmdBackup(ctx, args, getenv, stdout, stderr)
	case "user":
		return cmdUser(ctx, args, getenv, stdin, stdout, stderr)
	case "rescore":
		return cmdRescore(ctx, args, getenv, stdout, stderr)
	case "load":
		return loadtest.Run(ctx, args, stdout, stderr) // a tool beside the portal, in its own package
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}
