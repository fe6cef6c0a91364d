package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"
)

// keepAliveServer answers every request on a connection with 204, except
// a request for /hang, which it never answers; it allocates nothing per
// request, so testing.AllocsPerRun counts the client's.
func keepAliveServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				br := bufio.NewReader(conn)
				for {
					first, err := br.ReadSlice('\n')
					if err != nil {
						return
					}
					hang := bytes.HasPrefix(first, []byte("GET /hang "))
					for { // the headers, up to the empty line (GETs: no body)
						line, err := br.ReadSlice('\n')
						if err != nil {
							return
						}
						if len(line) <= 2 {
							break
						}
					}
					if hang {
						continue
					}
					if _, err := conn.Write([]byte("HTTP/1.1 204 No Content\r\n\r\n")); err != nil {
						return
					}
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// A kept connection watches the context its requests are sent under once,
// not per request (context.AfterFunc and its stop were a tenth of the
// tool's work); a context that ended does not touch the requests of the
// next one on the same connection, even when its wake-up runs late; and
// a context that ends mid-request still stops it at once.
func TestWireWatchesEachContextOnce(t *testing.T) {
	c := newWireClient(keepAliveServer(t))
	defer c.close()
	get := func(ctx context.Context, path string) error {
		res, err := c.roundTrip(ctx, &request{method: http.MethodGet, target: path}, nil)
		if err == nil && res.status != http.StatusNoContent {
			err = errors.New("not 204")
		}
		return err
	}
	run, cancelRun := context.WithCancel(context.Background())
	defer cancelRun()
	if err := get(run, "/"); err != nil {
		t.Fatal(err)
	}
	conn := c.conn
	allocs := testing.AllocsPerRun(200, func() {
		if err := get(run, "/"); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 1 || c.conn != conn || c.watch.done != run.Done() {
		t.Fatalf("a request on a kept connection under the same context: %.1f allocations (want at most 1), conn kept %v, watching it %v", allocs, c.conn == conn, c.watch.done == run.Done())
	}
	for i := range 300 { // each context ends right after its request: its wake-up races the next request
		ctx, cancel := context.WithCancel(context.Background())
		err := get(ctx, "/")
		cancel()
		if err != nil {
			t.Fatalf("request %d, under a new context after the last one ended: %v", i, err)
		}
	}
	if c.conn != conn {
		t.Fatal("the connection was not kept across contexts")
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if err := get(ctx, "/hang"); !errors.Is(err, context.Canceled) {
		t.Fatalf("a request whose context ended in flight: %v, want context.Canceled", err)
	}
	if err := get(ctx, "/"); !errors.Is(err, context.Canceled) {
		t.Fatalf("a request under an ended context: %v, want context.Canceled", err)
	}
	if err := get(run, "/"); err != nil {
		t.Fatalf("the run's context, on a new connection: %v", err)
	}
}
