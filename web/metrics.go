package web

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"dxready/auth"
)

// Latency histogram bucket bounds, in seconds.
var latencyBuckets = [...]float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

type histKey struct{ route, method, code string }

// histogram holds one route's latencies. Its fields are atomics, so
// recording never takes a lock: every request of the portal records one,
// and with a mutex here the requests of a busy server queued on it (half
// of the server's lock waits in the whole firm cycle, issue 14). The
// count is not kept apart: the export sums the slots it read, so a scrape
// always sees +Inf equal to _count and the buckets never above it.
type histogram struct {
	counts [len(latencyBuckets) + 1]atomic.Uint64 // per bucket, the last for slower than every bound
	sumNs  atomic.Int64                           // total latency in nanoseconds
}

func (h *histogram) observe(d time.Duration) {
	sec := d.Seconds()
	i := sort.SearchFloat64s(latencyBuckets[:], sec) // the first bound ≥ sec, or the overflow slot
	h.counts[i].Add(1)
	h.sumNs.Add(int64(d))
}

// metrics counts request latencies per route pattern (not per URL, so the
// label set stays bounded). The map of routes is a sync.Map: after the
// first request of each route, looking one up is a lock-free read.
type metrics struct {
	hists sync.Map // histKey → *histogram
}

func newMetrics() *metrics { return &metrics{} }

func (m *metrics) observe(k histKey, d time.Duration) {
	h, ok := m.hists.Load(k)
	if !ok {
		h, _ = m.hists.LoadOrStore(k, new(histogram))
	}
	h.(*histogram).observe(d)
}

// measure records each request's latency under its chi route pattern.
func (s *Server) measure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		s.metrics.observe(histKey{route, r.Method, strconv.Itoa(status)}, time.Since(start))
	})
}

// MetricsHandler serves /metrics (Prometheus text format) and /healthz on
// the separate metrics listener (--metrics-addr), never on the portal's
// own: the registry counts and latencies are not for the public, and a
// reverse proxy on the same host would make any "loopback only" check on
// the portal's listener pass for everyone.
func (s *Server) MetricsHandler() http.Handler {
	r := chi.NewRouter()
	r.Use(s.recoverPanics)
	r.Get("/metrics", s.metricsHandler)
	r.Get("/healthz", s.healthz)
	return r
}

func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request) {
	firmsN, err := s.store.CountFirms(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	users, err := s.store.UserCounts(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b strings.Builder
	b.WriteString("# HELP dxready_firms Firms in the registry.\n# TYPE dxready_firms gauge\n")
	fmt.Fprintf(&b, "dxready_firms %d\n", firmsN)
	b.WriteString("# HELP dxready_users Accounts by role.\n# TYPE dxready_users gauge\n")
	for _, role := range auth.Roles {
		fmt.Fprintf(&b, "dxready_users{role=%q} %d\n", role, users[role])
	}
	s.metrics.write(&b)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Write([]byte(b.String()))
}

func (m *metrics) write(b *strings.Builder) {
	b.WriteString("# HELP dxready_http_request_duration_seconds Request latency by route.\n")
	b.WriteString("# TYPE dxready_http_request_duration_seconds histogram\n")
	type entry struct {
		k histKey
		h *histogram
	}
	var all []entry
	m.hists.Range(func(k, h any) bool {
		all = append(all, entry{k.(histKey), h.(*histogram)})
		return true
	})
	sort.Slice(all, func(i, j int) bool {
		a, c := all[i].k, all[j].k
		if a.route != c.route {
			return a.route < c.route
		}
		if a.method != c.method {
			return a.method < c.method
		}
		return a.code < c.code
	})
	for _, e := range all {
		labels := fmt.Sprintf("route=%q,method=%q,code=%q", e.k.route, e.k.method, e.k.code)
		var cum uint64
		for i, bound := range latencyBuckets {
			cum += e.h.counts[i].Load()
			fmt.Fprintf(b, "dxready_http_request_duration_seconds_bucket{%s,le=\"%g\"} %d\n", labels, bound, cum)
		}
		cum += e.h.counts[len(latencyBuckets)].Load()
		fmt.Fprintf(b, "dxready_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", labels, cum)
		fmt.Fprintf(b, "dxready_http_request_duration_seconds_sum{%s} %g\n", labels, time.Duration(e.h.sumNs.Load()).Seconds())
		fmt.Fprintf(b, "dxready_http_request_duration_seconds_count{%s} %d\n", labels, cum)
	}
}
