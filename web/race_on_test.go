//go:build race

package web

// raceDetector is true when the tests run under the race detector (go test
// -race). See iterations.
const raceDetector = true
