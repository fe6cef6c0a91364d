package store_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"dxready/firms"
	"dxready/store"
	"dxready/store/storetest"
)

// windowFirms registers n firms with names of a few short words (so that
// one and two letters match some and not others), each given the ward of
// one fixture firm and the size of another, and a member of the wood
// association (half) and of logistics (a fifth).
func windowFirms(t *testing.T, s *store.Store, fx *storetest.Fixtures, rng *rand.Rand, n int) {
	t.Helper()
	words := []string{"An", "Bình", "Cường", "Gỗ", "Nga", "Trang", "Ông", "Xuân", "Đức", "Hà"}
	forms := []string{"Công ty TNHH ", "Công ty Cổ phần ", "Doanh nghiệp tư nhân ", ""}
	tmpl := []*firms.Firm{fx.GoDuc, fx.NoiThat, fx.Kho}
	var fs []*firms.Firm
	for i := range n {
		f := *tmpl[rng.IntN(len(tmpl))]
		sz := tmpl[rng.IntN(len(tmpl))]
		f.Size, f.SizeClass = sz.Size, sz.SizeClass
		name := forms[rng.IntN(len(forms))]
		for j := range 1 + rng.IntN(3) {
			if j > 0 {
				name += " "
			}
			name += words[rng.IntN(len(words))]
		}
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(380000000+i*10), name
		fs = append(fs, &f)
	}
	if err := s.CreateFirms(ctx, fs); err != nil {
		t.Fatal(err)
	}
	var wood, logistics []int64
	for _, f := range fs {
		if rng.IntN(2) == 0 {
			wood = append(wood, f.ID)
		}
		if rng.IntN(5) == 0 {
			logistics = append(logistics, f.ID)
		}
	}
	if err := s.AddMemberships(ctx, fx.Wood.ID, wood); err != nil {
		t.Fatal(err)
	}
	if err := s.AddMemberships(ctx, fx.Logistics.ID, logistics); err != nil {
		t.Fatal(err)
	}
}

// fullSearch is f's whole result by the unbounded search (no window),
// following its next links.
func fullSearch(t *testing.T, s *store.Store, f store.FirmFilter) ([]int64, store.Count) {
	t.Helper()
	defer store.SetFirmWindow(0)()
	var ids []int64
	f.Limit, f.Cursor = 200, ""
	var count store.Count
	for steps := 0; ; steps++ {
		p, err := s.SearchFirms(ctx, f)
		if err != nil || steps > 1000 {
			t.Fatalf("%+v: %v", f, err)
		}
		if steps == 0 {
			count = p.Count
		}
		ids = append(ids, firmIDs(p.Firms)...)
		if f.Cursor = p.Next; f.Cursor == "" {
			return ids, count
		}
	}
}

// TestFirmWindowAgreesWithTheFullSearch: for random filters (one or two
// letters, words, a tax code's start, with or without an association, a
// ward, a size), random windows (1..1000) and page sizes, the windowed
// search's pages, followed by every next and prev link they show
// ("search further" included), are each a run of the full search's result
// with nothing skipped inside; the next links from the first page give
// the full result in order, no firm twice and none missing; and a count
// not said to be of the window only is the full one.
func TestFirmWindowAgreesWithTheFullSearch(t *testing.T) {
	s, fx := storetest.Open(t)
	rng := rand.New(rand.NewPCG(14, 2))
	windowFirms(t, s, fx, rng, 400)
	tax := string(storetest.TaxCodeFrom(380000000))[:5]
	queries := []string{"", "", "a", "n", "ng", "an", "g", "go", "ong", "cuong tr", "zz", tax, "3"}
	assocs := []int64{0, 0, fx.Wood.ID, fx.Logistics.ID}
	wards := []string{"", "", fx.GoDuc.WardCode, fx.Kho.WardCode}
	sizes := []firms.SizeClass{"", "", fx.GoDuc.SizeClass, fx.NoiThat.SizeClass}
	stopped, countedWithin := 0, 0
	for i := range storetest.Iterations(120) {
		f := store.FirmFilter{Query: queries[rng.IntN(len(queries))], AssociationID: assocs[rng.IntN(len(assocs))],
			WardCode: wards[rng.IntN(len(wards))], SizeClass: sizes[rng.IntN(len(sizes))]}
		full, count := fullSearch(t, s, f)
		w, few := 1+rng.IntN(1000), []int{0, 20, 2000}[rng.IntN(3)]
		if i%3 == 0 {
			w = 1 + rng.IntN(30)
		}
		f.Limit = 1 + rng.IntN(10)
		name := fmt.Sprintf("%+v window %d few %d", f, w, few)
		members := []int{-1, 0, 1}[rng.IntN(3)] // the size's or ward's firms, the counters' choice, the association's members
		name += fmt.Sprintf(" members %d", members)
		restoreW, restoreF, restoreM := store.SetFirmWindow(w), store.SetFewFirms(few), store.SetMemberWalk(members)
		stops, within := checkWindowed(t, s, f, full, count, name)
		stopped, countedWithin = stopped+stops, countedWithin+within
		restoreW()
		restoreF()
		restoreM()
	}
	if stopped < storetest.Iterations(50) || countedWithin < storetest.Iterations(20) {
		t.Fatalf("%d pages stopped at their window, %d counts were of a window: the test does not reach the window", stopped, countedWithin)
	}
	t.Logf("%d pages stopped at their window, %d counts of a window", stopped, countedWithin)
}

