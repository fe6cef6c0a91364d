package store_test

import (
	"runtime/debug"
	"testing"

	"dxready/store"
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

// TestSampledCoversEveryValue: over the grid of
// TestAttack17MemberStatusWithOtherFilters (4 statuses, 4 queries, 5 cuts,
// the sorts, 2 directions), storetest.Sampled keeps every combination
// without the race detector, and under it about a quarter, among them
// every value of every dimension.
func TestSampledCoversEveryValue(t *testing.T) {
	dims := []int{4, 4, 5, len(store.MemberSorts), 2}
	kept, all := 0, 0
	seen := make([]map[int]bool, len(dims))
	for d := range dims {
		seen[d] = map[int]bool{}
	}
	var walk func(coords []int)
	walk = func(coords []int) {
		if len(coords) == len(dims) {
			all++
			if storetest.Sampled(coords...) {
				kept++
				for d, c := range coords {
					seen[d][c] = true
				}
			}
			return
		}
		for i := range dims[len(coords)] {
			walk(append(coords, i))
		}
	}
	walk(nil)
	want := all
	if storetest.RaceDetector {
		want = storetest.Iterations(all)
	}
	if kept < want || kept > want+all/20 {
		t.Fatalf("kept %d of %d combinations, want about %d (race detector %v)", kept, all, want, storetest.RaceDetector)
	}
	for d, n := range dims {
		if len(seen[d]) != n {
			t.Errorf("dimension %d: %d of its %d values kept", d, len(seen[d]), n)
		}
	}
}
