package loadtest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"dxready/auth"
	"dxready/locale"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
	"dxready/web"
)

// portal starts the whole portal in-process on a loopback httptest server,
// over a fixture database with one bookable advisor.
func portal(t *testing.T, opts ...func(*web.Config)) (string, *store.Store, *storetest.Fixtures) {
	t.Helper()
	base, st, fx, _ := portalServer(t, opts...)
	return base, st, fx
}

// portalServer is portal, and the portal's server itself (its metrics
// handler, for one).
func portalServer(t *testing.T, opts ...func(*web.Config)) (string, *store.Store, *storetest.Fixtures, *web.Server) {
	t.Helper()
	st, fx := storetest.Open(t)
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	ins, err := survey.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	cfg := web.Config{Store: st, Bundle: b, Ref: fx.Ref, Hasher: auth.NewHasher(storetest.Cheap, 2), Instruments: ins,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: fx.Clock.Now}
	for _, o := range opts {
		o(&cfg)
	}
	s, err := web.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv.URL, st, fx, s
}

// line is one phase's report line.
type line struct {
	n, failed int
	wall      time.Duration
}

var lineRe = regexp.MustCompile(`(?m)^(\S.*?)\s+(?:[\d.]+ /s  n=(\d+)  failed=(\d+)  p50 .*|no requests)  wall (\S+)$`)

func parseReport(t *testing.T, out string) map[string]line {
	t.Helper()
	got := map[string]line{}
	for _, m := range lineRe.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[2])
		failed, _ := strconv.Atoi(m[3])
		wall, err := time.ParseDuration(m[4])
		if err != nil {
			t.Fatalf("wall %q: %v", m[4], err)
		}
		got[strings.Fields(m[1])[0]+" "+strings.Fields(m[1])[1]] = line{n, failed, wall}
	}
	return got
}

// Each phase runs for --duration of wall-clock time, whatever it is (the
// old submit phase counted only the time submits were in flight and ran
// past two minutes for --duration 30s, which then failed), reports
// requests and no failures, and what it reports is in the database. Every
// action is followed to the page it leads to: a whole cycle shows at
// least 8 pages (step 1, five more steps, the review, the result).
func TestPhasesRunTheirDuration(t *testing.T) {
	for _, d := range []time.Duration{300 * time.Millisecond, 2 * time.Second} {
		t.Run(d.String(), func(t *testing.T) {
			base, st, fx := portal(t)
			var out bytes.Buffer
			// The server's CPU is read from /proc: the 300 ms run names a
			// process that cannot exist (above Linux's largest pid), which
			// it must say and go on; the 2 s run names this one.
			pid := 1<<22 + 1
			if d > time.Second {
				pid = os.Getpid()
			}
			args := []string{"--target", base, "--db", st.Path(), "--clients", "3", "--duration", d.String(), "--slot-pool", "1", "--server-pid", strconv.Itoa(pid)}
			if err := Run(context.Background(), args, &out, io.Discard); err != nil {
				t.Fatalf("load: %v\n%s", err, out.String())
			}
			got := parseReport(t, out.String())
			for _, name := range []string{"sign-up: whole", "sign-up: register", "sign-up: confirm", "sign-up: sign"} {
				if l := got[name]; l.n != 3 || l.failed != 0 {
					t.Errorf("%s: n=%d failed=%d, want 3 and 0\n%s", name, l.n, l.failed, out.String())
				}
			}
			for _, name := range []string{"booking (POST", "booking: confirmed", "booking: already", "booking: slot", "autosave (POST", "submit rounds:",
				"cycle: whole", "cycle: start", "cycle: steps", "cycle: submit", "baseline: bare", "baseline: raw", "bare cycle:"} {
				l, ok := got[name]
				// On a busy machine 300 ms may end before the first round or
				// cycle is through: then the line says so, with its wall time.
				short := d < time.Second && (name == "submit rounds:" || strings.HasPrefix(name, "cycle:") || name == "bare cycle:")
				switch {
				case !ok:
					t.Errorf("no line %q:\n%s", name, out.String())
				case (l.n == 0 && !short) || l.failed != 0:
					t.Errorf("%s: n=%d failed=%d\n%s", name, l.n, l.failed, out.String())
				case l.wall < d || l.wall > d+30*time.Second: // ran its time; the upper bound only catches a runaway
					t.Errorf("%s ran %v of wall time, want %v\n%s", name, l.wall, d, out.String())
				}
			}
			if l := got["cycle: errors"]; l.n != 0 {
				t.Errorf("the cycle had errors:\n%s", out.String())
			}
			if m := regexp.MustCompile(`(?m)^cycle:\s+pages shown (\d+)`).FindStringSubmatch(out.String()); m == nil || atoi(m[1]) < 8*got["cycle: whole"].n {
				t.Errorf("fewer than 8 pages shown a cycle:\n%s", out.String())
			}
			cpuSaid(t, out.String(), pid, d > time.Second)
			list, err := st.Bookings(context.Background(), store.BookingFilter{AdvisorID: fx.Advisor.ID})
			if err != nil || len(list) != got["booking: confirmed"].n {
				t.Errorf("%d bookings in the database, %d reported: %v", len(list), got["booking: confirmed"].n, err)
			}
			// The one slot's holder sends its form again and is led to its
			// booking: counted apart, never as a new booking.
			if b := got["booking (POST"].n; b != got["booking: confirmed"].n+got["booking: already"].n+got["booking: slot"].n {
				t.Errorf("booking attempts %d are not the confirmed, the already held and the taken:\n%s", b, out.String())
			}
			db := readOnly(t, st)
			var n int
			if err := db.QueryRow("SELECT COUNT(*) FROM responses WHERE status = 'submitted'").Scan(&n); err != nil ||
				n < got["submit rounds:"].n+got["cycle: submit"].n {
				t.Errorf("%d submitted in the database, fewer than reported: %v", n, err)
			}
		})
	}
}

