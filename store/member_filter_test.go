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
// name, and whether it reads the candidates of the trigram index
// (migration 0029) or walks the list; names open with zero to two legal
// forms, queries are pieces of them, cut anywhere, with or without marks,
// and junk. Each query's pages are read in a random order and status,
// four ways (trigram candidates or the walk, matches by id or the order's
// index), from the start and from a cursor of another way.
func TestMemberNameFilterIsPartOfTheFoldedName(t *testing.T) {
	s, fx := storetest.Open(t)
	rng := rand.New(rand.NewPCG(14, 3))
	names, ids := filterFirms(t, s, fx, rng, 140)
	queries := []string{"tnhh go", "ty tnhh", "nh go", "go", "Gỗ Đức", "an", "x½", "%", "_", "cp", "phan go", "xa an", "c&c",
		"g", "đ", "gô", "ĐỨC", "\"quote\"", "'", "%_%", "go%", "a_n", "\\", "*", "NEAR(", "go AND duc", "\"go\" OR", "x\x00y",
		strings.Repeat("gỗ đức ", 430), strings.Repeat("a", 3000), "  Gỗ   Đức  "}
	for range storetest.Iterations(150) {
		folded := firms.Fold(names[rng.IntN(len(names))])
		i := rng.IntN(len(folded))
		queries = append(queries, folded[i:i+1+rng.IntN(min(12, len(folded)-i))])
	}
	all, _, err := s.FindMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID})
	if err != nil || len(all) < len(ids) {
		t.Fatalf("%d members: %v", len(all), err)
	}
	keyOnly, byGrams := 0, 0
	for _, q := range queries {
		if strings.Trim(strings.TrimSpace(q), "0123456789") == "" {
			continue // the start of a tax code
		}
		f := store.MemberFilter{AssociationID: fx.Wood.ID, Query: q, Limit: 1 + rng.IntN(25),
			Sort: store.MemberSorts[rng.IntN(len(store.MemberSorts))], Desc: rng.IntN(2) == 0}
		if rng.IntN(3) == 0 {
			f.Status = []string{store.MemberNotStarted, store.MemberDraft, store.MemberSubmitted}[rng.IntN(3)]
		}
		var want []int64
		for _, m := range all {
			if strings.Contains(firms.Fold(m.Name), firms.Fold(q)) && (f.Status == "" || m.Status == f.Status) {
				want = append(want, m.FirmID)
			}
		}
		slices.Sort(want)
		got := filterFourWays(t, s, f, len(want))
		if !slices.Equal(slices.Sorted(slices.Values(got)), want) {
			t.Fatalf("%q: members %v, want %v", q, got, want)
		}
		if len(want) > 0 && firms.KeyHoldsSubstring(firms.Fold(q)) {
			keyOnly++
		}
		if ok, err := store.GramAnswers(s, f); err != nil {
			t.Fatalf("%q: %v", q, err)
		} else if ok && len(want) > 0 {
			byGrams++
		}
	}
	if keyOnly < storetest.Iterations(20) || byGrams < storetest.Iterations(40) {
		t.Errorf("only %d queries with matches were tested on the search key alone, %d answered from the trigram index", keyOnly, byGrams)
	}
}

// filterFirms registers n firms of random names that open with zero to two
// legal forms, members of wood, and returns their names and ids.
func filterFirms(t *testing.T, s *store.Store, fx *storetest.Fixtures, rng *rand.Rand, n int) ([]string, []int64) {
	t.Helper()
	forms := []string{"Công ty TNHH", "Công ty Cổ phần", "Chi nhánh", "Hợp tác xã", "Doanh nghiệp tư nhân", ""}
	var fs []*firms.Firm
	var names []string
	for i := range n {
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
	return names, ids
}

// filterFourWays reads every page of f's list four ways (the trigram
// index's candidates or the walk, each with the matches paged by id and by
// the order's index), from the start, and from the second page's cursor
// of each way read by another; all must be equal. It returns the ids.
func filterFourWays(t *testing.T, s *store.Store, f store.MemberFilter, n int) []int64 {
	t.Helper()
	ways := []struct{ grams, few int }{{store.CountCap, 2000}, {store.CountCap, 0}, {0, 2000}, {0, 0}}
	var lists [][]int64
	var seconds []string
	for _, w := range ways {
		restore, restoreFew := store.SetGramCandidates(w.grams), store.SetFewMembers(w.few)
		got, second := memberFilterPagesFrom(t, s, f, n)
		restore()
		restoreFew()
		if len(lists) > 0 && !slices.Equal(got, lists[0]) {
			t.Fatalf("%q %s: by %+v %v, by %+v %v", f.Query, f.Sort, w, got, ways[0], lists[0])
		}
		lists, seconds = append(lists, got), append(seconds, second)
	}
	for i, w := range ways {
		if seconds[i] == "" {
			continue
		}
		g := f
		g.Cursor = seconds[(i+1)%len(ways)]
		restore, restoreFew := store.SetGramCandidates(w.grams), store.SetFewMembers(w.few)
		rest, _ := memberFilterPagesFrom(t, s, g, n)
		restore()
		restoreFew()
		if first := lists[0]; !slices.Equal(rest, first[len(first)-len(rest):]) || len(rest) != len(first)-f.Limit {
			t.Fatalf("%q by %+v from another way's cursor: %v, want the end of %v", f.Query, w, rest, first)
		}
	}
	return lists[0]
}

// memberFilterPages reads every page of f's list, forward, and returns its
// members' ids in order; each page's count must be n.
func memberFilterPages(t *testing.T, s *store.Store, f store.MemberFilter, n int) []int64 {
	t.Helper()
	got, _ := memberFilterPagesFrom(t, s, f, n)
	return got
}

// memberFilterPagesFrom reads f's list from f.Cursor on, forward, and
// returns its members' ids in order and the cursor of its second page;
// each page's count must be n.
func memberFilterPagesFrom(t *testing.T, s *store.Store, f store.MemberFilter, n int) ([]int64, string) {
	t.Helper()
	var got []int64
	second := ""
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
		if second == "" {
			second = p.Next
		}
		if f.Cursor = p.Next; f.Cursor == "" {
			return got, second
		}
	}
}
