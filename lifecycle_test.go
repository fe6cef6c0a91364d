package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"dxready/store/storetest"
)

// events records what happened, in order.
type events struct {
	mu   sync.Mutex
	list []string
}

func (e *events) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, s)
}

func (e *events) get() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.list)
}

// On shutdown the server stops taking requests, lets the one in flight
// finish (it writes to the database after the signal), then stops the
// worker and waits for its last write, and only then returns, so the
// database closes under nobody.
func TestShutdownDrainsRequestsThenStopsWorkers(t *testing.T) {
	st, _ := storetest.Open(t)
	var ev events
	entered, release := make(chan struct{}), make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		if err := st.SetMeta(r.Context(), "test.request", "finished"); err != nil {
			t.Errorf("the request's write after the signal: %v", err)
		}
		ev.add("request done")
	})
	work := worker{"test", func(ctx context.Context) error {
		<-ctx.Done()
		ev.add("worker told to stop")
		time.Sleep(50 * time.Millisecond) // mid-write when told: it finishes first
		if err := st.SetMeta(context.Background(), "test.worker", "finished"); err != nil {
			t.Errorf("the worker's last write: %v", err)
		}
		ev.add("worker done")
		return nil
	}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	stopping := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- runServer(ctx, &http.Server{Handler: mux}, ln, []worker{work}, slog.New(slog.NewTextHandler(io.Discard, nil)),
			func() { close(stopping) })
	}()
	answer := make(chan int, 1)
	go func() {
		res, err := http.Get(base + "/slow")
		if err != nil {
			t.Errorf("the request in flight: %v", err)
			answer <- 0
			return
		}
		res.Body.Close()
		answer <- res.StatusCode
	}()
	<-entered
	cancel() // SIGTERM
	<-stopping
	waitRefused(t, base)
	select {
	case err := <-done:
		t.Fatalf("returned with a request in flight: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	if got := ev.get(); len(got) != 0 {
		t.Fatalf("before the request finished: %v", got)
	}
	close(release)
	if code := <-answer; code != http.StatusOK {
		t.Fatalf("the request in flight got %d", code)
	}
	if err := <-done; err != nil {
		t.Fatalf("runServer: %v", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	want := []string{"request done", "worker told to stop", "worker done"}
	if got := ev.get(); !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

// waitRefused waits until base no longer accepts connections.
func waitRefused(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", base[len("http://"):], time.Second)
		if err != nil {
			return
		}
		c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the server still accepts connections after the stop began")
}

// A worker that fails is logged, not lost, and the others keep running
// until the stop.
func TestWorkerErrorIsLogged(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var logs storetest.LogBuffer
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	failing := worker{"broken", func(context.Context) error { return io.ErrUnexpectedEOF }}
	steady := worker{"steady", func(ctx context.Context) error { close(ran); <-ctx.Done(); return nil }}
	done := make(chan error, 1)
	go func() {
		done <- runServer(ctx, &http.Server{Handler: http.NotFoundHandler()}, ln, []worker{failing, steady},
			slog.New(slog.NewTextHandler(&logs, nil)), func() {})
	}()
	<-ran
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "worker=broken") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"level=ERROR", "worker=broken", "unexpected EOF"} {
		if !strings.Contains(logs.String(), want) {
			t.Fatalf("log lacks %q: %s", want, logs.String())
		}
	}
}
