package store_test

import (
	"math/rand/v2"
	"testing"

	"dxready/store"
	"dxready/store/storetest"
)

// A tax code's start with no filter is counted by the tax code's own
// index, exactly, not among the first firms of a window (found by a
// review: with more matches than fewFirms, it was walked along the name
// index with the window, and counted only there).
func TestTaxCodeAloneIsCountedExactly(t *testing.T) {
	s, fx := storetest.Open(t)
	windowFirms(t, s, fx, rand.New(rand.NewPCG(1, 2)), 400)
	f := store.FirmFilter{Query: "38", Limit: 10}
	full, count := fullSearch(t, s, f)
	defer store.SetFewFirms(20)()    // as 2,000 of 1,000,000
	defer store.SetFirmWindow(100)() // as 20,000
	p, err := s.SearchFirms(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("full: %d matches, count %+v; windowed first page: count %+v, CountedWithin %d, Searched %d, rows %d",
		len(full), count, p.Count, p.CountedWithin, p.Searched, len(p.Firms))
	if p.CountedWithin != 0 || p.Count != count {
		t.Fatalf("a tax-code prefix with no filter: count %+v of the first %d firms only, the tax index gives %+v", p.Count, p.CountedWithin, count)
	}
}

// A tax code's start with no filter: its first page is full, never a short
// page stopped at a window with "search further".
func TestTaxCodeAloneFillsItsPage(t *testing.T) {
	s, fx := storetest.Open(t)
	windowFirms(t, s, fx, rand.New(rand.NewPCG(1, 2)), 400)
	f := store.FirmFilter{Query: "380000", Limit: 40}
	full, count := fullSearch(t, s, f)
	defer store.SetFewFirms(20)()
	defer store.SetFirmWindow(100)()
	p, err := s.SearchFirms(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("full: %d matches, count %+v; windowed first page: %d rows, Searched %d, count %+v within %d", len(full), count, len(p.Firms), p.Searched, p.Count, p.CountedWithin)
	if p.Searched > 0 || len(p.Firms) < min(f.Limit, len(full)) {
		t.Fatalf("a tax-code prefix with no filter: a first page of %d rows (limit %d, %d matches) that stopped at the window", len(p.Firms), f.Limit, len(full))
	}
}
