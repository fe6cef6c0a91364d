package store_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"dxready/firms"
	"dxready/store"
	"dxready/store/storetest"
)

// memberFilter returns the ids of every member of assoc whose list, read
// page by page (3 a page) from cursor, the query q keeps, in order.
func memberFilter(t *testing.T, s *store.Store, assoc int64, q, cursor string) []int64 {
	t.Helper()
	var got []int64
	f := store.MemberFilter{AssociationID: assoc, Query: q, Limit: 3, Cursor: cursor}
	for range 100 {
		p, err := s.PageMembers(ctx, f)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		got = append(got, memberIDs(p.Members)...)
		if f.Cursor = p.Next; f.Cursor == "" {
			return got
		}
	}
	t.Fatalf("%q: more than 100 pages", q)
	return nil
}

// wantMembers is the members of assoc whose folded name contains Fold(q),
// by name, from FindMembers' unfiltered list.
func wantMembers(t *testing.T, s *store.Store, assoc int64, q string) []int64 {
	t.Helper()
	all, _, err := s.FindMembers(ctx, store.MemberFilter{AssociationID: assoc})
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	for _, m := range all {
		if strings.Contains(firms.Fold(m.Name), firms.Fold(q)) {
			want = append(want, m.FirmID)
		}
	}
	return want
}

// legalFirms registers six firms of several legal forms in wood and
// returns them and a check that every filtered list of wood, for queries
// inside, across and outside legal forms, is the members whose folded
// name contains the query.
func legalFirms(t *testing.T) (*store.Store, *storetest.Fixtures, []int64, func(when string)) {
	t.Helper()
	s, fx := storetest.Open(t)
	var ids []int64
	for i, name := range []string{"Công ty TNHH Gỗ Minh", "Công ty TNHH Gỗ Nam", "Công ty Cổ phần Gỗ Tân", "Doanh nghiệp tư nhân Gỗ An",
		"Công ty TNHH Gỗ Bình", "Hợp tác xã Gỗ Cường"} {
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(730000000+i*10), name
		if err := s.CreateFirm(ctx, &f); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, f.ID)
	}
	if err := s.AddMemberships(ctx, fx.Wood.ID, ids); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		for _, q := range []string{"cong", "cong ty tnhh", "ty tnhh go", "tu nhan", "nhan go", "hop tac", "xa go c", "c", "an", "go"} {
			if got, want := memberFilter(t, s, fx.Wood.ID, q, ""), wantMembers(t, s, fx.Wood.ID, q); !slices.Equal(got, want) {
				t.Fatalf("%s: %q lists %v, want %v", when, q, got, want)
			}
		}
	}
	check("created")
	return s, fx, ids, check
}

// TestMemberFilterFollowsLegalForms: the legal prefix a member list's
// name filter reads (member_keys.legal, migration 0027) follows the firm
// at once: a firm whose legal form alone changes (same search key) leaves
// "cong" and joins "tu nhan"; a cursor taken before the rename pages on
// among the matches only.
func TestMemberFilterFollowsLegalForms(t *testing.T) {
	s, fx, ids, check := legalFirms(t)
	before, err := s.PageMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Query: "cong", Limit: 1})
	if err != nil || before.Next == "" {
		t.Fatalf("first page of cong: %v, next %q", err, before.Next)
	}
	// Công ty TNHH Gỗ Minh becomes a sole proprietorship: same search key.
	minh, err := s.FindFirmByID(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	minh.Name = "Doanh nghiệp tư nhân Gỗ Minh"
	if err := s.UpdateFirm(ctx, minh); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(memberFilter(t, s, fx.Wood.ID, "cong", ""), ids[0]) || !slices.Contains(memberFilter(t, s, fx.Wood.ID, "tu nhan go m", ""), ids[0]) {
		t.Fatal("a firm whose legal form changed stayed in the old form's filter or is missing from the new one's")
	}
	check("renamed")
	for _, id := range memberFilter(t, s, fx.Wood.ID, "cong", before.Next) {
		if !slices.Contains(wantMembers(t, s, fx.Wood.ID, "cong"), id) || id == ids[0] {
			t.Fatalf("a cursor of cong taken before the rename showed firm %d", id)
		}
	}
}

// TestMemberFilterFollowsMemberships: a firm that leaves an association
// or joins one leaves or joins its filtered list at once, and a bulk load
// codes the legal prefixes of the firms it loads.
func TestMemberFilterFollowsMemberships(t *testing.T) {
	s, fx, ids, check := legalFirms(t)
	db := openRaw(t, s)
	if _, err := db.Exec("DELETE FROM firm_associations WHERE association_id = ? AND firm_id = ?", fx.Wood.ID, ids[1]); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(memberFilter(t, s, fx.Wood.ID, "cong ty tnhh go n", ""), ids[1]) {
		t.Fatal("a firm that left is still in its association's filtered list")
	}
	check("left")
	if err := s.AddMemberships(ctx, fx.Logistics.ID, []int64{ids[1], ids[2]}); err != nil {
		t.Fatal(err)
	}
	if got := memberFilter(t, s, fx.Logistics.ID, "cong ty", ""); !slices.Contains(got, ids[1]) || !slices.Contains(got, ids[2]) {
		t.Fatalf("firms that joined logistics are missing from its \"cong ty\" list: %v", got)
	}
	// A bulk load: firms and memberships written with most indexes dropped.
	err := s.BulkLoad(ctx, func() error {
		var batch []store.LoadedFirm
		for i, name := range []string{"Công ty TNHH MTV Gỗ Bắc", "Chi nhánh Công ty Gỗ Đông", "Gỗ Tây"} {
			batch = append(batch, store.LoadedFirm{Firm: loadedFirm(fx, 731000000+i*10, name, false), Associations: []int64{fx.Wood.ID}})
		}
		return s.LoadFirms(ctx, nil, batch)
	})
	if err != nil {
		t.Fatal(err)
	}
	if d := memberKeysDiff(t, db); d != "" {
		t.Fatalf("after a bulk load: %s", d)
	}
	check("bulk loaded")
}

