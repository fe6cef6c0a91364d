package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"dxready/mail"
)

// Config is the portal's configuration: flags, each with a DXREADY_*
// environment fallback (a flag given on the command line wins).
type Config struct {
	Addr          string
	DB            string
	Demo          bool
	DemoSeed      uint64
	DemoFirms     int
	Lang          string
	SecureCookies bool
	SMTPURL       string // empty: messages are logged and shown on the outbox page
	BaseURL       string // links in messages sent without a request; empty: http://Addr
}

// flagSet declares the common flags on a new FlagSet whose defaults come
// from the environment.
func flagSet(name string, getenv func(string) string, out io.Writer, c *Config) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.Addr, "addr", env("DXREADY_ADDR", "127.0.0.1:8080"), "address to listen on (DXREADY_ADDR)")
	fs.StringVar(&c.DB, "db", env("DXREADY_DB", "./dxready.db"), "SQLite database file (DXREADY_DB)")
	fs.BoolVar(&c.Demo, "demo", envBool(env("DXREADY_DEMO", "true")), "seed the demo province when the database is empty (DXREADY_DEMO)")
	seed, _ := strconv.ParseUint(env("DXREADY_DEMO_SEED", "2025"), 10, 64)
	fs.Uint64Var(&c.DemoSeed, "demo-seed", seed, "seed of the demo province (DXREADY_DEMO_SEED)")
	firmsN, _ := strconv.Atoi(env("DXREADY_DEMO_FIRMS", "68000"))
	fs.IntVar(&c.DemoFirms, "demo-firms", firmsN, "how many firms the demo province has (DXREADY_DEMO_FIRMS)")
	fs.StringVar(&c.Lang, "lang", env("DXREADY_LANG", "vi"), "language of command-line messages: vi or en (DXREADY_LANG)")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", envBool(env("DXREADY_SECURE_COOKIES", "false")),
		"mark cookies Secure; turn on when served over HTTPS (DXREADY_SECURE_COOKIES)")
	fs.StringVar(&c.SMTPURL, "smtp-url", env("DXREADY_SMTP_URL", ""),
		"mail server for the outbox, smtp://user:pass@host:587?from=addr or smtps://…; empty: log messages (DXREADY_SMTP_URL)")
	fs.StringVar(&c.BaseURL, "base-url", env("DXREADY_BASE_URL", ""),
		"the portal's public address, for links in reminders; empty: http://--addr (DXREADY_BASE_URL)")
	return fs
}

func envBool(s string) bool {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	return err == nil && b
}

// Validate checks the values that flag parsing cannot.
func (c *Config) Validate() error {
	var errs []error
	if c.DB == "" {
		errs = append(errs, errors.New("--db must name a file"))
	}
	if c.Addr == "" {
		errs = append(errs, errors.New("--addr must not be empty"))
	}
	if c.DemoFirms < 100 || c.DemoFirms > 1_000_000 {
		errs = append(errs, fmt.Errorf("--demo-firms must be between 100 and 1000000, not %d", c.DemoFirms))
	}
	if c.Lang != "vi" && c.Lang != "en" {
		errs = append(errs, fmt.Errorf("--lang must be vi or en, not %q", c.Lang))
	}
	if c.SMTPURL != "" {
		if _, err := mail.ParseURL(c.SMTPURL); err != nil {
			errs = append(errs, err)
		}
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--base-url must be an http(s) address, not %q", c.BaseURL))
		}
	}
	return errors.Join(errs...)
}
