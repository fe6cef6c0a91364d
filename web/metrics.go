package web

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"dxready/auth"
)

// Latency histogram bucket bounds, in seconds.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

type histKey struct{ route, method, code string }

type histogram struct {
	counts []uint64 // one per bucket, cumulative at export
	sum    float64
	n      uint64
}

// metrics counts request latencies per route pattern (not per URL, so the
// label set stays bounded).
type metrics struct {
	mu    sync.Mutex
	hists map[histKey]*histogram
}

func newMetrics() *metrics { return &metrics{hists: map[histKey]*histogram{}} }

func (m *metrics) observe(k histKey, d time.Duration) {
	sec := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.hists[k]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets))}
		m.hists[k] = h
	}
	for i, b := range latencyBuckets {
		if sec <= b {
			h.counts[i]++
			break
		}
	}
	h.sum += sec
	h.n++
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
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]histKey, 0, len(m.hists))
	for k := range m.hists {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j])
	})
	for _, k := range keys {
		h := m.hists[k]
		labels := fmt.Sprintf("route=%q,method=%q,code=%q", k.route, k.method, k.code)
		var cum uint64
		for i, bound := range latencyBuckets {
			cum += h.counts[i]
			fmt.Fprintf(b, "dxready_http_request_duration_seconds_bucket{%s,le=\"%g\"} %d\n", labels, bound, cum)
		}
		fmt.Fprintf(b, "dxready_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", labels, h.n)
		fmt.Fprintf(b, "dxready_http_request_duration_seconds_sum{%s} %g\n", labels, h.sum)
		fmt.Fprintf(b, "dxready_http_request_duration_seconds_count{%s} %d\n", labels, h.n)
	}
}
