package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"dxready/web"
)

// metricsListener is the listener of --metrics-addr, apart from the portal's
// own, so that /metrics never answers on the public address (a reverse proxy
// on the same host makes every request look local there).
type metricsListener struct {
	ln net.Listener
	hs *http.Server
}

// metricsShutdown bounds how long a scrape in flight may delay the stop.
const metricsShutdown = 5 * time.Second

// listenMetrics opens the metrics listener when addr is set, so a taken
// port stops the start with a clear error; nil when addr is empty.
func listenMetrics(addr string, srv *web.Server, logger *slog.Logger) ([]*metricsListener, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr: %w", err)
	}
	hs := &http.Server{Handler: srv.MetricsHandler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	return []*metricsListener{{ln: ln, hs: hs}}, nil
}

// stopListeners closes listeners that will not be served (the start failed).
func stopListeners(ms []*metricsListener) {
	for _, m := range ms {
		m.ln.Close()
	}
}

// worker serves the metrics until ctx ends, then shuts the listener down
// (scrapes in flight get metricsShutdown) before runServer closes the
// database: it stops with the other background work, after the portal's
// requests have drained.
func (m *metricsListener) worker() worker {
	return worker{"metrics", func(ctx context.Context) error {
		errc := make(chan error, 1)
		go func() { errc <- m.hs.Serve(m.ln) }()
		select {
		case err := <-errc:
			return err
		case <-ctx.Done():
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), metricsShutdown)
		defer cancel()
		if err := m.hs.Shutdown(sctx); err != nil {
			m.hs.Close()
		}
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}}
}

// trustedProxies parses --trusted-proxies, which Config.Validate checked.
func trustedProxies(c Config) []netip.Prefix {
	p, _ := web.ParseTrustedProxies(c.TrustedProxies)
	return p
}
