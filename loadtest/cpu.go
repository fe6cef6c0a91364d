package loadtest

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// Both the tool and the portal run on the same machine, so what the tool
// costs is taken from the portal: each phase says the CPU time (user and
// system) the tool spent on it, from its own rusage, and the server's,
// from /proc/PID/stat of --server-pid, each per action of the phase.

// cpuMark is the CPU time the tool, and the server, had used at a moment.
type cpuMark struct {
	tool, server       time.Duration
	toolErr, serverErr error
}

// cpuMeter reads the tool's CPU time and the server's.
type cpuMeter struct {
	pid  int           // the server's process; 0: not measured
	proc string        // where /proc is ("/proc"; a test's directory)
	tick time.Duration // one clock tick of /proc/PID/stat
}

// newCPUMeter measures the server pid (0: none) in clock ticks as the
// kernel gives them to this process (AT_CLKTCK of its auxiliary vector),
// or, when that is unreadable, the 100 a second Linux has always used;
// note says which.
func newCPUMeter(pid int) (m cpuMeter, note string) {
	m = cpuMeter{pid: pid, proc: "/proc", tick: 10 * time.Millisecond}
	hz, err := clockTicks("/proc/self/auxv")
	if err != nil {
		return m, fmt.Sprintf("clock ticks unknown (%v): taking 100 a second", err)
	}
	m.tick = time.Second / time.Duration(hz)
	return m, fmt.Sprintf("%d clock ticks a second", hz)
}

// atClkTck is the auxiliary vector's entry for the clock ticks a second.
const atClkTck = 17

// clockTicks reads the clock ticks a second from the auxiliary vector at
// path: pairs of native words, key then value.
func clockTicks(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	w := strconv.IntSize / 8
	for ; len(b) >= 2*w; b = b[2*w:] {
		key, val := word(b[:w]), word(b[w:2*w])
		if key == atClkTck && val > 0 && val <= 1_000_000 {
			return int(val), nil
		}
		if key == 0 {
			break
		}
	}
	return 0, errors.New("no AT_CLKTCK in " + path)
}

func word(b []byte) uint64 {
	if len(b) == 4 {
		return uint64(binary.NativeEndian.Uint32(b))
	}
	return binary.NativeEndian.Uint64(b)
}

// mark reads both CPU times now.
func (m cpuMeter) mark() cpuMark {
	var c cpuMark
	c.tool, c.toolErr = selfCPU()
	if m.pid > 0 {
		c.server, c.serverErr = m.procCPU()
	}
	return c
}

// procCPU is the server's CPU time so far: utime and stime of its
// /proc/PID/stat.
func (m cpuMeter) procCPU() (time.Duration, error) {
	path := fmt.Sprintf("%s/%d/stat", m.proc, m.pid)
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	ticks, err := parseProcStat(b)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return time.Duration(ticks) * m.tick, nil
}

// parseProcStat returns utime+stime, in clock ticks, of a /proc/PID/stat
// line: "pid (comm) state ppid … utime stime …", fields 14 and 15. The
// command name may hold spaces and parentheses, so the fields are counted
// from the last ")".
func parseProcStat(b []byte) (uint64, error) {
	end := bytes.LastIndexByte(b, ')')
	if end < 0 || bytes.IndexByte(b, '(') < 0 {
		return 0, errors.New("no (comm) field")
	}
	f := bytes.Fields(b[end+1:]) // f[0] is field 3, the state
	if len(f) < 13 {
		return 0, fmt.Errorf("%d fields after the command name, want at least 13", len(f))
	}
	utime, err1 := strconv.ParseUint(string(f[11]), 10, 64)
	stime, err2 := strconv.ParseUint(string(f[12]), 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("utime, stime: %w", err)
	}
	return utime + stime, nil
}

// cpuUse is what one phase cost in CPU: the tool's and the server's, over
// the phase's n actions of the kind per.
type cpuUse struct {
	n            int
	per          string
	tool, server time.Duration
	toolErr      error
	serverErr    error // errNoServer: not asked for
	pid          int
}

var errNoServer = errors.New("not measured (give --server-pid)")

// since is the CPU used from a to now by n actions of kind per.
func (m cpuMeter) since(a cpuMark, n int, per string) cpuUse {
	b := m.mark()
	u := cpuUse{n: n, per: per, tool: b.tool - a.tool, server: b.server - a.server, pid: m.pid,
		toolErr: cmp.Or(a.toolErr, b.toolErr), serverErr: cmp.Or(a.serverErr, b.serverErr)}
	if m.pid == 0 {
		u.serverErr = errNoServer
	}
	return u
}

// perAction is d per action, in ms.
func (u cpuUse) perAction(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond) / float64(max(u.n, 1))
}

// tools says the tool's CPU per action, or why it is not known.
func (u cpuUse) tools() string {
	if u.toolErr != nil {
		return fmt.Sprintf("load tool CPU unknown (%v)", u.toolErr)
	}
	return fmt.Sprintf("load tool CPU %.2f ms per %s", u.perAction(u.tool), u.per)
}

// servers says the server's CPU per action, or why it is not known.
func (u cpuUse) servers() string {
	switch {
	case errors.Is(u.serverErr, errNoServer):
		return "server CPU " + errNoServer.Error()
	case u.serverErr != nil:
		return fmt.Sprintf("server CPU unknown (%v)", u.serverErr)
	}
	return fmt.Sprintf("server CPU %.2f ms per %s (pid %d)", u.perAction(u.server), u.per, u.pid)
}

// cpuLine prints a phase's CPU: the tool's and the server's per action.
func cpuLine(w io.Writer, name string, u cpuUse) {
	fmt.Fprintf(w, "%-44s %s; %s; %d %ss\n", name, u.tools(), u.servers(), u.n, u.per)
}

// inProcessLine prints a baseline's CPU: its server runs inside the tool,
// so the tool's CPU is both sides'.
func inProcessLine(w io.Writer, name string, u cpuUse) {
	if u.toolErr != nil {
		fmt.Fprintf(w, "%-44s CPU unknown (%v)\n", name, u.toolErr)
		return
	}
	fmt.Fprintf(w, "%-44s CPU %.3f ms per %s, client and in-process server together; %d %ss\n", name, u.perAction(u.tool), u.per, u.n, u.per)
}
