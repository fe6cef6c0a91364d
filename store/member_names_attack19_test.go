package store_test

import (
	"slices"
	"strings"
	"testing"

	"dxready/firms"
	"dxready/store"
	"dxready/store/storetest"
)

// ATTACK19: member names that hold LIKE's metacharacters (%, _, \), with
// and without a legal form, searched by pieces holding them, now that the
// pattern is built in SQL ('%' || ? || '%'): each query shows exactly the
// members whose folded name contains the folded query, every way the
// store can read it (filterFourWays), with the whole list in one window
// and with a window of three members (its pages followed by their
// "search further" links).
func TestAttack19MemberNameMetacharactersMatchThemselves(t *testing.T) {
	s, fx := storetest.Open(t)
	names := []string{"Công ty TNHH Gỗ 100% Việt", "Gỗ_Mới", `Hợp tác xã Gỗ\Tốt`, "Gỗ 100 Việt", "GoxMoi", `Chi nhánh ends \`, "Công ty Cổ phần 50%_off"}
	var fs []*firms.Firm
	for i, name := range names {
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(760000000+i*10), name
		fs = append(fs, &f)
	}
	if err := s.CreateFirms(ctx, fs); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, f := range fs {
		ids = append(ids, f.ID)
	}
	if err := s.AddMemberships(ctx, fx.Wood.ID, ids); err != nil {
		t.Fatal(err)
	}
	all, _, err := s.FindMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID})
	if err != nil {
		t.Fatal(err)
	}
	queries := []string{"%", "0%", "100%", "% v", "_", "o_m", "go_moi", `\`, `o\t`, `s \`, "%_", "0%_o", `\\`, `_\`, "x_",
		"ty tnhh go 100%", "tnhh go 100% v", "ty tnhh go 1%", "phan 50%_", "phan 50_", "tac xa go\\", "tac xa go%", "nhanh ends \\", "nhanh e_ds", "ng ty %"}
	for _, window := range []int{0, 3} {
		restore := store.SetMemberWindow(window)
		for _, q := range queries {
			var want []int64
			for _, m := range all {
				if strings.Contains(firms.Fold(m.Name), firms.Fold(q)) {
					want = append(want, m.FirmID)
				}
			}
			slices.Sort(want)
			f := store.MemberFilter{AssociationID: fx.Wood.ID, Query: q, Limit: 2}
			var got []int64
			if window == 0 {
				got = filterFourWays(t, s, f, len(want))
			} else {
				got = followNext(t, s, f) // a window's count is of its members only: the pages, by "search further"
			}
			if got := slices.Sorted(slices.Values(got)); !slices.Equal(got, want) {
				t.Errorf("window %d, %q: members %v, want %v", window, q, got, want)
			}
		}
		restore()
	}
}

// followNext reads f's pages forward by their Next links and returns the
// members' ids in order.
func followNext(t *testing.T, s *store.Store, f store.MemberFilter) []int64 {
	t.Helper()
	var ids []int64
	for steps := 0; ; steps++ {
		p, err := s.PageMembers(ctx, f)
		if err != nil || steps > 1000 {
			t.Fatalf("%q: %v after %d pages", f.Query, err, steps)
		}
		if ids = append(ids, memberIDs(p.Members)...); p.Next == "" {
			return ids
		}
		f.Cursor = p.Next
	}
}
