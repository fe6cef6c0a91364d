package store_test

import (
	"testing"

	"dxready/disclosure"
	"dxready/store"
)

// aggregate is snap.Aggregate(f), failing the test on an error.
func aggregate(t testing.TB, snap *store.Snapshot, f store.AggFilter) *store.Aggregate {
	t.Helper()
	a, err := snap.Aggregate(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// compare is snap.Compare(firmID, g), failing the test on an error.
func compare(t testing.TB, snap *store.Snapshot, firmID int64, g store.Group) disclosure.Figures {
	t.Helper()
	f, err := snap.Compare(ctx, firmID, g)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
