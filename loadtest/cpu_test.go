package loadtest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// statLine is a /proc/PID/stat line of a process named comm that has used
// utime and stime clock ticks.
func statLine(comm string, utime, stime int) string {
	return "4242 (" + comm + ") S 1 4242 4242 0 -1 4194560 1234 0 0 0 " + strconv.Itoa(utime) + " " + strconv.Itoa(stime) +
		" 0 0 20 0 12 0 5555 1234567 890 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
}

// utime and stime are fields 14 and 15, counted after the command name,
// which may hold spaces and parentheses of its own.
func TestParseProcStat(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       uint64
		fails      bool
	}{
		{"plain", statLine("dxready", 150, 50), 200, false},
		{"spaces", statLine("dx ready serve", 7, 3), 10, false},
		{"parentheses", statLine("a) (b c) 9 9 9 9 9 9 9 9 9 9 9 9 (d", 1, 2), 3, false},
		{"only a parenthesis", statLine(")", 40, 2), 42, false},
		{"no comm", "4242 dxready S 1 2 3", 0, true},
		{"cut short", "4242 (dxready) S 1 4242 4242 0 -1 4194560 1234 0 0 0 150", 0, true},
		{"not a number", strings.Replace(statLine("dxready", 150, 50), " 150 ", " x ", 1), 0, true},
		{"empty", "", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseProcStat([]byte(tc.line))
			if got != tc.want || (err != nil) != tc.fails {
				t.Errorf("%d, %v; want %d, failing %v", got, err, tc.want, tc.fails)
			}
		})
	}
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Skip("no /proc here")
	}
	if _, err := parseProcStat(b); err != nil {
		t.Errorf("this process's own %q: %v", b, err)
	}
}

// The server's CPU is its utime and stime in clock ticks of the length
// the auxiliary vector gives; a process /proc does not show, or a clock
// the vector does not give, is said, never taken as zero.
func TestServerCPUFromProc(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "42"), 0o755)
	os.WriteFile(filepath.Join(dir, "42", "stat"), []byte(statLine("dxready (serve)", 150, 50)), 0o644)
	m := cpuMeter{pid: 42, proc: dir, tick: 4 * time.Millisecond}
	if got, err := m.procCPU(); got != 800*time.Millisecond || err != nil {
		t.Errorf("200 ticks of 4 ms: %v, %v", got, err)
	}
	m.pid = 43
	u := m.since(m.mark(), 10, "cycle")
	if !errors.Is(u.serverErr, os.ErrNotExist) || !strings.HasPrefix(u.servers(), "server CPU unknown (open ") || strings.Count(u.servers(), "/43/stat") != 1 {
		t.Errorf("a server /proc does not show: %v, %q", u.serverErr, u.servers())
	}
	aux := func(pairs ...uint64) string {
		var b []byte
		for _, v := range pairs {
			b = binary.NativeEndian.AppendUint64(b, v)
		}
		p := filepath.Join(dir, "auxv"+strconv.Itoa(len(pairs)))
		os.WriteFile(p, b, 0o644)
		return p
	}
	if hz, err := clockTicks(aux(6, 4096, atClkTck, 250, 0, 0)); hz != 250 || err != nil {
		t.Errorf("AT_CLKTCK 250: %d, %v", hz, err)
	}
	if hz, err := clockTicks(aux(6, 4096, 0, 0, atClkTck, 250)); err == nil {
		t.Errorf("AT_CLKTCK after the vector's end taken: %d", hz)
	}
	if _, err := clockTicks(filepath.Join(dir, "none")); err == nil {
		t.Error("an unreadable vector gave a clock")
	}
	if hz, err := clockTicks("/proc/self/auxv"); err == nil && hz < 1 {
		t.Errorf("this process's clock: %d", hz)
	}
}

// The tool's CPU per cycle is what its own rusage grew by over the phase,
// over the phase's cycles: work done between the marks shows.
func TestToolCPUGrowsWithWork(t *testing.T) {
	m := cpuMeter{}
	at := m.mark()
	if at.toolErr != nil {
		t.Skipf("no rusage here: %v", at.toolErr)
	}
	for start := time.Now(); time.Since(start) < 50*time.Millisecond; {
	}
	u := m.since(at, 5, "cycle")
	if u.tool <= 0 || u.toolErr != nil || !errors.Is(u.serverErr, errNoServer) {
		t.Errorf("after 50 ms of spinning: %+v", u)
	}
	if !strings.Contains(u.servers(), "give --server-pid") {
		t.Errorf("no --server-pid: %q", u.servers())
	}
}

// Each phase's CPU line, and the summary, say both CPU figures per
// action, and the bare cycle beside the real one.
func TestCPUAndSummaryFormatting(t *testing.T) {
	u := cpuUse{n: 970, per: "cycle", tool: 970 * 6100 * time.Microsecond, server: 970 * 12950 * time.Microsecond, pid: 42}
	var out bytes.Buffer
	cpuLine(&out, "cycle: CPU", u)
	inProcessLine(&out, "bare cycle: CPU", cpuUse{n: 4, per: "cycle", tool: 10 * time.Millisecond})
	want := "cycle: CPU                                   load tool CPU 6.10 ms per cycle; server CPU 12.95 ms per cycle (pid 42); 970 cycles\n" +
		"bare cycle: CPU                              CPU 2.500 ms per cycle, client and in-process server together; 4 cycles\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	f := summaryFigures{cycle: stats{rate: 97, p50: 600 * time.Millisecond, p95: 980 * time.Millisecond, p99: 1170 * time.Millisecond},
		bareCycle: stats{rate: 388, p50: 150 * time.Millisecond, p95: 200 * time.Millisecond, p99: 250 * time.Millisecond},
		bare:      stats{rate: 46771.8, p99: 5480 * time.Microsecond}, commits: stats{rate: 27297.2, p99: 120 * time.Microsecond},
		cpu: u, bareCycleCPU: cpuUse{n: 4, per: "cycle", tool: 10 * time.Millisecond}}
	out.Reset()
	summary(&out, f)
	for _, line := range []string{
		"  whole firm cycle             97.0 /s  p50 600ms  p95 980ms  p99 1.17s\n",
		"  bare cycle (the floor)      388.0 /s  p50 150ms  p95 200ms  p99 250ms\n",
		"  load tool CPU 6.10 ms per cycle, server CPU 12.95 ms per cycle (pid 42)\n",
		"  bare cycle CPU 2.50 ms per cycle (its client and server together)\n",
		"  ratios: a cycle per 482 bare requests, per 281.4 raw commits; a real cycle per 4.0 bare cycles\n",
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("no %q in\n%s", line, out.String())
		}
	}
	f.cpu.pid, f.cpu.serverErr = 0, errNoServer
	f.cpu.toolErr = errors.New("not measured on this system")
	out.Reset()
	summary(&out, f)
	if !strings.Contains(out.String(), "  load tool CPU unknown (not measured on this system), server CPU not measured (give --server-pid)\n") {
		t.Errorf("unknown CPU not said:\n%s", out.String())
	}
}
