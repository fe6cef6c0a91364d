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

// gramQueries are the queries the attacks on the trigram index ask: parts
// of the names they write, inside and across legal forms, with marks, of
// one and two letters, and junk the FTS5 syntax would read as operators.
var gramQueries = []string{"go", "g", "xy", "gỗ đức", "go duc", "duc", "an", "minh", "ty go", "tnhh go", "hop tac", "xyz",
	"quz", "vu qu", "cong", "%", "_", "\"", "'", "*", "NEAR(", "a OR b", "thuan", "thuận phát", "phat", "moi", "cong ty moi"}

// gramMatchesWalk checks that every query of gramQueries (and extra) lists
// the same members of assoc by the trigram index's candidates as by the
// walk, page after page, and returns how many the index answered with at
// least one match.
func gramMatchesWalk(t *testing.T, s *store.Store, assoc int64, when string, extra ...string) int {
	t.Helper()
	answered := 0
	for _, q := range append(slices.Clone(gramQueries), extra...) {
		f := store.MemberFilter{AssociationID: assoc, Query: q, Limit: 4}
		restore := store.SetGramCandidates(0)
		walked := memberFilter(t, s, assoc, q, "")
		restore()
		if got := memberFilter(t, s, assoc, q, ""); !slices.Equal(got, walked) {
			t.Fatalf("%s: %q lists %v by trigrams, %v walked", when, q, got, walked)
		}
		if ok, err := store.GramAnswers(s, f); err != nil {
			t.Fatalf("%s: %q: %v", when, q, err)
		} else if ok && len(walked) > 0 {
			answered++
		}
	}
	return answered
}

