// Command dxready is the enterprise digital-readiness portal: one binary
// that serves the bilingual web portal over an embedded SQLite database and
// offers the operator's commands (demo, import, backup, user add, audit verify).
//
// main only wires: it parses configuration, opens and migrates the store,
// loads the language bundle and hands them to web. The work happens in run,
// which tests call directly.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"dxready/loadtest"
	"dxready/locale"
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

// cliLocalizer speaks the language of --lang or DXREADY_LANG (Vietnamese
// by default), for what is printed before a command parses its flags.
func cliLocalizer(args []string, getenv func(string) string) (*locale.Localizer, error) {
	lang := getenv("DXREADY_LANG")
	for i, a := range args {
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case name != "lang" || !strings.HasPrefix(a, "-"):
		case hasValue:
			lang = value
		case i+1 < len(args):
			lang = args[i+1]
		}
	}
	b, err := locale.Load()
	if err != nil {
		return nil, err
	}
	return b.For(lang), nil
}

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
	case "aggregates":
		return cmdAggregates(ctx, args, getenv, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, args, getenv, stdout, stderr)
	case "load":
		return loadtest.Run(ctx, args, stdout, stderr) // a tool beside the portal, in its own package
	}
	l, err := cliLocalizer(args, getenv)
	if err != nil {
		return err
	}
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprint(stdout, l.T("cli.usage"))
		return nil
	}
	fmt.Fprint(stderr, l.T("cli.usage"))
	return errors.New(l.T("cli.unknown_command", "Command", cmd))
}
