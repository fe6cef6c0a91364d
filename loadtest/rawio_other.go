//go:build !linux

package loadtest

import (
	"io"
	"net"
)

// wireIO is conn itself off Linux (rawio_linux.go says why Linux differs).
func wireIO(conn net.Conn) io.ReadWriter { return conn }