// checkWindowed follows every link of f's windowed pages from its first
// (checkWindowed's doc: TestFirmWindowAgreesWithTheFullSearch).
// It returns how many pages stopped at the window, and how many counts.
func checkWindowed(t *testing.T, s *store.Store, f store.FirmFilter, full []int64, count store.Count, name string) (stopped, within int) {
	t.Helper()
	at := map[int64]int{}
	for i, id := range full {
		at[id] = i
	}
	seen, queue, fwd := map[int64]bool{}, []string{""}, []int64{}
	visited := map[string]bool{"": true}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 5000 {
			t.Fatalf("%s: more than 5,000 pages", name)
		}
		g := f
		g.Cursor, queue = queue[0], queue[1:]
		p, err := s.SearchFirms(ctx, g)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ids := firmIDs(p.Firms)
		if p.Searched > 0 {
			stopped++
		}
		if p.CountedWithin > 0 {
			within++
		}
		for j, id := range ids {
			if i, ok := at[id]; !ok || (j > 0 && i != at[ids[j-1]]+1) {
				t.Fatalf("%s, cursor %q: page %v is not a run of the full result %v", name, g.Cursor, ids, full)
			}
			seen[id] = true
		}
		if g.Cursor == "" && p.CountedWithin == 0 && p.Count != count {
			t.Fatalf("%s: count %+v, the full search's %+v", name, p.Count, count)
		}
		if p.CountedWithin > 0 && (p.Count.N > count.N || p.Count.More) {
			t.Fatalf("%s: count within the window %+v, the full search's %+v", name, p.Count, count)
		}
		if len(ids) > f.Limit || (p.Searched == 0 && len(ids) < f.Limit && p.Next != "" && !p.Back) {
			t.Fatalf("%s: a page of %d rows (limit %d) searched %d with a next link", name, len(ids), f.Limit, p.Searched)
		}
		if len(ids) > 0 {
			adjacent(t, s, f, p, at, name)
		}
		for _, c := range []string{p.Prev, p.Next} {
			if c != "" && !visited[c] {
				visited[c] = true
				queue = append(queue, c)
			}
		}
	}
	for g, steps := f, 0; ; steps++ {
		p, err := s.SearchFirms(ctx, g)
		if err != nil || steps > 5000 {
			t.Fatalf("%s: page %d: %v", name, steps, err)
		}
		fwd = append(fwd, firmIDs(p.Firms)...)
		if g.Cursor = p.Next; g.Cursor == "" {
			break
		}
	}
	if !slices.Equal(fwd, full) || len(seen) != len(full) {
		t.Fatalf("%s:\nnext links give %v\nlinks meet %d firms\nfull result %v", name, fwd, len(seen), full)
	}
	return stopped, within
}

// adjacent checks that p's links lead to the matches right next to it:
// the page before ends with the match just before p's first row (unless
// it is the list's first page, shown whole when the way back reached the
// start), the page after starts with the one just after p's last row;
// either may have found none within its window.
func adjacent(t *testing.T, s *store.Store, f store.FirmFilter, p store.FirmPage, at map[int64]int, name string) {
	t.Helper()
	first, last := at[p.Firms[0].ID], at[p.Firms[len(p.Firms)-1].ID]
	for _, c := range []string{p.Prev, p.Next} {
		if c == "" {
			continue
		}
		g := f
		g.Cursor = c
		q, err := s.SearchFirms(ctx, g)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(q.Firms) == 0 {
			continue
		}
		qFirst, qLast := at[q.Firms[0].ID], at[q.Firms[len(q.Firms)-1].ID]
		if c == p.Prev && qLast != first-1 && (qFirst != 0 || q.Prev != "") {
			t.Fatalf("%s: the page before the one at %d ends at %d", name, first, qLast)
		}
		if c == p.Next && qFirst != last+1 {
			t.Fatalf("%s: the page after the one ending at %d starts at %d", name, last, qFirst)
		}
	}
}

