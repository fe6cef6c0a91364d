package loadtest

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// With --server-metrics the cycle phase says, from the portal's own
// histogram, each route's requests and mean time in its handler over the
// phase: the step posts as many as the cycle phase sent, and nothing of
// the phases before it.
func TestServerMetricsByRoute(t *testing.T) {
	base, st, _, s := portalServer(t)
	ms := httptest.NewServer(s.MetricsHandler())
	defer ms.Close()
	var out bytes.Buffer
	args := []string{"--target", base, "--db", st.Path(), "--clients", "2", "--duration", "1s", "--phases", "survey", "--server-metrics", ms.URL}
	if err := Run(context.Background(), args, &out, io.Discard); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	got := parseReport(t, out.String())
	steps := got["cycle: steps"].n
	m := regexp.MustCompile(`(?m)^  POST /assessment/\{id\}/step/\{n\}\s+n=(\d+)\s+mean\s+[\d.]+ ms\s+[\d.]+ %\s+[\d.]+ ms per cycle$`).FindStringSubmatch(out.String())
	if steps == 0 || m == nil || atoi(m[1]) != steps {
		t.Fatalf("no step posts by route, or not the %d the cycle phase sent:\n%s", steps, out.String())
	}
	if !strings.Contains(out.String(), "cycle: the server's time in its handlers by route") || strings.Contains(out.String(), "POST /assessment/{id}/answer") {
		t.Errorf("the routes are not the cycle phase's alone (autosave's /answer shown):\n%s", out.String())
	}
}

// A metrics listener that is not on loopback, or not http://, is refused
// before any request; one that is down, or answers garbage, costs the
// report its routes, never the run.
func TestServerMetricsAttacks(t *testing.T) {
	for _, bad := range []string{"http://10.0.0.1:9464", "https://127.0.0.1:9464", "not a url"} {
		if _, err := parseFlags([]string{"--target", "http://127.0.0.1:1", "--server-metrics", bad}, io.Discard); err == nil {
			t.Errorf("--server-metrics %s taken", bad)
		}
	}
	garbage := []byte("dxready_http_request_duration_seconds_sum{route=\"/x\",method=\"GET\"} 1.5\n" +
		"dxready_http_request_duration_seconds_count{route=\"/x\",method=\"GET\",code=\"200\"} 3\n" +
		"dxready_http_request_duration_seconds_count{route=\"/x\",method=\"GET\",code=\"500\"} 1\n" +
		"dxready_http_request_duration_seconds_sum{route=\"/y\"} 9\n" +
		"dxready_http_request_duration_seconds_sum{route=\"unterminated} 9\n" +
		"dxready_http_request_duration_seconds_count{route=\"/z\",method=\"GET\"} NaNx\n" +
		"dxready_http_request_duration_seconds_sum\n{}} \n\x00\xff")
	rt := parseMetrics(garbage)
	if len(rt) != 1 || rt["GET /x"] != (routeTime{n: 4, sum: 1.5}) {
		t.Fatalf("parsed %v", rt)
	}
	lines := rt.since(routeTimes{"GET /x": {n: 4, sum: 1.5}})
	if len(lines) != 0 {
		t.Errorf("a route with no request in the phase is listed: %v", lines)
	}
	base, st, _ := portal(t)
	down := httptest.NewServer(nil)
	down.Close()
	var out bytes.Buffer
	args := []string{"--target", base, "--db", st.Path(), "--clients", "1", "--duration", "200ms", "--phases", "survey", "--server-metrics", down.URL}
	if err := Run(context.Background(), args, &out, io.Discard); err != nil {
		t.Fatalf("a metrics listener down stopped the run: %v", err)
	}
	if !strings.Contains(out.String(), "server metrics:                              unreadable") {
		t.Errorf("not said:\n%s", out.String())
	}
}
