package store_test

import (
	"encoding/base64"
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"dxready/store"
	"dxready/store/storetest"
)

// TestMemberCursorsCannotLeaveTheirList: a cursor names a position (sort
// key values), never rows to show. Taken from another association's list,
// from the same order under another filter, or left pointing at a member
// who has since left, it only moves the list it is used in: every member
// shown belongs to that list, and paging on from it misses nobody after
// that position and repeats nobody. Cursors from before member_keys (a
// quarter as text) no longer decode.
func TestMemberCursorsCannotLeaveTheirList(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	rng := rand.New(rand.NewPCG(20, 20))
	randomMembers(t, s, fx, in, rng, 40) // wood: 40 more members
	db := openRaw(t, s)
	logistics := func() map[int64]bool { // read beside the store, which is under test
		m := map[int64]bool{}
		for _, r := range rowsText(t, db, "SELECT firm_id FROM firm_associations WHERE association_id = "+strconv.FormatInt(fx.Logistics.ID, 10)) {
			id, _ := strconv.ParseInt(r, 10, 64)
			m[id] = true
		}
		if len(m) == 0 {
			t.Fatal("logistics has no members")
		}
		return m
	}
	for _, sort := range store.MemberSorts {
		for _, desc := range []bool{false, true} {
			// A lead of logistics pastes a cursor from the middle of wood's list.
			wood, err := s.PageMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Sort: sort, Desc: desc, Limit: 7})
			if err != nil || wood.Next == "" {
				t.Fatalf("%s: wood's first page: %v (next %q)", sort, err, wood.Next)
			}
			got, err := s.PageMembers(ctx, store.MemberFilter{AssociationID: fx.Logistics.ID, Sort: sort, Desc: desc, Cursor: wood.Next})
			if err != nil {
				t.Fatalf("%s: wood's cursor in logistics: %v", sort, err)
			}
			own := logistics()
			for _, m := range got.Members {
				if !own[m.FirmID] {
					t.Errorf("%s desc=%v: wood's cursor showed firm %d, not a member of logistics", sort, desc, m.FirmID)
				}
			}
			// The same order under a filter: the cursor is only a position.
			sub, err := s.PageMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Sort: sort, Desc: desc, Status: store.MemberSubmitted, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			if sub.Next != "" {
				all, err := s.PageMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Sort: sort, Desc: desc, Cursor: sub.Next, Limit: 200})
				if err != nil {
					t.Fatalf("%s: a filtered list's cursor unfiltered: %v", sort, err)
				}
				if len(all.Members) == 0 {
					t.Errorf("%s: nothing after a filtered list's position", sort)
				}
			}
		}
	}
	// A cursor whose member has left: the list goes on after its position.
	f := store.MemberFilter{AssociationID: fx.Wood.ID, Sort: "score", Desc: true, Limit: 5}
	first, err := s.PageMembers(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	gone := first.Members[len(first.Members)-1].FirmID
	var before []int64
	if err := s.EachMember(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Sort: "score", Desc: true}, func(m store.Member) error {
		before = append(before, m.FirmID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DELETE FROM firm_associations WHERE association_id = ? AND firm_id = ?", fx.Wood.ID, gone); err != nil {
		t.Fatal(err)
	}
	f.Cursor, f.Limit = first.Next, 200
	rest, err := s.PageMembers(ctx, f)
	if err != nil {
		t.Fatalf("cursor of a member who left: %v", err)
	}
	want := before[slices.Index(before, gone)+1:]
	if got := memberIDs(rest.Members); !slices.Equal(got, want) {
		t.Errorf("after a member who left: got %v, want %v", got, want)
	}
	// Before member_keys, the date order's cursor held its quarter as text.
	old := base64.RawURLEncoding.EncodeToString([]byte(`["members:submitted:asc",false,[0,"20264","","go",1]]`))
	if _, err := s.PageMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Sort: "submitted", Cursor: old}); !errors.Is(err, store.ErrBadCursor) {
		t.Errorf("an old date cursor: err = %v, want ErrBadCursor", err)
	}
}