// cpuSaid checks that every phase says its CPU per action, the tool's and
// the server's (pid's), or that the server's could not be read; the
// summary too, beside the bare cycle.
func cpuSaid(t *testing.T, out string, pid int, readable bool) {
	t.Helper()
	server := regexp.QuoteMeta(fmt.Sprintf("server CPU unknown (open /proc/%d/stat: no such file or directory)", pid))
	if readable {
		server = fmt.Sprintf(`server CPU [\d.]+ ms per [\w-]+ \(pid %d\)`, pid)
	}
	for _, name := range []string{"sign-up: CPU", "booking: CPU", "autosave: CPU", "submit rounds: CPU", "cycle: CPU"} {
		if !regexp.MustCompile(`(?m)^` + name + `\s+load tool CPU [\d.]+ ms per [\w-]+; ` + server + `; \d+ `).MatchString(out) {
			t.Errorf("no %s line saying %s:\n%s", name, server, out)
		}
	}
	for _, re := range []string{`(?m)^bare cycle: CPU\s+CPU [\d.]+ ms per cycle, client and in-process server together`,
		`(?m)^  load tool CPU [\d.]+ ms per cycle, ` + server + `$`, `(?m)^  bare cycle \(the floor\)\s+[\d.]+ /s  p50 `,
		`(?m)^CPU time \(user\+sys\) of each phase: the load tool's own from getrusage; the server's ` + map[bool]string{true: "pid", false: "UNREADABLE"}[readable]} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("no %s in:\n%s", re, out)
		}
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func readOnly(t *testing.T, st *store.Store) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+st.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestLoadRefusesAddressesOutsideLoopback(t *testing.T) {
	for _, target := range []string{"http://10.0.0.1:8080", "http://example.com", "https://8.8.8.8", "not a url", "http://[::2]:80",
		"https://127.0.0.1:8443", "http://u:p@127.0.0.1:1", "http://127.0.0.1:1/?x=1"} {
		if _, err := parseFlags([]string{"--target", target}, io.Discard); err == nil {
			t.Errorf("load accepted %s", target)
		}
		if err := Run(context.Background(), []string{"--target", target}, io.Discard, io.Discard); err == nil {
			t.Errorf("load accepted %s", target)
		}
	}
	for _, target := range []string{"http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1", "http://127.9.9.9:1", "http://127.0.0.1:1/base"} {
		if err := loopbackOnly(target); err != nil {
			t.Errorf("loopback %s refused: %v", target, err)
		}
	}
}

