//go:build linux

package loadtest

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"testing"
	"time"
)

// tcpPair is a connected loopback TCP pair: the client's end and the
// server's.
func tcpPair(t *testing.T) (client, server *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return c.(*net.TCPConn), s.(*net.TCPConn)
}

// The client reads and writes a TCP connection with raw calls (and only
// a TCP one: anything else goes through the conn itself).
func TestWireIOIsRawOnTCP(t *testing.T) {
	c, _ := tcpPair(t)
	if _, ok := wireIO(c).(*rawIO); !ok {
		t.Fatalf("wireIO(TCP) = %T, want *rawIO", wireIO(c))
	}
	p, q := net.Pipe()
	defer p.Close()
	defer q.Close()
	if got := wireIO(p); got != io.ReadWriter(p) {
		t.Fatalf("wireIO(pipe) = %T, want the pipe itself", got)
	}
}

// Every byte goes across both ways, in order, also when a write fills the
// socket's buffers (the peer reads slowly) and a read gets what came in
// many pieces; the peer's close is io.EOF, an empty read reads nothing.
func TestRawIOMovesEveryByte(t *testing.T) {
	c, s := tcpPair(t)
	rw := wireIO(c)
	data := make([]byte, 6<<20)
	for i := range data {
		data[i] = byte(rand.Uint32())
	}
	got := make(chan []byte, 1)
	go func() {
		var b bytes.Buffer
		buf := make([]byte, 3000)
		for b.Len() < len(data) {
			n, err := s.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
			if b.Len() < 1<<20 {
				time.Sleep(time.Millisecond) // slow at first: the client's write meets a full buffer
			}
		}
		got <- b.Bytes()
		s.Write(data) // the answer: read back below in pieces
		s.Close()
	}()
	if n, err := rw.Write(data); err != nil || n != len(data) {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(data))
	}
	if b := <-got; !bytes.Equal(b, data) {
		t.Fatalf("the peer received %d bytes, not what was written", len(b))
	}
	if n, err := rw.Read(nil); n != 0 || err != nil {
		t.Fatalf("Read(nil) = %d, %v", n, err)
	}
	back, err := io.ReadAll(rw)
	if err != nil || !bytes.Equal(back, data) {
		t.Fatalf("read back %d bytes (%v), not what the peer sent", len(back), err)
	}
	if n, err := rw.Read(make([]byte, 10)); n != 0 || err != io.EOF {
		t.Fatalf("Read after the peer closed = %d, %v; want 0, EOF", n, err)
	}
}

// A deadline ends a read that waits; a reset is an error the client's
// retry tells from others (closedByServer); a closed connection fails.
func TestRawIOErrors(t *testing.T) {
	c, s := tcpPair(t)
	rw := wireIO(c)
	c.SetDeadline(time.Now().Add(20 * time.Millisecond))
	if _, err := rw.Read(make([]byte, 10)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read past its deadline: %v, want a deadline error", err)
	}
	c.SetDeadline(time.Time{})
	s.SetLinger(0)
	s.Close() // RST
	time.Sleep(20 * time.Millisecond)
	_, err := rw.Read(make([]byte, 10))
	if err == nil || !closedByServer(err) {
		t.Fatalf("Read after a reset: %v, want an error closedByServer tells", err)
	}
	c.Close()
	if _, err := rw.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Write on a closed connection: %v, want net.ErrClosed", err)
	}
	if _, err := rw.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Read on a closed connection: %v, want net.ErrClosed", err)
	}
}
