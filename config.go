package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"dxready/auth"
	"dxready/mail"
	"dxready/web"
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
	// MaxOpenBookings and MaxOpenBookingsPerAdvisor: the open (future,
	// confirmed) bookings one firm may hold in all and with one advisor.
	MaxOpenBookings, MaxOpenBookingsPerAdvisor int
	// TrustedProxies lists the reverse proxies (CIDR ranges, commas)
	// whose X-Forwarded-For or Forwarded header names the client.
	TrustedProxies string
	// MetricsAddr is where /metrics is served, apart from the portal;
	// empty: not at all.
	MetricsAddr string
	// CenterPhone and CenterEmail are how people reach the Center's staff
	// (the contact page, the footer, messages that say to ask the Center).
	CenterPhone, CenterEmail string
	// APIRate and APIBurst: each API key's token bucket on /api/v1,
	// requests a second and how many at once.
	APIRate, APIBurst int
	// MemoryLimit is the Go runtime's soft memory limit for serve, in MiB
	// (runtime/debug.SetMemoryLimit); 0: none. GOMEMLIMIT, when set, wins.
	MemoryLimit int
}

// DefaultMemoryLimit is serve's soft memory limit in MiB: under it the
// garbage collector runs as usual; near it, more often, which keeps a
// portal of 68,000 firms under issue 14's 200 MB at the peak of a burst
// of sign-ups (each argon2id hash takes 64 MiB while it runs). It is soft:
// nothing fails above it, the collector only works harder (at most half
// the CPU, by the runtime's own cap).
const DefaultMemoryLimit = 150

// flagSet declares the common flags on a new FlagSet whose defaults come
// from the environment. An environment value that does not parse is kept
// in env and stops the command unless its flag is given (see env.check).
func flagSet(name string, getenv func(string) string, out io.Writer, c *Config) (*flag.FlagSet, *envFallback) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	env := &envFallback{getenv: getenv, bad: map[string]error{}}
	fs.StringVar(&c.Addr, "addr", env.str("DXREADY_ADDR", "127.0.0.1:8080"), "address to listen on (DXREADY_ADDR)")
	fs.StringVar(&c.DB, "db", env.str("DXREADY_DB", "./dxready.db"), "SQLite database file (DXREADY_DB)")
	fs.BoolVar(&c.Demo, "demo", env.boolean("demo", "DXREADY_DEMO", true), "seed the demo province when the database is empty (DXREADY_DEMO)")
	fs.Uint64Var(&c.DemoSeed, "demo-seed", env.uint("demo-seed", "DXREADY_DEMO_SEED", 2025), "seed of the demo province (DXREADY_DEMO_SEED)")
	fs.IntVar(&c.DemoFirms, "demo-firms", env.int("demo-firms", "DXREADY_DEMO_FIRMS", 68000), "how many firms the demo province has (DXREADY_DEMO_FIRMS)")
	fs.StringVar(&c.Lang, "lang", env.str("DXREADY_LANG", "vi"), "language of command-line messages: vi or en (DXREADY_LANG)")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", env.boolean("secure-cookies", "DXREADY_SECURE_COOKIES", false),
		"mark cookies Secure; turn on when served over HTTPS (DXREADY_SECURE_COOKIES)")
	fs.StringVar(&c.SMTPURL, "smtp-url", env.str("DXREADY_SMTP_URL", ""),
		"mail server for the outbox, smtp://user:pass@host:587?from=addr or smtps://…; empty: log messages (DXREADY_SMTP_URL)")
	fs.StringVar(&c.BaseURL, "base-url", env.str("DXREADY_BASE_URL", ""),
		"the portal's public address, for links in reminders; empty: http://--addr (DXREADY_BASE_URL)")
	fs.IntVar(&c.MaxOpenBookings, "max-open-bookings", env.int("max-open-bookings", "DXREADY_MAX_OPEN_BOOKINGS", web.DefaultMaxOpenBookings),
		"open bookings one firm may hold (DXREADY_MAX_OPEN_BOOKINGS)")
	fs.IntVar(&c.MaxOpenBookingsPerAdvisor, "max-open-bookings-per-advisor",
		env.int("max-open-bookings-per-advisor", "DXREADY_MAX_OPEN_BOOKINGS_PER_ADVISOR", web.DefaultMaxOpenBookingsPerAdvisor),
		"open bookings one firm may hold with one advisor (DXREADY_MAX_OPEN_BOOKINGS_PER_ADVISOR)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env.str("DXREADY_TRUSTED_PROXIES", ""),
		"reverse proxies (CIDR ranges, comma-separated) whose X-Forwarded-For/Forwarded names the client; empty: none (DXREADY_TRUSTED_PROXIES)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env.str("DXREADY_METRICS_ADDR", DefaultMetricsAddr),
		"address of the separate /metrics listener; empty: no metrics (DXREADY_METRICS_ADDR)")
	fs.StringVar(&c.CenterPhone, "center-phone", env.str("DXREADY_CENTER_PHONE", DefaultCenterPhone),
		"the Center's telephone for firms and staff, shown on the contact page (DXREADY_CENTER_PHONE)")
	fs.StringVar(&c.CenterEmail, "center-email", env.str("DXREADY_CENTER_EMAIL", ""),
		"the Center's email address, shown on the contact page; empty: none (DXREADY_CENTER_EMAIL)")
	fs.IntVar(&c.APIRate, "api-rate", env.int("api-rate", "DXREADY_API_RATE", web.DefaultAPIRate),
		"requests a second each API key may send to /api/v1 (DXREADY_API_RATE)")
	fs.IntVar(&c.APIBurst, "api-burst", env.int("api-burst", "DXREADY_API_BURST", web.DefaultAPIBurst),
		"requests each API key may send at once, over its rate (DXREADY_API_BURST)")
	fs.IntVar(&c.MemoryLimit, "memory-limit", env.int("memory-limit", "DXREADY_MEMORY_LIMIT", DefaultMemoryLimit),
		"soft memory limit of the server in MiB, for the garbage collector; 0: none; GOMEMLIMIT wins (DXREADY_MEMORY_LIMIT)")
	return fs, env
}

