package storetest

// raceIterationsDivisor is how many times fewer random cases a property
// test draws under the race detector.
const raceIterationsDivisor = 4

// Iterations is how many random cases (or how many of a test's coverage
// floor) a property test of store or web runs: n normally, a quarter of
// it (at least 1) under the race detector, which makes each case 5-8
// times slower. A quarter still runs every kind of case the full count
// does; CI runs the full n in its plain go test step and the race detector
// over the reduced count (.ci/run, docs/PERFORMANCE.md "Tests and CI").
// RaceDetector comes from race_on.go and race_off.go (build tag race).
func Iterations(n int) int {
	if RaceDetector {
		return max(1, n/raceIterationsDivisor)
	}
	return n
}

// Sampled says whether a test that checks every combination of a grid
// checks the one at indices coords (one index a dimension): always
// normally; under the race detector, as Iterations, about a quarter of
// them, those whose indices sum to a multiple of 4. Every value of every
// dimension is still checked when another dimension has 4 values or
// more, since that dimension's values then reach every sum
// (TestSampledCoversEveryValue).
func Sampled(coords ...int) bool {
	if !RaceDetector {
		return true
	}
	sum := 0
	for _, c := range coords {
		sum += c
	}
	return sum%raceIterationsDivisor == 0
}
