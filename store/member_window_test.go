package store_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"dxready/firms"
	"dxready/store"
	"dxready/store/storetest"
)

// windowQueries are member-list filters for the window tests: one and two
// letters (which the trigram index cannot serve), rare and common longer
// parts, and none.
var windowQueries = []string{"z", "a", "g", "ng", "an", "đ", "go", "th", "phat", "cong", "xyz", "tnhh", "", "q", "oa"}

// TestMemberWindowAgreesWithTheFullWalk: with a window of a few members,
// a member list walked page by page, forward by its "search further"
// links and back by its previous links, lists exactly the full walk's
// members in order; a page the window did not stop (Searched 0) is the full
// walk's page from the same cursor, members, links and count alike; a
// page it stopped shows at most a page of matches and says it examined the
// window; a count it stopped is the matches among the list's first
// window members.
func TestMemberWindowAgreesWithTheFullWalk(t *testing.T) {
	s, fx := storetest.Open(t)
	rng := rand.New(rand.NewPCG(19, 7))
	filterFirms(t, s, fx, rng, 140)
	stopped, filled := 0, 0
	for i := range storetest.Iterations(120) {
		f := store.MemberFilter{AssociationID: fx.Wood.ID, Query: windowQueries[rng.IntN(len(windowQueries))], Limit: 1 + rng.IntN(12),
			Sort: store.MemberSorts[rng.IntN(len(store.MemberSorts))], Desc: rng.IntN(2) == 0}
		if rng.IntN(4) == 0 {
			f.Status = []string{store.MemberNotStarted, store.MemberDraft, store.MemberSubmitted}[rng.IntN(3)]
		}
		if f.Query == "" && f.Status == "" {
			f.Section = fx.NoiThat.Section
		}
		window := []int{1, 2, 3, 5, 8, 13, 40, 97, 1000}[rng.IntN(9)]
		if i%3 == 0 {
			store.SetGramCandidates(0) // 3+ letters walked too; restored below
		}
		st, fi := windowWalks(t, s, f, window)
		store.SetGramCandidates(store.CountCap)
		stopped, filled = stopped+st, filled+fi
	}
	if stopped < storetest.Iterations(100) || filled < storetest.Iterations(100) {
		t.Errorf("only %d pages stopped at the window and %d were filled within it", stopped, filled)
	}
}

// fullWalk reads every page of f forward with no window and returns the
// ids in order and each page by its cursor ("" the first).
func fullWalk(t *testing.T, s *store.Store, f store.MemberFilter) ([]int64, map[string]store.MemberPage) {
	t.Helper()
	defer store.SetMemberWindow(0)()
	pages := map[string]store.MemberPage{}
	var ids []int64
	for f.Cursor = ""; ; {
		p, err := s.PageMembers(ctx, f)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		pages[f.Cursor], ids = p, append(ids, memberIDs(p.Members)...)
		if f.Cursor = p.Next; f.Cursor == "" {
			return ids, pages
		}
	}
}

