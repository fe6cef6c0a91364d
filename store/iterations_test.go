package store_test

import (
	"runtime/debug"
	"testing"

	"dxready/store/storetest"
)

// TestIterationsFullWithoutRaceDetector: storetest.RaceDetector says
// whether the binary was built with -race (the build tags of storetest's
// race_on.go and race_off.go), so the plain test run draws every random
// case and only a race-detector build draws a quarter (CI's race step runs
// this package, so both sides are checked).
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
	if storetest.RaceDetector != race {
		t.Fatalf("storetest.RaceDetector is %v in a binary built with -race=%v", storetest.RaceDetector, race)
	}
	want := 400
	if race {
		want = 100
	}
	if got := storetest.Iterations(400); got != want {
		t.Fatalf("storetest.Iterations(400) = %d with -race=%v, want %d", got, race, want)
	}
	if got := storetest.Iterations(3); got < 1 {
		t.Fatalf("storetest.Iterations(3) = %d: a test must draw at least one case", got)
	}
}
