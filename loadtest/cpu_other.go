//go:build !unix

package loadtest

import (
	"errors"
	"time"
)

// selfCPU is not measured off Unix.
func selfCPU() (time.Duration, error) {
	return 0, errors.New("not measured on this system")
}