// TestMemberFilterFallsBackToTheFirm: a member whose search key is not the
// end of its folded name (written by hand: the store never writes one) has
// no legal prefix (-1), and is tested on its firm's row; so are all
// members when there are more than 256 prefixes (names crafted to open
// with ever new runs of legal forms).
func TestMemberFilterFallsBackToTheFirm(t *testing.T) {
	s, fx := storetest.Open(t)
	db := openRaw(t, s)
	if _, err := db.Exec("UPDATE firms SET name_folded = 'cong ty xyz ' || search_key || ' hop tac' WHERE id = ?", fx.GoDuc.ID); err != nil {
		t.Fatal(err)
	}
	var legal int
	if err := db.QueryRow("SELECT legal FROM member_keys WHERE firm_id = ?", fx.GoDuc.ID).Scan(&legal); err != nil || legal != -1 {
		t.Fatalf("legal %d, %v; want -1", legal, err)
	}
	for _, q := range []string{"hop tac", "ty xyz", "cong"} {
		if !slices.Contains(memberFilter(t, s, fx.Wood.ID, q, ""), fx.GoDuc.ID) {
			t.Errorf("%q: the firm whose folded name holds it is not listed", q)
		}
	}
	if _, err := db.Exec("UPDATE firms SET name_folded = ? WHERE id = ?", firms.Fold(fx.GoDuc.Name), fx.GoDuc.ID); err != nil {
		t.Fatal(err)
	}
	forms := []string{"Công ty", "Chi nhánh", "Hợp tác xã", "Doanh nghiệp tư nhân", "Hộ kinh doanh", "Công ty TNHH", "Công ty Cổ phần"}
	var ids []int64
	for i := range 300 {
		f := *fx.NoiThat
		f.ID, f.TaxCode = 0, storetest.TaxCodeFrom(732000000+i*10)
		f.Name = fmt.Sprintf("%s %s %s %s Xưởng %d", forms[i%7], forms[i/7%7], forms[i/49%7], forms[i%3], i)
		if err := s.CreateFirm(ctx, &f); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, f.ID)
	}
	if err := s.AddMemberships(ctx, fx.Wood.ID, ids); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM legal_prefixes").Scan(&n); err != nil || n <= 256 {
		t.Fatalf("%d legal prefixes, %v: want more than 256", n, err)
	}
	for _, q := range []string{"hop tac", "xa cong ty x", "nhan ho", "h 2", "ty xyz", "cong"} {
		if got, want := memberFilter(t, s, fx.Wood.ID, q, ""), wantMembers(t, s, fx.Wood.ID, q); !slices.Equal(got, want) {
			t.Errorf("%q with %d prefixes: %d members listed, want %d", q, n, len(got), len(want))
		}
	}
}

// TestMemberFilterForgedCursors: a cursor is only a position in its order;
// garbage is ErrBadCursor, and one taken under another query pages on
// among this query's matches only.
func TestMemberFilterForgedCursors(t *testing.T) {
	s, fx := storetest.Open(t)
	for _, c := range []string{"x", "bWVtYmVyczpuYW1lOmFzYw", strings.Repeat("A", 4000)} {
		if _, err := s.PageMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Query: "cong", Cursor: c}); !errors.Is(err, store.ErrBadCursor) {
			t.Errorf("cursor %.20q: err = %v, want ErrBadCursor", c, err)
		}
	}
	all, err := s.PageMembers(ctx, store.MemberFilter{AssociationID: fx.Wood.ID, Limit: 1})
	if err != nil || all.Next == "" {
		t.Fatalf("unfiltered first page: %v, next %q", err, all.Next)
	}
	want := wantMembers(t, s, fx.Wood.ID, "tnhh")
	for _, id := range memberFilter(t, s, fx.Wood.ID, "tnhh", all.Next) {
		if !slices.Contains(want, id) {
			t.Errorf("an unfiltered cursor showed firm %d under tnhh", id)
		}
	}
}

// TestMemberTaxCodeFilterPages: the start of a tax code (a filter on the
// firm's row) pages the same by id and by walk, in every order, as
// FindMembers lists it.
func TestMemberTaxCodeFilterPages(t *testing.T) {
	s, fx, _, _ := legalFirms(t)
	paged := 0
	for _, q := range []string{"73", "7300000", "3709000", "9"} {
		for _, sort := range store.MemberSorts {
			f := store.MemberFilter{AssociationID: fx.Wood.ID, Query: q, Sort: sort, Desc: sort != "name", Limit: 2}
			all := f
			all.Limit = 0
			want, n, err := s.FindMembers(ctx, all)
			if err != nil {
				t.Fatal(err)
			}
			if n > f.Limit {
				paged++
			}
			byID := memberFilterPages(t, s, f, n)
			restore := store.SetFewMembers(0)
			walked := memberFilterPages(t, s, f, n)
			restore()
			if !slices.Equal(byID, memberIDs(want)) || !slices.Equal(walked, byID) {
				t.Errorf("%q by %s: by id %v, walked %v, want %v", q, sort, byID, walked, memberIDs(want))
			}
		}
	}
	if paged == 0 {
		t.Error("no tax code prefix had more than one page")
	}
}
