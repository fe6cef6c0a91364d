//go:build linux

package loadtest

import (
	"io"
	"net"
	"os"
	"syscall"
	"unsafe"
)

// rawIO reads and writes a client's connection with raw read(2) and
// write(2) calls, waiting in the runtime's network poller as net.Conn
// does (its deadlines hold). net.Conn's Read and Write enter each call as
// a blocking system call: the runtime marks the P as in a syscall and, the
// tool being idle most of the time, wakes its sysmon thread (a futex wake
// and a context switch) and may hand the P to another thread. On a
// non-blocking socket read and write never block, so the raw calls skip
// all that, for the same bytes on the wire: perf showed sysmon's sleeps and
// wake-ups at a tenth of the tool's CPU, and the tool's CPU per firm cycle
// went from 1.1-1.4 ms to 0.8-1.0 ms in the same sitting.
//
// A rawIO is one connection's, used by one goroutine at a time (the
// client's): the calls' buffer and results are its fields and their
// functions are made once, so a read or a write allocates nothing.
type rawIO struct {
	rc              syscall.RawConn
	p               []byte
	n               int
	errno           syscall.Errno
	readFn, writeFn func(fd uintptr) bool
}

// wireIO is what the client's bufio reader and writer use on conn: a
// rawIO for a TCP connection, conn itself for any other.
func wireIO(conn net.Conn) io.ReadWriter {
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return conn
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return conn // reads and writes through conn then say what is wrong
	}
	r := &rawIO{rc: rc}
	r.readFn, r.writeFn = r.read, r.write
	return r
}

// read is one read(2) into r.p: false (wait, then call again) while
// there is nothing to read.
func (r *rawIO) read(fd uintptr) bool {
	for {
		m, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&r.p[0])), uintptr(len(r.p)))
		if e == syscall.EINTR {
			continue
		}
		r.n, r.errno = int(m), e
		return e != syscall.EAGAIN
	}
}

// write writes the rest of r.p (after r.n): false (wait, then call
// again) while the socket's buffer is full.
func (r *rawIO) write(fd uintptr) bool {
	for r.n < len(r.p) {
		m, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&r.p[r.n])), uintptr(len(r.p)-r.n))
		switch e {
		case 0:
			r.n += int(m)
		case syscall.EINTR:
		case syscall.EAGAIN:
			return false
		default:
			r.errno = e
			return true
		}
	}
	return true
}

func (r *rawIO) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r.p, r.n, r.errno = p, 0, 0
	err := r.rc.Read(r.readFn)
	r.p = nil
	switch {
	case err != nil:
		return 0, err // the deadline, or a closed connection
	case r.errno != 0:
		return 0, os.NewSyscallError("read", r.errno)
	case r.n == 0:
		return 0, io.EOF
	}
	return r.n, nil
}

func (r *rawIO) Write(p []byte) (int, error) {
	r.p, r.n, r.errno = p, 0, 0
	err := r.rc.Write(r.writeFn)
	r.p = nil
	switch {
	case err != nil:
		return r.n, err
	case r.errno != 0:
		return r.n, os.NewSyscallError("write", r.errno)
	}
	return r.n, nil
}
