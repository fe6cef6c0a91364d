package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// worker is background work the server owns (session sweeping, the
// aggregate warm-up, follow-up messages, the mail sender): run returns
// when its ctx ends, having finished or rolled back what it was writing.
type worker struct {
	name string
	run  func(ctx context.Context) error
}

// Shutdown bounds: requests get drainTimeout to finish on their own, then
// their connections are closed and they get abandonTimeout more to return.
const (
	drainTimeout   = 10 * time.Second
	abandonTimeout = 5 * time.Second
)

// runServer serves hs on ln and runs the workers until ctx ends (or the
// listener fails), then stops in this order: no new connections, in-flight
// requests drained (http.Server.Shutdown), the workers told to stop and
// awaited. It returns only when nothing it started still runs, so the
// caller may close the database after it: no request or worker is cut off
// mid-write by a closed database. stopping is called when the stop begins.
func runServer(ctx context.Context, hs *http.Server, ln net.Listener, workers []worker, logger *slog.Logger, stopping func()) error {
	inflight := &requestCounter{h: hs.Handler}
	hs.Handler = inflight
	wctx, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWorkers()
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() {
			if err := w.run(wctx); err != nil && wctx.Err() == nil {
				logger.Error("background worker stopped", "worker", w.name, "err", err)
			}
		})
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	var serveErr error
	select {
	case serveErr = <-errc: // the listener failed: stop everything else too
	case <-ctx.Done():
	}
	stopping()
	drainErr := drain(ctx, hs, inflight, logger)
	if serveErr == nil {
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			serveErr = err
		}
	}
	stopWorkers()
	wg.Wait()
	return errors.Join(serveErr, drainErr)
}

// drain stops new requests and waits for those in flight; requests still
// running after drainTimeout have their connections closed and are given
// abandonTimeout to notice before drain gives up on them and says so.
func drain(ctx context.Context, hs *http.Server, inflight *requestCounter, logger *slog.Logger) error {
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainTimeout)
	defer cancel()
	err := hs.Shutdown(shutCtx)
	if err == nil {
		return nil
	}
	hs.Close()
	if !inflight.wait(abandonTimeout) {
		logger.Error("requests still running at shutdown", "requests", inflight.n.Load())
		return errors.New("shutdown: requests still running after the drain and close timeouts")
	}
	logger.Warn("requests cut off at shutdown after the drain timeout", "timeout", drainTimeout)
	return nil
}

// requestCounter counts requests in its handler, so shutdown can tell when
// the last one has returned even after their connections were closed.
type requestCounter struct {
	h http.Handler
	n atomic.Int64
}

func (c *requestCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.n.Add(1)
	defer c.n.Add(-1)
	c.h.ServeHTTP(w, r)
}

// wait reports whether the count reached zero within d.
func (c *requestCounter) wait(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for c.n.Load() > 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}
