package store_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"dxready/store"
	"dxready/store/storetest"
)

// TestMemberStatusFilterPagesByIDAsByWalk: a status few members have is
// paged from its matches' ids (countMembers' probe of the status index),
// a common one by walking the order's index; both must show exactly the
// members FindMembers selects, in the same order, with the same count, in
// every order and direction, and a cursor taken from the unfiltered list
// pages on among the status's members only.
func TestMemberStatusFilterPagesByIDAsByWalk(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	randomMembers(t, s, fx, in, rand.New(rand.NewPCG(31, 7)), 60)
	for _, status := range []string{store.MemberNotStarted, store.MemberDraft, store.MemberSubmitted} {
		for _, sort := range store.MemberSorts {
			for _, desc := range []bool{false, true} {
				f := store.MemberFilter{AssociationID: fx.Wood.ID, Status: status, Sort: sort, Desc: desc, Limit: 4}
				whole := f
				whole.Limit = 0
				want, _, err := s.FindMembers(ctx, whole)
				if err != nil {
					t.Fatal(err)
				}
				if len(want) == 0 {
					t.Fatalf("%s: no member has this status; the test needs some", status)
				}
				byID := memberFilterPages(t, s, f, len(want))
				restore := store.SetFewMembers(0)
				walked := memberFilterPages(t, s, f, len(want))
				restore()
				if !slices.Equal(byID, walked) || !slices.Equal(byID, memberIDs(want)) {
					t.Fatalf("%s by %s desc=%v: by id %v, walked %v, want %v", status, sort, desc, byID, walked, memberIDs(want))
				}
				// A cursor from the middle of the unfiltered list only moves
				// the filtered one: it shows members of the status alone.
				all, err := s.PageMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Sort: sort, Desc: desc, Limit: 9})
				if err != nil || all.Next == "" {
					t.Fatalf("unfiltered first page: %v (next %q)", err, all.Next)
				}
				f.Cursor = all.Next
				p, err := s.PageMembers(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range p.Members {
					if !slices.Contains(byID, m.FirmID) {
						t.Fatalf("%s: an unfiltered cursor showed firm %d, which is not %s", status, m.FirmID, status)
					}
				}
			}
		}
	}
}
