package web

import (
	"runtime/debug"
	"testing"
)

// raceIterationsDivisor is how many times fewer random cases a property
// test draws under the race detector.
const raceIterationsDivisor = 4

// iterations is how many random cases a property test runs: n normally, a
// quarter of it (at least 1) under the race detector, which makes each
// case 5-8 times slower. A quarter still runs every kind of case
// (concurrent groups included) the full count does; CI runs the full n in
// its plain go test step and the race detector over the reduced count
// (.ci/run, docs/PERFORMANCE.md "Tests and CI").
func iterations(n int) int {
	if raceDetector {
		return max(1, n/raceIterationsDivisor)
	}
	return n
}

// TestIterationsFullWithoutRaceDetector: raceDetector says whether the
// binary was built with -race (the build tags of race_on_test.go and
// race_off_test.go), so the plain test run draws every random case and
// only a race-detector build draws a quarter.
func TestIterationsFullWithoutRaceDetector(t *testing.T) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("the test binary has no build information")
	}
	race := false
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			race = s.Value == "true"
		}
	}
	if raceDetector != race {
		t.Fatalf("raceDetector is %v in a binary built with -race=%v", raceDetector, race)
	}
	want := 400
	if race {
		want = 100
	}
	if got := iterations(400); got != want {
		t.Fatalf("iterations(400) = %d with -race=%v, want %d", got, race, want)
	}
	if got := iterations(3); got < 1 {
		t.Fatalf("iterations(3) = %d: a test must draw at least one case", got)
	}
}
