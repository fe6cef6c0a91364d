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
