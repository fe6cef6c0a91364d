//go:build !race

package storetest

// RaceDetector is true when the tests run under the race detector (go test
// -race). See Iterations.
const RaceDetector = false
