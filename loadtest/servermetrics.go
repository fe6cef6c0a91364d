package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// --server-metrics reads the portal's own latency histogram (its
// --metrics-addr, web/metrics.go: dxready_http_request_duration_seconds by
// route, method and status) before and after a phase, and reports each
// route's requests and mean time in the handler over the phase: where the
// server's time goes, without a profile. It is wall time inside the
// handler (waiting for the writer or a core included), not CPU.

// routeTime is one route's requests and seconds in the handler, summed
// over its statuses.
type routeTime struct {
	n   float64
	sum float64
}

// routeTimes are the portal's counters by "METHOD route".
type routeTimes map[string]routeTime

const metricName = "dxready_http_request_duration_seconds_"

// parseMetrics reads the _sum and _count lines of the portal's histogram
// from a Prometheus text page; other lines, and lines it cannot read, are
// skipped (the page is the server's: it cannot make the tool fail).
func parseMetrics(page []byte) routeTimes {
	out := routeTimes{}
	for line := range bytes.Lines(page) {
		rest, ok := bytes.CutPrefix(bytes.TrimSpace(line), []byte(metricName))
		if !ok {
			continue
		}
		kind, rest, ok := bytes.Cut(rest, []byte("{"))
		labels, value, ok2 := bytes.Cut(rest, []byte("} "))
		if !ok || !ok2 || string(kind) != "sum" && string(kind) != "count" {
			continue
		}
		v, err := strconv.ParseFloat(string(bytes.TrimSpace(value)), 64)
		route, method := label(labels, "route"), label(labels, "method")
		if err != nil || route == "" || method == "" {
			continue
		}
		k := method + " " + route
		rt := out[k]
		if string(kind) == "sum" {
			rt.sum += v
		} else {
			rt.n += v
		}
		out[k] = rt
	}
	return out
}

// label is the value of name in a Prometheus label set (name="value",…),
// unquoted; "" if missing or unreadable.
func label(labels []byte, name string) string {
	s := string(labels)
	for s != "" {
		key, rest, ok := strings.Cut(s, "=")
		if !ok {
			return ""
		}
		prefix, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return ""
		}
		if key == name {
			v, err := strconv.Unquote(prefix)
			if err != nil {
				return ""
			}
			return v
		}
		s = strings.TrimPrefix(rest[len(prefix):], ",")
	}
	return ""
}

// routeLine is one route's share of a phase.
type routeLine struct {
	key      string
	n, sum   float64 // requests, seconds in the handler
	fraction float64 // of all the handlers' seconds in the phase
}

// since is what each route did between before and a (later) scrape,
// the busiest first; routes with no request in between are left out.
func (a routeTimes) since(before routeTimes) []routeLine {
	var out []routeLine
	var total float64
	for k, rt := range a {
		d := routeLine{key: k, n: rt.n - before[k].n, sum: rt.sum - before[k].sum}
		if d.n <= 0 {
			continue
		}
		total += d.sum
		out = append(out, d)
	}
	for i := range out {
		if total > 0 {
			out[i].fraction = out[i].sum / total
		}
	}
	slices.SortFunc(out, func(x, y routeLine) int {
		if x.sum != y.sum {
			if x.sum > y.sum {
				return -1
			}
			return 1
		}
		return strings.Compare(x.key, y.key)
	})
	return out
}

// serverMetrics scrapes the portal's metrics page at target (the
// --metrics-addr of the portal, http://HOST:PORT on loopback).
type serverMetrics struct {
	c   *wireClient
	buf bytes.Buffer
}

func newServerMetrics(target string) *serverMetrics {
	return &serverMetrics{c: newWireClient(strings.TrimRight(target, "/"))}
}

func (m *serverMetrics) scrape(ctx context.Context) (routeTimes, error) {
	m.buf.Reset()
	res, err := m.c.roundTrip(ctx, &request{method: http.MethodGet, target: "/metrics"}, &m.buf)
	if err != nil {
		return nil, err
	}
	if res.status != http.StatusOK {
		return nil, fmt.Errorf("load: --server-metrics: GET /metrics: status %d", res.status)
	}
	return parseMetrics(m.buf.Bytes()), nil
}

// routeReport prints what each route cost the server over a phase.
func routeReport(w io.Writer, name string, lines []routeLine, perCycle int) {
	fmt.Fprintf(w, "%s: the server's time in its handlers by route (--server-metrics; wall time in the handler, not CPU):\n", name)
	for _, l := range lines {
		per := ""
		if perCycle > 0 {
			per = fmt.Sprintf("  %.2f ms per cycle", l.sum*1000/float64(perCycle))
		}
		fmt.Fprintf(w, "  %-50s n=%-8.0f mean %7.3f ms  %5.1f %%%s\n", l.key, l.n, l.sum*1000/l.n, 100*l.fraction, per)
	}
}
