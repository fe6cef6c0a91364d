package loadtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// A failed action is counted and its error kept to print, each text once
// and at most maxErrs of them, so a run that failed says why.
func TestRunKeepsTheFirstDistinctErrors(t *testing.T) {
	lt := &loadTest{duration: 5 * time.Minute, maxReq: 40}
	n := 0
	fail := func(context.Context, *loadClient, *rand.Rand, func(string, time.Duration, bool)) error {
		n++
		if n%2 == 0 {
			return nil
		}
		return fmt.Errorf("load: step %d: status 409", n%(2*maxErrs+4))
	}
	p := lt.run(context.Background(), []*loadClient{{}}, fail)
	if got := len(p.samples["error"]); got != 20 {
		t.Fatalf("%d errors counted, want 20", got)
	}
	if len(p.errs) != maxErrs || p.errs[0] != "load: step 1: status 409" || len(slices.Compact(slices.Sorted(slices.Values(p.errs)))) != maxErrs {
		t.Fatalf("kept %q, want the first %d distinct", p.errs, maxErrs)
	}
}