// Any duration up to an hour is taken; nonsense is refused before any
// request is sent.
func TestLoadFlags(t *testing.T) {
	for _, ok := range [][]string{{"--duration", "1ms"}, {"--duration", "30s"}, {"--duration", "3m"}, {"--duration", "1h"}, {"--phases", "signup"}, {"--scale", "1000000"}} {
		if _, err := parseFlags(append([]string{"--target", "http://127.0.0.1:1"}, ok...), io.Discard); err != nil {
			t.Errorf("%v refused: %v", ok, err)
		}
	}
	for _, bad := range [][]string{{"--clients", "0"}, {"--clients", "5000"}, {"--duration", "0s"}, {"--duration", "2h"}, {"--duration", "soon"},
		{"--max-requests", "0"}, {"--phases", "nothing"}, {"--slot-pool", "0"}, {"--scale", "-1"}, {"--scale", "1M"}, {"extra"}} {
		if _, err := parseFlags(append([]string{"--target", "http://127.0.0.1:1"}, bad...), io.Discard); err == nil {
			t.Errorf("load accepted %v", bad)
		}
	}
}

// More load clients than one address may register: behind
// --trusted-proxies 127.0.0.1 each client is its own address and all of
// them register and work; without it the tool stops at the portal's
// throttle and says how to start the portal.
func TestManyClientsCountAsTheirOwnAddresses(t *testing.T) {
	args := []string{"--clients", "60", "--duration", "200ms", "--phases", "survey"}
	base, st, _ := portal(t, func(c *web.Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")} })
	var out bytes.Buffer
	if err := Run(context.Background(), append([]string{"--target", base, "--db", st.Path()}, args...), &out, io.Discard); err != nil {
		t.Fatalf("60 clients behind a trusted proxy: %v\n%s", err, out.String())
	}
	base, st, _ = portal(t)
	err := Run(context.Background(), append([]string{"--target", base, "--db", st.Path()}, args...), io.Discard, io.Discard)
	if !errors.Is(err, errThrottled) || !strings.Contains(err.Error(), "--trusted-proxies 127.0.0.1") {
		t.Fatalf("60 clients from one address: %v", err)
	}
}

// A new account signs in only once its address is confirmed: the tool
// reads each link from the outbox of the portal's database (--db). Given
// another portal's database, or none, it stops at the first client and
// says which flag to fix, instead of reporting sign-ins that failed.
func TestLoadConfirmsAddressesFromThePortalsOutbox(t *testing.T) {
	args := []string{"--clients", "2", "--duration", "100ms", "--phases", "survey"}
	base, _, _ := portal(t)
	_, other, _ := portal(t)
	for _, db := range []string{other.Path(), filepath.Join(t.TempDir(), "none.db")} {
		err := Run(context.Background(), append([]string{"--target", base, "--db", db}, args...), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "--db") {
			t.Errorf("--db %s: %v", db, err)
		}
	}
}

// The tool runs its collector at GOGC 400 unless GOGC is set (then the
// runtime has applied it and the tool leaves it), and puts back what was
// there when the run ends.
func TestToolGCPercent(t *testing.T) {
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	restore := tuneGC(func(string) (string, bool) { return "", false })
	if got := debug.SetGCPercent(toolGOGC); got != toolGOGC {
		t.Errorf("GOGC unset: the tool's GC percent is %d, want %d", got, toolGOGC)
	}
	restore()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("after the run: %d, want the 100 there was", got)
	}
	restore = tuneGC(func(k string) (string, bool) { return "50", k == "GOGC" })
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set: the tool changed the GC percent to %d", got)
	}
	restore()
}

// --cpuprofile writes the tool's CPU profile of the run; a path it cannot
// create is an error before any request is sent.
func TestCPUProfileFlag(t *testing.T) {
	base, st, _ := portal(t)
	prof := filepath.Join(t.TempDir(), "load.pprof")
	args := []string{"--target", base, "--db", st.Path(), "--clients", "2", "--duration", "100ms", "--phases", "signup", "--cpuprofile", prof}
	if err := Run(context.Background(), args, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(prof); err != nil || fi.Size() == 0 {
		t.Fatalf("no profile written: %v", err)
	}
	args[len(args)-1] = filepath.Join(t.TempDir(), "no", "such", "dir", "p")
	if err := Run(context.Background(), args, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "--cpuprofile") {
		t.Fatalf("an uncreatable profile: %v", err)
	}
}
