package web

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Latencies recorded by many requests at once are all counted, each in
// the bucket of the first bound at or above it (a bound itself included),
// slower than every bound only in +Inf, and the export is a valid
// histogram: cumulative buckets, +Inf equal to _count, the sum exact.
func TestMetricsCountEveryConcurrentRequestInItsBucket(t *testing.T) {
	m := newMetrics()
	k := histKey{"/assessment/{id}/step/{n}", "POST", "303"}
	lat := []time.Duration{
		500 * time.Microsecond, // ≤ 0.001
		time.Millisecond,       // exactly 0.001: the bound is inclusive
		3 * time.Millisecond,   // ≤ 0.005
		7 * time.Second,        // above 5: +Inf only
	}
	const workers, each = 16, 500
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				m.observe(k, lat[(w+i)%len(lat)])
			}
		})
	}
	wg.Wait()
	m.observe(histKey{"/", "GET", "200"}, 2*time.Millisecond)

	var b strings.Builder
	m.write(&b)
	out := b.String()
	total := workers * each
	per := total / len(lat)
	want := map[string]int{"0.001": 2 * per, "0.0025": 2 * per, "0.005": 3 * per, "5": 3 * per, "+Inf": total}
	labels := `route="/assessment/{id}/step/{n}",method="POST",code="303"`
	for le, n := range want {
		line := fmt.Sprintf("dxready_http_request_duration_seconds_bucket{%s,le=%q} %d\n", labels, le, n)
		if !strings.Contains(out, line) {
			t.Errorf("missing %q in\n%s", line, out)
		}
	}
	if line := fmt.Sprintf("dxready_http_request_duration_seconds_count{%s} %d\n", labels, total); !strings.Contains(out, line) {
		t.Errorf("missing %q", line)
	}
	sum := time.Duration(per) * (500*time.Microsecond + time.Millisecond + 3*time.Millisecond + 7*time.Second)
	re := regexp.MustCompile(`dxready_http_request_duration_seconds_sum\{` + regexp.QuoteMeta(labels) + `\} (\S+)`)
	got := re.FindStringSubmatch(out)
	if got == nil {
		t.Fatalf("no sum in\n%s", out)
	}
	if v, err := strconv.ParseFloat(got[1], 64); err != nil || v < sum.Seconds()-1e-6 || v > sum.Seconds()+1e-6 {
		t.Errorf("sum = %s, want %g", got[1], sum.Seconds())
	}
	// Routes come out in a stable order, "/" before the step.
	if strings.Index(out, `route="/",`) > strings.Index(out, `route="/assessment`) {
		t.Errorf("routes out of order:\n%s", out)
	}
}

// A scrape taken while requests are being recorded still reads as a valid
// histogram: buckets never decrease, and +Inf is the count.
func TestMetricsScrapeDuringRecordingIsConsistent(t *testing.T) {
	m := newMetrics()
	k := histKey{"/", "GET", "200"}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
					m.observe(k, time.Duration(i%9000)*time.Millisecond)
				}
			}
		})
	}
	bucket := regexp.MustCompile(`_bucket\{[^}]*le="([^"]+)"\} (\d+)`)
	count := regexp.MustCompile(`_count\{[^}]*\} (\d+)`)
	for range 200 {
		var b strings.Builder
		m.write(&b)
		var prev, inf uint64
		for _, g := range bucket.FindAllStringSubmatch(b.String(), -1) {
			n, _ := strconv.ParseUint(g[2], 10, 64)
			if n < prev {
				t.Fatalf("bucket le=%s fell to %d from %d", g[1], n, prev)
			}
			prev = n
			if g[1] == "+Inf" {
				inf = n
			}
		}
		if c := count.FindStringSubmatch(b.String()); c != nil && c[1] != strconv.FormatUint(inf, 10) {
			t.Fatalf("_count %s, +Inf %d", c[1], inf)
		}
	}
	close(stop)
	wg.Wait()
}

// Every request of the portal records one latency, from as many
// goroutines as there are requests in flight.
func BenchmarkMetricsObserveParallel(b *testing.B) {
	m := newMetrics()
	keys := []histKey{{"/", "GET", "200"}, {"/assessment/{id}/step/{n}", "POST", "303"}, {"/assessment/{id}/step/{n}", "GET", "200"}}
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			m.observe(keys[i%len(keys)], time.Duration(i)*time.Microsecond)
			i++
		}
	})
}