// TestMemberGramsFollowHandWrites: the trigram index follows every write
// of a firm's folded name, whoever makes it: the store (UpdateFirm, a bulk
// load), or a tool writing SQL by hand (a rename of the folded name and
// search key, one of the name alone, which the filter does not read, a
// search key that is no longer the end of the folded name, a firm inserted
// and one deleted, a membership removed); after each, the lists by the
// index's candidates equal the walked ones.
func TestMemberGramsFollowHandWrites(t *testing.T) {
	s, fx, ids, _ := legalFirms(t)
	db := openRaw(t, s)
	if n := gramMatchesWalk(t, s, fx.Wood.ID, "created"); n < 5 {
		t.Fatalf("only %d queries answered from the index", n)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	// By hand: Gỗ Minh becomes Thuận Phát (folded name and key), Gỗ Nam's
	// name changes alone (name_folded, which the filter reads, stays).
	exec("UPDATE firms SET name = 'Công ty TNHH Thuận Phát', name_folded = 'cong ty tnhh thuan phat', search_key = 'thuan phat' WHERE id = ?", ids[0])
	exec("UPDATE firms SET name = 'Công ty XYZ' WHERE id = ?", ids[1])
	gramMatchesWalk(t, s, fx.Wood.ID, "renamed by hand")
	if got := memberFilter(t, s, fx.Wood.ID, "thuan phat", ""); !slices.Equal(got, []int64{ids[0]}) {
		t.Fatalf("a firm renamed by hand is listed under its new name as %v", got)
	}
	if got := memberFilter(t, s, fx.Wood.ID, "go minh", ""); len(got) != 0 {
		t.Fatalf("a firm renamed by hand is still listed under its old name: %v", got)
	}
	// A search key that is not the end of the folded name (legal -1).
	exec("UPDATE firms SET name_folded = 'cong ty quz ' || search_key || ' hop tac' WHERE id = ?", ids[2])
	exec("UPDATE firms SET search_key = 'vu quang' WHERE id = ?", ids[3])
	gramMatchesWalk(t, s, fx.Wood.ID, "key apart from the name", "quang", "vu quang", "ty quz")
	// A firm written by hand, joined by hand; one deleted; a member removed.
	res, err := db.Exec(`INSERT INTO firms (tax_code, name, name_folded, search_key, vsic_version, vsic_code, section, ward_code,
		employees, revenue_vnd, capital_vnd, size_year, size_class, demo, created_at, updated_at)
		SELECT ?, 'Công ty Mới', 'cong ty moi', 'moi', vsic_version, vsic_code, section, ward_code, employees, revenue_vnd, capital_vnd,
			size_year, size_class, demo, created_at, updated_at FROM firms WHERE id = ?`, string(storetest.TaxCodeFrom(733000000)), ids[4])
	if err != nil {
		t.Fatal(err)
	}
	added, _ := res.LastInsertId()
	exec("INSERT INTO firm_associations (firm_id, association_id, since) VALUES (?, ?, '2026-01-01T00:00:00Z')", added, fx.Wood.ID)
	exec("DELETE FROM firm_associations WHERE firm_id = ? AND association_id = ?", ids[5], fx.Wood.ID)
	exec("DELETE FROM firms WHERE id = ?", ids[4])
	gramMatchesWalk(t, s, fx.Wood.ID, "inserted, deleted, left")
	// A membership written over by hand (REPLACE fires no delete trigger),
	// and renamed again.
	exec("INSERT OR REPLACE INTO firm_associations (firm_id, association_id, since) VALUES (?, ?, '2026-02-02T00:00:00Z')", ids[0], fx.Wood.ID)
	gramMatchesWalk(t, s, fx.Wood.ID, "membership replaced")
	exec("UPDATE firms SET name_folded = 'cong ty tnhh thuan phat moi', search_key = 'thuan phat moi' WHERE id = ?", ids[0])
	gramMatchesWalk(t, s, fx.Wood.ID, "replaced and renamed", "phat moi")
	if got := memberFilter(t, s, fx.Wood.ID, "cong ty moi", ""); !slices.Equal(got, []int64{added}) {
		t.Fatalf("a firm inserted by hand is listed as %v", got)
	}
	// Through the store: a rename, and a bulk load (which drops indexes
	// and some triggers, not these).
	f, err := s.FindFirmByID(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	f.Name = "Hợp tác xã Gỗ Đức Minh"
	if err := s.UpdateFirm(ctx, f); err != nil {
		t.Fatal(err)
	}
	err = s.BulkLoad(ctx, func() error {
		var batch []store.LoadedFirm
		for i, name := range []string{"Công ty TNHH MTV Gỗ Đức Bắc", "Chi nhánh Công ty Thuận Phát Đông", "Xyz Tây"} {
			batch = append(batch, store.LoadedFirm{Firm: loadedFirm(fx, 734000000+i*10, name, false), Associations: []int64{fx.Wood.ID}})
		}
		return s.LoadFirms(ctx, nil, batch)
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := gramMatchesWalk(t, s, fx.Wood.ID, "store writes"); n < 5 {
		t.Fatalf("only %d queries answered from the index", n)
	}
}

// TestMemberGramsOddQueries: queries the index has no unit for (one or two
// letters), or that FTS5 would read as syntax (quotes, operators, NUL),
// or that are long (3,000 characters) or hold LIKE's wildcards, list what
// the walk lists, in names that hold those characters too.
func TestMemberGramsOddQueries(t *testing.T) {
	s, fx := storetest.Open(t)
	var fs []*firms.Firm
	for i, name := range []string{`Công ty "Gỗ" 100%`, "Công ty A_B 50% Đức", "Xưởng O'Neil", "Gỗ * NEAR(x) AND", "a OR b",
		"Công ty " + strings.Repeat("Gỗ Đức ", 27), "Đ", "Ơ", "Công ty TNHH Ý"} {
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(735000000+i*10), name
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
	rng := rand.New(rand.NewPCG(29, 1))
	long := strings.Repeat("gỗ đức ", 27) // in a name of 197 characters; 3,000 below
	extra := []string{"100%", "0%", "a_b", "_b 5", `"go"`, `o'n`, "o'", "near(x) and", "* near", "or b", long, long[:len(long)-7],
		strings.Repeat("x", 3000), strings.Repeat("gỗ đức ", 430), "Đ", "đ", "ơ", "o", "y", "ý", "  Gỗ   ĐỨC ", "go\x00duc", "\x00", "ty tnhh y", "\xff\xfe", "gỗ\u0301"}
	for range 40 {
		name := firms.Fold(fs[rng.IntN(len(fs))].Name)
		i := rng.IntN(len(name))
		extra = append(extra, name[i:i+1+rng.IntN(min(8, len(name)-i))])
	}
	gramMatchesWalk(t, s, fx.Wood.ID, "odd", extra...)
	for _, q := range []string{"100%", "a_b", `"go"`, "o'n", "near(x) and", long, "đ", "ý"} {
		want := wantMembers(t, s, fx.Wood.ID, q)
		if got := memberFilter(t, s, fx.Wood.ID, q, ""); !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("%q lists %v, want %v (not none)", q, got, want)
		}
	}
}

// TestMemberGramsCandidatesCapped: a query with more candidates than the
// index may offer is walked (GramAnswers false), with the same members;
// with fewer it is answered from the index, which offers the members of
// the association listed only (not those of another that hold the query);
// and a firm id of 2^32 or more, written by hand, turns the index off.
func TestMemberGramsCandidatesCapped(t *testing.T) {
	s, fx, ids, _ := legalFirms(t)
	if err := s.AddMemberships(ctx, fx.Logistics.ID, ids[:2]); err != nil {
		t.Fatal(err)
	}
	f := store.MemberFilter{AssociationID: fx.Logistics.ID, Query: "cong ty tnhh go", Limit: 50}
	want := wantMembers(t, s, fx.Logistics.ID, f.Query)
	// Two of logistics' members hold the query, and three of wood's: the
	// index offers logistics' two alone.
	for _, limit := range []int{1, 2, 10000} {
		restore := store.SetGramCandidates(limit)
		ok, err := store.GramAnswers(s, f)
		got := memberFilter(t, s, fx.Logistics.ID, f.Query, "")
		restore()
		if err != nil || ok != (limit >= 2) || !slices.Equal(got, want) {
			t.Fatalf("at most %d candidates: by index %v (%v), %v, want %v", limit, ok, err, got, want)
		}
	}
	db := openRaw(t, s)
	if _, err := db.Exec(`INSERT INTO firms (id, tax_code, name, name_folded, search_key, vsic_version, vsic_code, section, ward_code,
		employees, revenue_vnd, capital_vnd, size_year, size_class, demo, created_at, updated_at)
		SELECT 4294967297, ?, name, name_folded, search_key, vsic_version, vsic_code, section, ward_code, employees, revenue_vnd,
			capital_vnd, size_year, size_class, demo, created_at, updated_at FROM firms WHERE id = ?`,
		string(storetest.TaxCodeFrom(736000000)), ids[5]); err != nil {
		t.Fatal(err)
	}
	if ok, err := store.GramAnswers(s, f); ok || err != nil {
		t.Fatalf("with a firm id of 2^32 + 1 the index answered (%v)", err)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM member_name_grams WHERE member_name_grams MATCH '\"go \"'").Scan(&n); err != nil || n < 6 {
		t.Fatalf("%d members of the index hold \"go \": %v", n, err)
	}
}