// TestFirmWalkSeeksTheFiltersIndex: a windowed page is one seek from its
// cursor in the index of the filter's list, read in name order (no sort
// of the list; with an association and a ward or size, the ward's or
// size's, each firm's membership one lookup of member_keys' primary key
// of the list; SQLite shows a seek of (search_key, id) > (?, ?) in firms'
// indexes, whose last column is the rowid, as search_key>?): an association's members, a ward's and size's firms, a
// ward's, a size's, the registry's; either way from the cursor.
func TestFirmWalkSeeksTheFiltersIndex(t *testing.T) {
	s, fx := storetest.Open(t)
	for _, tc := range []struct {
		f       store.FirmFilter
		want    string
		members int // store.SetMemberWalk's mode: the association's members (1) or the size's firms (-1)
	}{
		{store.FirmFilter{Query: "a", AssociationID: fx.Wood.ID},
			"SEARCH m USING COVERING INDEX member_keys_name_idx (association_id=? AND (search_key,firm_id)>(?,?))", 0},
		{store.FirmFilter{Query: "a", AssociationID: fx.Wood.ID, SizeClass: "micro"},
			"SEARCH f USING COVERING INDEX firms_size_idx (size_class=? AND search_key>?)\nCORRELATED SCALAR SUBQUERY 1\nSEARCH k USING PRIMARY KEY (association_id=? AND firm_id=?)", -1},
		{store.FirmFilter{Query: "a", AssociationID: fx.Wood.ID, SizeClass: "micro"},
			"SEARCH m USING COVERING INDEX member_keys_name_idx (association_id=? AND (search_key,firm_id)>(?,?))\nSEARCH f USING INTEGER PRIMARY KEY (rowid=?)", 1},
		{store.FirmFilter{Query: "a", WardCode: "25760", SizeClass: "micro"}, "SEARCH f USING COVERING INDEX firms_ward_size_idx (ward_code=? AND size_class=? AND search_key>?)", 0},
		{store.FirmFilter{Query: "a", WardCode: "25760"}, "SEARCH f USING COVERING INDEX firms_ward_idx (ward_code=? AND search_key>?)", 0},
		{store.FirmFilter{Query: "a", SizeClass: "micro"}, "SEARCH f USING COVERING INDEX firms_size_idx (size_class=? AND search_key>?)", 0},
		{store.FirmFilter{Query: "a"}, "SEARCH f USING COVERING INDEX firms_name_idx (search_key>?)", 0},
	} {
		restore := store.SetMemberWalk(tc.members)
		for _, back := range []bool{false, true} {
			plan, err := store.FirmWalkPlan(s, tc.f, "b", 7, back)
			want := tc.want
			if back {
				want = strings.ReplaceAll(strings.ReplaceAll(want, ")>(", ")<("), "search_key>?", "search_key<?")
			}
			if err != nil || !strings.Contains(plan, want) || strings.Contains(plan, "TEMP B-TREE") {
				t.Errorf("%+v back %v: plan\n%s(%v), want %q and no sort", tc.f, back, plan, err, want)
			}
		}
		restore()
	}
}

// TestAdminSearchWalksTheSmallerList: an admin search with an association
// and a size walks the association's members when they cost less than the
// size's window (members × ScatteredRow < the size's firms, at most the
// window), as the counters say after firms are registered and members
// added; without a ward or a size, or without an association, it never
// does.
func TestAdminSearchWalksTheSmallerList(t *testing.T) {
	s, fx := storetest.Open(t)
	var fs []*firms.Firm
	for i := range 100 {
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(390000000+i*10), fmt.Sprintf("Công ty Bình An %d", i)
		fs = append(fs, &f)
	}
	if err := s.CreateFirms(ctx, fs); err != nil {
		t.Fatal(err)
	}
	counts := func() (members, list int) {
		c, err := s.RegistryCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return c[fmt.Sprintf("a:%d", fx.Wood.ID)], c["z:"+string(fx.NoiThat.SizeClass)]
	}
	members, list := counts()
	if members == 0 || members*store.ScatteredRow >= list {
		t.Fatalf("%d members, %d firms of the size: the test needs the members to be the cheaper walk", members, list)
	}
	f := store.FirmFilter{Query: "a", AssociationID: fx.Wood.ID, SizeClass: fx.NoiThat.SizeClass}
	walk := func(window int) bool {
		t.Helper()
		defer store.SetFirmWindow(window)()
		got, err := store.WalkMembers(s, f)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if !walk(0) || !walk(members*store.ScatteredRow+1) {
		t.Errorf("%d members against %d firms of the size: the size's firms walked", members, list)
	}
	if walk(members * store.ScatteredRow) {
		t.Errorf("%d members against a window of %d: the members walked", members, members*store.ScatteredRow)
	}
	var more []int64
	for _, g := range fs[:list/store.ScatteredRow] {
		more = append(more, g.ID)
	}
	if err := s.AddMemberships(ctx, fx.Wood.ID, more); err != nil {
		t.Fatal(err)
	}
	if members, list = counts(); walk(0) {
		t.Errorf("%d members against %d firms of the size: the members walked", members, list)
	}
	for _, g := range []store.FirmFilter{{Query: "a", AssociationID: fx.Wood.ID}, {Query: "a", SizeClass: fx.NoiThat.SizeClass}} {
		defer store.SetMemberWalk(1)()
		if got, err := store.WalkMembers(s, g); err != nil || got {
			t.Errorf("%+v: walk members %v (%v), want the filter's own walk", g, got, err)
		}
	}
}
