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

// TestNameWordsTestedPerRowMatchTheIndex: the admin search finds a page of
// many matches by walking the name index and testing each firm's name
// (name_has_words), and counts and sorts fewer through firms_fts; both
// must pick the same firms, or pages would skip firms the count includes
// (or show firms it does not). Random names with punctuation, digits,
// hyphens and Vietnamese letters, and random queries made of their
// words' beginnings, junk and FTS syntax.
func TestNameWordsTestedPerRowMatchTheIndex(t *testing.T) {
	s, fx := storetest.Open(t)
	rng := rand.New(rand.NewPCG(20, 2))
	parts := []string{"Gỗ", "Đức", "Thành", "(đổi", "tên)", "gốm-sứ", "An", "Ánh", "2", "x2", "Cơ-khí", "Nguyễn", "Á/Âu", "ĐỒNG", "ß", "½", "x½y", "C&C", "\"quote\"", "go.duc", "Thép", "thuốc", "Đà_Nẵng"}
	var fs []*firms.Firm
	for i := range 300 {
		f := *fx.NoiThat
		var name []string
		for range 1 + rng.IntN(5) {
			name = append(name, parts[rng.IntN(len(parts))])
		}
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(700000000+i*10), "Công ty TNHH "+strings.Join(name, " ")
		fs = append(fs, &f)
	}
	if err := s.CreateFirms(ctx, fs); err != nil {
		t.Fatal(err)
	}
	queries := []string{"go", "g", "gô", "đ", "d", "an", "a", "2", "x", "co khi", "co-khi", "nguyen a", "ss", "C&C", "quote", `"go"*`, "go OR an",
		"NEAR(go an)", "y", "thanh cong", "t", "th", "da_nang", "nang", "½", "a/", "tên)"}
	for range 60 {
		q := parts[rng.IntN(len(parts))]
		q = string([]rune(q)[:1+rng.IntN(len([]rune(q)))])
		queries = append(queries, q, q+" "+parts[rng.IntN(len(parts))][:1])
	}
	checked := 0
	for _, q := range queries {
		f := store.FirmFilter{Query: q}
		byIndex, err := store.MatchingFirmIDs(s, f, false)
		if err != nil {
			t.Fatalf("%q through firms_fts: %v", q, err)
		}
		perRow, err := store.MatchingFirmIDs(s, f, true)
		if err != nil {
			t.Fatalf("%q per row: %v", q, err)
		}
		if !slices.Equal(byIndex, perRow) {
			t.Errorf("%q: firms_fts finds %d firms, the per-row test %d", q, len(byIndex), len(perRow))
		}
		if len(byIndex) > 0 && len(byIndex) < len(fs) {
			checked++
		}
	}
	if checked < 30 {
		t.Errorf("only %d queries matched some but not all firms: the test checks too little", checked)
	}
}