// windowWalks checks f's list with a window of n members against the full
// walk, and returns how many pages the window stopped and how many it did
// not.
func windowWalks(t *testing.T, s *store.Store, f store.MemberFilter, n int) (stopped, filled int) {
	t.Helper()
	want, full := fullWalk(t, s, f)
	restore := store.SetMemberWindow(n)
	defer restore()
	name := fmt.Sprintf("%q %s desc=%v status=%q window %d limit %d", f.Query, f.Sort, f.Desc, f.Status, n, f.Limit)
	var got []int64
	var pages []store.MemberPage
	for f.Cursor = ""; ; {
		p, err := s.PageMembers(ctx, f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkWindowPage(t, s, f, p, full, name)
		if p.Searched > 0 {
			stopped++
		} else {
			filled++
		}
		if len(p.Members) == 0 && p.Prev != "" {
			// Back from a page that found nothing: the matches before it.
			g := f
			g.Cursor = p.Prev
			b, err := s.PageMembers(ctx, g)
			if ids := memberIDs(b.Members); err != nil || len(ids) == 0 && len(got) > 0 && b.Prev == "" || len(ids) > len(got) || !slices.Equal(ids, got[len(got)-len(ids):]) {
				t.Fatalf("%s: back from an empty page: %v %v, after %v", name, ids, err, got)
			}
		}
		pages, got = append(pages, p), append(got, memberIDs(p.Members)...)
		if f.Cursor = p.Next; f.Cursor == "" {
			break
		}
		if len(pages) > 10_000 {
			t.Fatalf("%s: the search further links do not end", name)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s: forward %v, want %v", name, got, want)
	}
	// Back from the last page that holds members (a search further that
	// found nothing before the list's end is a page with no links).
	for i := len(pages) - 1; i >= 0; i-- {
		if len(pages[i].Members) > 0 {
			windowBack(t, s, f, pages[i], want, name)
			break
		}
	}
	return stopped, filled
}

// checkWindowPage checks one windowed page p (read from f.Cursor) against
// the full walk's pages.
func checkWindowPage(t *testing.T, s *store.Store, f store.MemberFilter, p store.MemberPage, full map[string]store.MemberPage, name string) {
	t.Helper()
	if p.Searched == 0 {
		w, ok := full[f.Cursor]
		if !ok { // a cursor of a "search further" link: read it without a window
			restore := store.SetMemberWindow(0)
			var err error
			w, err = s.PageMembers(ctx, f)
			restore()
			if err != nil {
				t.Fatal(err)
			}
		}
		if !slices.Equal(memberIDs(p.Members), memberIDs(w.Members)) || p.Links != w.Links || (p.CountedWithin == 0 && p.Count != w.Count) {
			t.Fatalf("%s from %q: a page the window did not stop differs from the full walk's:\n%+v\n%+v", name, f.Cursor, p, w)
		}
	}
	if p.Searched > 0 && (len(p.Members) > f.Limit || p.Searched != store.MemberWindowNow()) {
		t.Fatalf("%s: a stopped page holds %d members, searched %d", name, len(p.Members), p.Searched)
	}
	if p.CountedWithin > 0 {
		checkWindowCount(t, s, f, p, name)
	}
}

// checkWindowCount checks a count the window stopped: the matches among
// the first window members of the list in f's order.
func checkWindowCount(t *testing.T, s *store.Store, f store.MemberFilter, p store.MemberPage, name string) {
	t.Helper()
	n := store.MemberWindowNow()
	unfiltered := store.MemberFilter{AssociationID: f.AssociationID, Sort: f.Sort, Desc: f.Desc}
	if f.Sort == "status" {
		unfiltered.Status = f.Status // a range of the order's index
	}
	var order []int64
	if err := s.EachMember(ctx, unfiltered, func(m store.Member) error {
		order = append(order, m.FirmID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	match := map[int64]bool{}
	g := f
	g.Limit, g.Cursor = 0, ""
	if err := s.EachMember(ctx, g, func(m store.Member) error {
		match[m.FirmID] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, id := range order[:min(n, len(order))] {
		if match[id] {
			want++
		}
	}
	if p.CountedWithin != n || len(order) <= n || p.Count.N != want || p.Count.More {
		t.Fatalf("%s: count %+v within %d, want %d within %d of %d", name, p.Count, p.CountedWithin, want, n, len(order))
	}
}

// windowBack follows the previous links from page last to the list's
// start: each page is a run of the list, the run before the page after it
// (or the list's first page, read again), and together they are the list.
func windowBack(t *testing.T, s *store.Store, f store.MemberFilter, last store.MemberPage, want []int64, name string) {
	t.Helper()
	seen := map[int64]bool{}
	for _, id := range memberIDs(last.Members) {
		seen[id] = true
	}
	start := slices.Index(want, last.Members[0].FirmID)
	for p, steps := last, 0; p.Prev != ""; steps++ {
		f.Cursor = p.Prev
		var err error
		if p, err = s.PageMembers(ctx, f); err != nil {
			t.Fatalf("%s back: %v", name, err)
		}
		ids := memberIDs(p.Members)
		at := start - len(ids)
		if p.Prev == "" && !p.Back { // the start, read again as a whole first page
			at = 0
		}
		if at < 0 || !slices.Equal(ids, want[at:at+len(ids)]) || (p.Prev != "" && at+len(ids) != start) {
			t.Fatalf("%s back: page %v is not the run before %d of %v", name, ids, start, want)
		}
		for _, id := range ids {
			seen[id] = true
		}
		start = at
		if steps > 10_000 {
			t.Fatalf("%s: the previous links do not end", name)
		}
	}
	if len(seen) < slices.Index(want, last.Members[len(last.Members)-1].FirmID)+1 || start != 0 {
		t.Fatalf("%s back: reached %d of %d members, start %d", name, len(seen), len(want), start)
	}
}

// TestMemberWindowBetweenPages: a member renamed out of the filter,
// one removed, and a firm added and joined, between two pages of a windowed
// walk: the rest of the list from the first page's link is what the full
// walk reads from it, after the change.
func TestMemberWindowBetweenPages(t *testing.T) {
	s, fx := storetest.Open(t)
	rng := rand.New(rand.NewPCG(19, 8))
	filterFirms(t, s, fx, rng, 140)
	db := openRaw(t, s)
	for i, q := range []string{"a", "ng", "g", "z"} {
		f := store.MemberFilter{AssociationID: fx.Wood.ID, Query: q, Limit: 3}
		restore := store.SetMemberWindow(7)
		first, err := s.PageMembers(ctx, f)
		restore()
		if err != nil || first.Next == "" {
			t.Fatalf("%q: %v, next %q", q, err, first.Next)
		}
		all, _ := fullWalk(t, s, f)
		if len(all) > 6 {
			renamed, gone := all[len(all)-1], all[len(all)-2]
			if _, err := db.Exec("UPDATE firms SET name = 'Zzz', name_folded = 'zzz', search_key = 'zzz' WHERE id = ?", renamed); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec("DELETE FROM firm_associations WHERE association_id = ? AND firm_id = ?", fx.Wood.ID, gone); err != nil {
				t.Fatal(err)
			}
		}
		added := *fx.NoiThat
		added.ID, added.TaxCode, added.Name = 0, storetest.TaxCodeFrom(760000000+i*10), "Công ty TNHH Ngà Zang Gỗ "+q
		if err := s.CreateFirms(ctx, []*firms.Firm{&added}); err != nil {
			t.Fatal(err)
		}
		if err := s.AddMemberships(ctx, fx.Wood.ID, []int64{added.ID}); err != nil {
			t.Fatal(err)
		}
		f.Cursor = first.Next
		want := windowRest(t, s, f, 0)
		if got := windowRest(t, s, f, 7); !slices.Equal(got, want) {
			t.Errorf("%q after changes: windowed %v, full walk %v", q, got, want)
		}
		if !slices.Contains(want, added.ID) && strings.Contains(firms.Fold(added.Name), q) {
			t.Errorf("%q: the firm added mid-walk is not listed", q)
		}
	}
}

// windowRest reads f's list from f.Cursor to its end with a window of n
// members (0: none) and returns the ids.
func windowRest(t *testing.T, s *store.Store, f store.MemberFilter, n int) []int64 {
	t.Helper()
	defer store.SetMemberWindow(n)()
	var got []int64
	for {
		p, err := s.PageMembers(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, memberIDs(p.Members)...)
		if f.Cursor = p.Next; f.Cursor == "" {
			return got
		}
	}
}

// TestMemberWindowCursorsAreCursors: a "search further" link's cursor is
// an ordinary cursor of its order: tampered, cut, or of another order it
// is ErrBadCursor; of another filter, it is a position in that filter's
// list.
func TestMemberWindowCursorsAreCursors(t *testing.T) {
	s, fx := storetest.Open(t)
	filterFirms(t, s, fx, rand.New(rand.NewPCG(19, 9)), 60)
	defer store.SetMemberWindow(5)()
	f := store.MemberFilter{AssociationID: fx.Wood.ID, Query: "z", Limit: 10}
	p, err := s.PageMembers(ctx, f)
	if err != nil || p.Searched == 0 || p.Next == "" {
		t.Fatalf("no search further link: %+v %v", p, err)
	}
	raw, _ := base64.RawURLEncoding.DecodeString(p.Next)
	for _, bad := range []string{p.Next[:len(p.Next)-3], p.Next + "!", base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), "name:asc", "score:asc", 1))),
		base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), `,[`, `,[1e999,`, 1))), strings.Repeat("A", 3000)} {
		g := f
		g.Cursor = bad
		if _, err := s.PageMembers(ctx, g); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("cursor %q: err %v, want ErrBadCursor", bad, err)
		}
	}
	g := f
	g.Query, g.Cursor = "a", p.Next
	if _, err := s.PageMembers(ctx, g); err != nil {
		t.Errorf("another filter's cursor: %v", err)
	}
	g.AssociationID = fx.Logistics.ID
	if _, err := s.PageMembers(ctx, g); err != nil {
		t.Errorf("another association's cursor: %v", err)
	}
}
