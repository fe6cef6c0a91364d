package main

import (
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// /metrics answers on --metrics-addr and nowhere else: the public listener
// says 404, whoever asks (behind a proxy on the same host, everyone is
// local).
func TestMetricsOnTheirOwnListener(t *testing.T) {
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	metricsAddr := free.Addr().String()
	free.Close()
	db := filepath.Join(t.TempDir(), "m.db")
	base, _ := startServe(t, env("DXREADY_DB", db, "DXREADY_DEMO", "false"), "--metrics-addr", metricsAddr)
	get := func(url string) (int, string) {
		t.Helper()
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := get(base + "/metrics"); code != http.StatusNotFound {
		t.Errorf("public /metrics = %d, want 404", code)
	}
	if code, body := get("http://" + metricsAddr + "/metrics"); code != http.StatusOK || !strings.Contains(body, "dxready_firms") {
		t.Errorf("metrics listener /metrics = %d %.200s", code, body)
	}
	if code, _ := get("http://" + metricsAddr + "/healthz"); code != http.StatusOK {
		t.Errorf("metrics listener /healthz = %d", code)
	}
	if code, _ := get("http://" + metricsAddr + "/"); code != http.StatusNotFound {
		t.Errorf("metrics listener serves the portal: / = %d", code)
	}
}

// A taken metrics port stops the start with a message naming the flag.
func TestMetricsAddrTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	db := filepath.Join(t.TempDir(), "t.db")
	err = run(t.Context(), []string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", taken.Addr().String()},
		env("DXREADY_DB", db, "DXREADY_DEMO", "false"), strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--metrics-addr") {
		t.Fatalf("serve with a taken metrics port: %v", err)
	}
}
