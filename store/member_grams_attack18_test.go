package store_test

import (
	"slices"
	"testing"

	"dxready/store/storetest"
)

// A firm written by hand with an id below 1 (SQLite takes a negative
// rowid) and joined to an association: its trigram rowid lands in the
// previous association's range. The list by the index's candidates must
// still equal the walk, in its association and the one before.
func TestAttack18MemberGramsNegativeFirmID(t *testing.T) {
	s, fx, ids, _ := legalFirms(t)
	db := openRaw(t, s)
	if _, err := db.Exec(`INSERT INTO firms (id, tax_code, name, name_folded, search_key, vsic_version, vsic_code, section, ward_code,
		employees, revenue_vnd, capital_vnd, size_year, size_class, demo, created_at, updated_at)
		SELECT -5, ?, 'Công ty Âm Quzzy', 'cong ty am quzzy', 'am quzzy', vsic_version, vsic_code, section, ward_code, employees, revenue_vnd, capital_vnd,
			size_year, size_class, demo, created_at, updated_at FROM firms WHERE id = ?`, string(storetest.TaxCodeFrom(735000000)), ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO firm_associations (firm_id, association_id, since) VALUES (-5, ?, '2026-01-01T00:00:00Z')", fx.Wood.ID); err != nil {
		t.Fatal(err)
	}
	gramMatchesWalk(t, s, fx.Wood.ID, "negative firm id", "quzzy", "am quzzy")
	gramMatchesWalk(t, s, fx.Wood.ID-1, "negative firm id, the association before", "quzzy", "am quzzy")
	if got := memberFilter(t, s, fx.Wood.ID, "quzzy", ""); !slices.Equal(got, []int64{-5}) {
		t.Fatalf("a member of id -5 is listed as %v", got)
	}
}
