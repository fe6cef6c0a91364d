package store_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"dxready/firms"
	"dxready/store"
	"dxready/store/storetest"
)

// TestMemberNameFilterIsPartOfTheFoldedName: a member list filtered by part
// of a name shows exactly the members whose folded name contains the
// folded query, whether the store tests the search key alone (a query that
// cannot start in a legal form, firms.KeyHoldsSubstring) or the whole
// name; names open with zero to two legal forms, queries are pieces of
// them, cut anywhere, with or without marks, and junk.
func TestMemberNameFilterIsPartOfTheFoldedName(t *testing.T) {
	s, fx := storetest.Open(t)
	rng := rand.New(rand.NewPCG(14, 3))
	forms := []string{"Công ty TNHH", "Công ty Cổ phần", "Chi nhánh", "Hợp tác xã", "Doanh nghiệp tư nhân", ""}
	var fs []*firms.Firm
	var names []string
	for i := range 120 {
		name := strings.TrimSpace(forms[rng.IntN(len(forms))] + " " + forms[rng.IntN(len(forms))] + " " + randomName(rng)[len("Công ty TNHH "):])
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(740000000+i*10), name
		fs, names = append(fs, &f), append(names, name)
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
	queries := []string{"tnhh go", "ty tnhh", "nh go", "go", "Gỗ Đức", "an", "x½", "%", "_", "cp", "phan go", "xa an", "c&c"}
	for range 150 {
		folded := firms.Fold(names[rng.IntN(len(names))])
		i := rng.IntN(len(folded))
		queries = append(queries, folded[i:i+1+rng.IntN(min(12, len(folded)-i))])
	}
	all, _, err := s.FindMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID})
	if err != nil || len(all) < len(ids) {
		t.Fatalf("%d members: %v", len(all), err)
	}
	keyOnly := 0
	for _, q := range queries {
		if strings.Trim(strings.TrimSpace(q), "0123456789") == "" {
			continue // the start of a tax code
		}
		var want []int64
		for _, m := range all {
			if strings.Contains(firms.Fold(m.Name), firms.Fold(q)) {
				want = append(want, m.FirmID)
			}
		}
		slices.Sort(want)
		// Each query in some order, its pages read by id (few matches) and
		// by walking the order's index: the same members in the same order.
		f := store.MemberFilter{AssociationID: fx.Wood.ID, Query: q, Limit: 25,
			Sort: store.MemberSorts[rng.IntN(len(store.MemberSorts))], Desc: rng.IntN(2) == 0}
		byID := memberFilterPages(t, s, f, len(want))
		restore := store.SetFewMembers(0)
		walked := memberFilterPages(t, s, f, len(want))
		restore()
		if !slices.Equal(byID, walked) {
			t.Fatalf("%q %s: by id %v, walked %v", q, f.Sort, byID, walked)
		}
		got := slices.Sorted(slices.Values(byID))
		if !slices.Equal(got, want) {
			t.Fatalf("%q: members %v, want %v", q, got, want)
		}
		if firms.KeyHoldsSubstring(firms.Fold(q)) && len(want) > 0 {
			keyOnly++
		}
	}
	if keyOnly < 20 {
		t.Errorf("only %d queries with matches were tested on the search key alone", keyOnly)
	}
}

// memberFilterPages reads every page of f's list, forward, and returns its
// members' ids in order; each page's count must be n.
func memberFilterPages(t *testing.T, s *store.Store, f store.MemberFilter, n int) []int64 {
	t.Helper()
	var got []int64
	for {
		p, err := s.PageMembers(ctx, f)
		if err != nil {
			t.Fatalf("%q: %v", f.Query, err)
		}
		if p.Count.N != n || p.Count.More {
			t.Fatalf("%q: count %+v, want %d", f.Query, p.Count, n)
		}
		if got = append(got, memberIDs(p.Members)...); len(got) > n {
			t.Fatalf("%q: pages hold %d members, more than the %d that match", f.Query, len(got), n)
		}
		if f.Cursor = p.Next; f.Cursor == "" {
			return got
		}
	}
}
