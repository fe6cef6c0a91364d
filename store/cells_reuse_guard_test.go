package store

import (
	"context"
	"testing"
)

// A drained firm the note does not name was changed by something the note
// does not speak for (in a batch of submits, something that is not one):
// appendSubmitted then takes no firm from its kept inputs, not even those
// it names, and reads nothing (the transaction here is nil: a read would
// panic), so that every firm is read whole.
func TestAppendSubmittedTakesNothingWhenAFirmIsNotNamed(t *testing.T) {
	stored := map[int64][]byte{1: (&firmInputs{ID: 1}).encode(), 2: (&firmInputs{ID: 2}).encode()}
	note := &txNote{submitted: []int64{10}, submittedBy: map[int64][]int64{1: {10}}}
	got, err := (&Store{}).appendSubmitted(context.Background(), nil, []int64{1, 2}, stored, note)
	if got != nil || err != nil {
		t.Fatalf("appendSubmitted = %v, %v; want nothing taken", got, err)
	}
}
