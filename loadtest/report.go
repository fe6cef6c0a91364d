package loadtest

import (
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"
)

// stats are one kind's figures over a phase: its rate is what completed per
// second of the phase's WALL-CLOCK time (never per second that requests
// were in flight), its latencies nearest-rank percentiles.
type stats struct {
	n, failed          int
	rate               float64 // per second of wall time
	p50, p95, p99, max time.Duration
	wall               time.Duration
}

// summarize computes the stats of ss over a phase of wall time wall.
func summarize(ss []sample, wall time.Duration) stats {
	st := stats{n: len(ss), wall: wall}
	if len(ss) == 0 {
		return st
	}
	ds := make([]time.Duration, 0, len(ss))
	for _, s := range ss {
		ds = append(ds, s.d)
		if !s.ok {
			st.failed++
		}
	}
	slices.Sort(ds)
	if wall > 0 {
		st.rate = float64(len(ss)) / wall.Seconds()
	}
	st.p50, st.p95, st.p99, st.max = percentile(ds, 50), percentile(ds, 95), percentile(ds, 99), ds[len(ds)-1]
	return st
}

// percentile is the nearest-rank p-th percentile of sorted ds: the
// smallest value at least p% of the values are no greater than.
func percentile(ds []time.Duration, p float64) time.Duration {
	rank := int(math.Ceil(p / 100 * float64(len(ds))))
	return ds[max(rank, 1)-1]
}

// report prints one line: the rate over the phase's wall time, the count,
// the failures, latency percentiles, and the wall time itself.
func report(w io.Writer, name string, ss []sample, wall time.Duration) stats {
	st := summarize(ss, wall)
	if st.n == 0 {
		fmt.Fprintf(w, "%-44s no requests  wall %v\n", name, wall.Round(time.Millisecond))
		return st
	}
	r := func(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
	fmt.Fprintf(w, "%-44s %9.1f /s  n=%d  failed=%d  p50 %v  p95 %v  p99 %v  max %v  wall %v\n", name, st.rate, st.n, st.failed,
		r(st.p50), r(st.p95), r(st.p99), r(st.max), wall.Round(time.Millisecond))
	return st
}

// loadAverage is the machine's load average as /proc/loadavg says it
// ("unknown" off Linux).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// summaryFigures are what the summary compares: the whole firm cycle
// and its CPU beside the three baselines of the same run.
type summaryFigures struct {
	cycle, bareCycle, bare, commits stats
	cpu, bareCycleCPU               cpuUse
}

// summary prints the whole firm cycle beside the baselines of the same
// run, so runs on a busy machine compare by their ratios, and what a
// cycle cost in CPU, the tool's and the server's.
func summary(w io.Writer, f summaryFigures) {
	r := func(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
	fmt.Fprintf(w, "\nsummary (wall clock; load average %s):\n", loadAverage())
	fmt.Fprintf(w, "  whole firm cycle        %9.1f /s  p50 %v  p95 %v  p99 %v\n", f.cycle.rate, r(f.cycle.p50), r(f.cycle.p95), r(f.cycle.p99))
	fmt.Fprintf(w, "  bare cycle (the floor)  %9.1f /s  p50 %v  p95 %v  p99 %v\n", f.bareCycle.rate, r(f.bareCycle.p50), r(f.bareCycle.p95), r(f.bareCycle.p99))
	fmt.Fprintf(w, "  bare net/http handler   %9.1f /s  p99 %v\n", f.bare.rate, r(f.bare.p99))
	fmt.Fprintf(w, "  raw SQLite commits      %9.1f /s  p99 %v\n", f.commits.rate, r(f.commits.p99))
	fmt.Fprintf(w, "  %s, %s\n", f.cpu.tools(), f.cpu.servers())
	if f.bareCycleCPU.toolErr == nil && f.bareCycleCPU.n > 0 {
		fmt.Fprintf(w, "  bare cycle CPU %.2f ms per cycle (its client and server together)\n", f.bareCycleCPU.perAction(f.bareCycleCPU.tool))
	}
	if f.bare.rate > 0 && f.commits.rate > 0 && f.cycle.rate > 0 {
		fmt.Fprintf(w, "  ratios: a cycle per %.0f bare requests, per %.1f raw commits", f.bare.rate/f.cycle.rate, f.commits.rate/f.cycle.rate)
		if f.bareCycle.rate > 0 {
			fmt.Fprintf(w, "; a real cycle per %.1f bare cycles", f.bareCycle.rate/f.cycle.rate)
		}
		fmt.Fprintln(w)
	}
}
