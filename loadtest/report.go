package loadtest

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"time"
)

// baseline measures a bare net/http handler on loopback with the same
// number of clients, for the same wall time, for the ratio.
func baseline(ctx context.Context, clients int, d time.Duration, maxReq int64) phase {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return phase{}
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	tr := &http.Transport{MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2}
	defer tr.CloseIdleConnections()
	cs := make([]*loadClient, clients)
	for i := range cs {
		cs[i] = &loadClient{http: &http.Client{Transport: tr}}
	}
	lt := &loadTest{base: "http://" + ln.Addr().String(), duration: d, maxReq: maxReq}
	return lt.run(ctx, cs, func(ctx context.Context, c *loadClient, _ *rand.Rand, rec func(string, time.Duration, bool)) error {
		_, err := timed(ctx, c, lt.base+"/", url.Values{"question": {"x"}}, "bare", http.StatusNoContent, rec)
		return err
	})
}

// rate is samples per second of wall time.
func rate(ss []sample, wall time.Duration) float64 {
	if wall <= 0 {
		return 0
	}
	return float64(len(ss)) / wall.Seconds()
}

// report prints one line: the rate over the phase's wall time, the count,
// the failures, latency percentiles, and the wall time itself.
func report(w io.Writer, name string, ss []sample, wall time.Duration) {
	if len(ss) == 0 {
		fmt.Fprintf(w, "%-62s no requests  wall %v\n", name, wall.Round(time.Millisecond))
		return
	}
	ds := make([]time.Duration, 0, len(ss))
	failed := 0
	for _, s := range ss {
		ds = append(ds, s.d)
		if !s.ok {
			failed++
		}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	pct := func(p float64) time.Duration {
		return ds[min(len(ds)-1, int(p*float64(len(ds))))].Round(10 * time.Microsecond)
	}
	fmt.Fprintf(w, "%-62s %8.0f /s  n=%d  failed=%d  p50 %v  p90 %v  p99 %v  max %v  wall %v\n", name, rate(ss, wall), len(ss), failed,
		pct(0.50), pct(0.90), pct(0.99), ds[len(ds)-1].Round(10*time.Microsecond), wall.Round(time.Millisecond))
}