// DefaultCenterPhone is the Center's hotline (seed facts: the province's
// digital transformation hotline is 1022).
const DefaultCenterPhone = "1022"

// DefaultMetricsAddr is --metrics-addr's default: a loopback port, so the
// figures reach a scraper on the same host and nobody else.
const DefaultMetricsAddr = "127.0.0.1:9464"

// envFallback reads the DXREADY_* variables that give the flags their
// defaults, and remembers, by flag name, every value that does not parse:
// DXREADY_SECURE_COOKIES=yes must stop the start, not mean false.
type envFallback struct {
	getenv func(string) string
	bad    map[string]error
}

func (e *envFallback) str(key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

func (e *envFallback) boolean(flagName, key string, def bool) bool {
	v := e.getenv(key)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		e.bad[flagName] = fmt.Errorf("%s=%q is not true or false (also accepted: 1, 0, t, f) — it sets --%s", key, v, flagName)
		return def
	}
	return b
}

func (e *envFallback) uint(flagName, key string, def uint64) uint64 {
	v := e.getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
	if err != nil {
		e.bad[flagName] = fmt.Errorf("%s=%q is not a whole number from 0 to %d — it sets --%s", key, v, uint64(math.MaxUint64), flagName)
		return def
	}
	return n
}

func (e *envFallback) int(flagName, key string, def int) int {
	v := e.getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		e.bad[flagName] = fmt.Errorf("%s=%q is not a whole number — it sets --%s", key, v, flagName)
		return def
	}
	return n
}

// check returns the variables that did not parse, except those whose flag
// fs was given on the command line (the flag wins, so the variable is not
// used).
func (e *envFallback) check(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if err := e.bad[f.Name]; err != nil && !given[f.Name] {
			errs = append(errs, err)
		}
	})
	return errors.Join(errs...)
}

// Validate checks the values that flag parsing cannot.
func (c *Config) Validate() error {
	var errs []error
	if c.DB == "" {
		errs = append(errs, errors.New("--db (DXREADY_DB) must name a file"))
	}
	if c.Addr == "" {
		errs = append(errs, errors.New("--addr (DXREADY_ADDR) must not be empty"))
	}
	if c.DemoFirms < 100 || c.DemoFirms > 1_000_000 {
		errs = append(errs, fmt.Errorf("--demo-firms (DXREADY_DEMO_FIRMS) must be between 100 and 1000000, not %d", c.DemoFirms))
	}
	if c.Lang != "vi" && c.Lang != "en" {
		errs = append(errs, fmt.Errorf("--lang (DXREADY_LANG) must be vi or en, not %q", c.Lang))
	}
	if c.SMTPURL != "" {
		if _, err := mail.ParseURL(c.SMTPURL); err != nil {
			errs = append(errs, fmt.Errorf("DXREADY_SMTP_URL or %w", err)) // the message names --smtp-url, never the password
		}
	}
	for _, l := range []struct {
		flag string
		n    int
	}{{"--max-open-bookings", c.MaxOpenBookings}, {"--max-open-bookings-per-advisor", c.MaxOpenBookingsPerAdvisor}} {
		if l.n < 1 || l.n > web.MaxOpenBookingsLimit {
			errs = append(errs, fmt.Errorf("%s must be between 1 and %d, not %d", l.flag, web.MaxOpenBookingsLimit, l.n))
		}
	}
	for _, l := range []struct {
		flag string
		n    int
	}{{"--api-rate (DXREADY_API_RATE)", c.APIRate}, {"--api-burst (DXREADY_API_BURST)", c.APIBurst}} {
		if l.n < 1 || l.n > 1_000_000 {
			errs = append(errs, fmt.Errorf("%s must be between 1 and 1000000, not %d", l.flag, l.n))
		}
	}
	if c.MemoryLimit != 0 && (c.MemoryLimit < 64 || c.MemoryLimit > 1<<20) {
		errs = append(errs, fmt.Errorf("--memory-limit (DXREADY_MEMORY_LIMIT) must be 0 (none) or between 64 and 1048576 MiB, not %d", c.MemoryLimit))
	}
	if _, err := web.ParseTrustedProxies(c.TrustedProxies); err != nil {
		errs = append(errs, fmt.Errorf("--trusted-proxies (DXREADY_TRUSTED_PROXIES): %w", err))
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("--metrics-addr (DXREADY_METRICS_ADDR) must be host:port, not %q", c.MetricsAddr))
		}
	}
	if c.CenterEmail != "" {
		if _, err := auth.NormalizeEmail(c.CenterEmail); err != nil {
			errs = append(errs, fmt.Errorf("--center-email (DXREADY_CENTER_EMAIL) must be an email address, not %q", c.CenterEmail))
		}
	}
	if n := utf8.RuneCountInString(c.CenterPhone); n == 0 || n > 40 {
		errs = append(errs, fmt.Errorf("--center-phone (DXREADY_CENTER_PHONE) must be 1 to 40 characters, not %q", c.CenterPhone))
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--base-url (DXREADY_BASE_URL) must be an http(s) address, not %q", c.BaseURL))
		}
	}
	return errors.Join(errs...)
}
