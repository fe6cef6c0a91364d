package store_test

import (
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"dxready/firms"
	"dxready/store"
	"dxready/store/storetest"
)

// wordParts are pieces of names with punctuation, digits, Vietnamese
// letters, one- and two-letter words and words that share beginnings.
var wordParts = []string{"Gỗ", "Gốm", "Go", "G", "Đức", "Thành", "(đổi", "tên)", "gốm-sứ", "An", "Ánh", "2", "x2", "Cơ-khí",
	"Nguyễn", "Á/Âu", "ĐỒNG", "ß", "½", "x½y", "C&C", "\"quote\"", "go.duc", "Thép", "thuốc", "Đà_Nẵng", "Anh", "Ân", "Thanhhoa", "Tháp"}

func randomName(rng *rand.Rand) string {
	var name []string
	for range 1 + rng.IntN(5) {
		name = append(name, wordParts[rng.IntN(len(wordParts))])
	}
	return "Công ty TNHH " + strings.Join(name, " ")
}

func wordQueries(rng *rand.Rand) []string {
	qs := []string{"go", "g", "gô", "gom", "gỗ đức", "đ", "d", "an", "a", "anh", "2", "x", "co khi", "nguyen a", "ss", "C&C",
		"quote", "y", "t", "th", "thanh", "da_nang", "½", "tên)", "zzz", "go zzz", "a g t", "x2 x", "tha", "tha go", "thanh g", "go tha"}
	for range storetest.Iterations(40) {
		q := wordParts[rng.IntN(len(wordParts))]
		q = string([]rune(q)[:1+rng.IntN(len([]rune(q)))])
		qs = append(qs, q, q+" "+string([]rune(wordParts[rng.IntN(len(wordParts))])[:1]))
	}
	return qs
}

// TestWordSearchPagesMatchTheIndex: a name search read from firm_words
// (migration 0026), followed forward and back with pages of several sizes,
// meets exactly the firms firms_fts matches (FindFirms, which sorts them),
// once each and in name order, for random names and queries: one letter,
// two, longer words, several words, words no firm has.
func TestWordSearchPagesMatchTheIndex(t *testing.T) {
	s, fx := storetest.Open(t)
	rng := rand.New(rand.NewPCG(26, 14))
	var fs []*firms.Firm
	for i := range 250 {
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(710000000+i*10), randomName(rng)
		fs = append(fs, &f)
	}
	if err := s.CreateFirms(ctx, fs); err != nil {
		t.Fatal(err)
	}
	// Both plans of several words: the rarest word's rows merged and
	// tested, and all matches sorted.
	checkWordSearch(t, s, rng, len(fs))
	store.SortWordsAlways(t)
	checkWordSearch(t, s, rng, len(fs))
}

func checkWordSearch(t *testing.T, s *store.Store, rng *rand.Rand, nFirms int) {
	checked := 0
	for _, q := range wordQueries(rng) {
		f := store.FirmFilter{Query: q}
		byWords, err := store.SearchesByWords(s, f)
		words := strings.IndexFunc(q, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 &&
			strings.Trim(q, "0123456789 .-") != "" // not the start of a tax code
		if err != nil || byWords != words {
			t.Fatalf("%q: searched by words %v (%v)", q, byWords, err)
		}
		want := allFirms(t, s, f)
		for _, limit := range []int{1, 7, 50} {
			fwd, bwd := walk(t, func(c string) ([]int64, store.Links, error) {
				g := f
				g.Limit, g.Cursor = limit, c
				p, err := s.SearchFirms(ctx, g)
				return firmIDs(p.Firms), p.Links, err
			})
			if !slices.Equal(fwd, want) || !slices.Equal(bwd, want) {
				t.Fatalf("%q, %d a page:\nforward %v\nback    %v\nwant    %v", q, limit, fwd, bwd, want)
			}
		}
		if len(want) > 1 && len(want) < nFirms {
			checked++
		}
	}
	if checked < storetest.Iterations(30) {
		t.Errorf("only %d queries matched some but not all firms: the test checks too little", checked)
	}
}

// TestSearchTerms: a token's term and its first two letters, each once.
func TestSearchTerms(t *testing.T) {
	for key, want := range map[string][]string{
		"go duc":           {"go", "du", "duc"},
		"gom go gom":       {"go", "gom"},
		"a x½y c&c":        {"a", "x½", "x½y", "c"},
		"":                 {},
		"-- ()":            {},
		"thanh thanh cong": {"th", "thanh", "co", "cong"},
	} {
		if got := store.SearchTerms(key); !slices.Equal(got, want) {
			t.Errorf("%q: %q, want %q", key, got, want)
		}
	}
}

// TestFirmWordsFollowWrites: after every write that changes a firm's name
// or existence (registration, a batch, an edit, an import, a rename and a
// delete by hand in SQL), firm_words equals a derivation from the firms.
func TestFirmWordsFollowWrites(t *testing.T) {
	s, fx := storetest.Open(t)
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=foreign_keys(ON)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rng := rand.New(rand.NewPCG(26, 15))
	code := 720000000
	newFirm := func() *firms.Firm {
		f := *fx.NoiThat
		code += 10
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(code), randomName(rng)
		return &f
	}
	anyFirm := func() int64 {
		var id int64
		if err := db.QueryRow("SELECT id FROM firms ORDER BY random() LIMIT 1").Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	steps := map[string]func() error{
		"register": func() error { return s.CreateFirm(ctx, newFirm()) },
		"batch":    func() error { return s.CreateFirms(ctx, []*firms.Firm{newFirm(), newFirm()}) },
		"edit": func() error {
			f, err := s.FindFirmByID(ctx, anyFirm())
			if err != nil {
				return err
			}
			f.Name = randomName(rng)
			return s.UpdateFirm(ctx, f)
		},
		"import": func() error {
			f, err := s.FindFirmByID(ctx, anyFirm())
			if err != nil {
				return err
			}
			_, ferr := importCSV(t, s, fx, header+fmt.Sprintf("%s,%s,3100,25760,,35,1000000000,1000000000,2025,\n", f.TaxCode, strings.ReplaceAll(randomName(rng), `"`, "")))
			if ferr != nil {
				return fmt.Errorf("import: %v", ferr)
			}
			return nil
		},
		"rename by hand": func() error {
			_, err := db.Exec("UPDATE firms SET search_key = ? WHERE id = ?", firms.SearchKey(randomName(rng)), anyFirm())
			return err
		},
		"delete by hand": func() error {
			_, err := db.Exec("DELETE FROM firms WHERE id = ?", anyFirm())
			return err
		},
	}
	for range 10 {
		if err := steps["batch"](); err != nil {
			t.Fatal(err)
		}
	}
	names := []string{"register", "batch", "edit", "import", "rename by hand", "delete by hand"}
	for i := range 80 {
		name := names[rng.IntN(len(names))]
		if err := steps[name](); err != nil {
			t.Fatalf("step %d %s: %v", i, name, err)
		}
		if diff, err := store.FirmWordsDiff(s); err != nil || len(diff) > 0 {
			t.Fatalf("step %d %s: firm_words differs from the firms: %v %v", i, name, diff, err)
		}
	}
}

// TestWordSearchAttacks: what a user of the admin search, or someone who
// forges its links, could try.
func TestWordSearchAttacks(t *testing.T) {
	s, fx := storetest.Open(t)
	var fs []*firms.Firm
	for i, name := range []string{"Công ty TNHH Gỗ An", "Gốm Bình", "Công ty CP Thép Gò Vấp", "Gỗ Đức", "Thép Việt", "Hợp tác xã Gò Công"} {
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(730000000+i*10), name
		fs = append(fs, &f)
	}
	if err := s.CreateFirms(ctx, fs); err != nil {
		t.Fatal(err)
	}
	search := func(q, cursor string) ([]string, store.Links) {
		t.Helper()
		p, err := s.SearchFirms(ctx, store.FirmFilter{Query: q, Cursor: cursor, Limit: 2})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		var names []string
		for _, f := range p.Firms {
			names = append(names, f.Name)
		}
		return names, p.Links
	}
	all := func(q string) []string {
		var names []string
		for c := ""; ; {
			page, l := search(q, c)
			names = append(names, page...)
			if c = l.Next; c == "" {
				return names
			}
		}
	}
	t.Run("a renamed firm moves at once", func(t *testing.T) {
		first, l := search("go", "")
		f := *fs[0]
		f.Name = "Thép Ánh Dương"
		if err := s.UpdateFirm(ctx, &f); err != nil {
			t.Fatal(err)
		}
		if got := all("go"); slices.Contains(got, "Công ty TNHH Gỗ An") || slices.Contains(got, f.Name) {
			t.Errorf("after the rename, \"go\" finds %q", got)
		}
		if got := all("thep anh"); !slices.Equal(got, []string{f.Name}) {
			t.Errorf("after the rename, \"thep anh\" finds %q", got)
		}
		// The cursor taken before the rename still pages on from its place.
		if rest, _ := search("go", l.Next); len(first) != 2 || slices.Contains(rest, first[0]) || slices.Contains(rest, first[1]) {
			t.Errorf("next page after the rename: %q (first was %q)", rest, first)
		}
	})
	t.Run("a deleted firm disappears", func(t *testing.T) {
		db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec("DELETE FROM firms WHERE id = ?", fs[3].ID); err != nil {
			t.Fatal(err)
		}
		if got := all("go"); slices.Contains(got, fs[3].Name) {
			t.Errorf("\"go\" still finds the deleted %q: %q", fs[3].Name, got)
		}
	})
	t.Run("a cursor of another query shows only this query's firms", func(t *testing.T) {
		_, l := search("go", "")
		got, _ := search("thep", l.Next)
		got2, _ := search("thep", "")
		for _, name := range append(got, got2...) {
			if !strings.Contains(firms.SearchKey(name), "thep") {
				t.Errorf("\"thep\" with a cursor of \"go\" shows %q", name)
			}
		}
	})
	t.Run("forged cursors", func(t *testing.T) {
		enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
		for _, c := range []string{"x", enc(`["firms",false,["go"]]`), enc(`["firms",false,[1,1]]`), enc(`["members:name:asc",false,["go",1]]`)} {
			if _, err := s.SearchFirms(ctx, store.FirmFilter{Query: "go", Cursor: c}); !errors.Is(err, store.ErrBadCursor) {
				t.Errorf("cursor %q: err = %v", c, err)
			}
		}
		for _, c := range []string{enc(`["firms",false,["' OR 1=1 --",-5]]`), enc(`["firms",true,["\uffff",9223372036854775807]]`), enc(`["firms",false,["",0]]`)} {
			got, _ := search("go", c)
			for _, name := range got {
				if !slices.Contains(all("go"), name) {
					t.Errorf("forged cursor %q shows %q, not a match of \"go\"", c, name)
				}
			}
		}
	})
	t.Run("query syntax is words", func(t *testing.T) {
		for _, q := range []string{`go' OR 1=1 --`, `"go"*`, `go%`, "go\x00an", "NEAR(go thep)"} {
			want := allFirms(t, s, store.FirmFilter{Query: q})
			var got []int64
			for c := ""; ; {
				p, err := s.SearchFirms(ctx, store.FirmFilter{Query: q, Cursor: c, Limit: 2})
				if err != nil {
					t.Fatalf("%q: %v", q, err)
				}
				got = append(got, firmIDs(p.Firms)...)
				if c = p.Next; c == "" {
					break
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%q: %v, firms_fts %v", q, got, want)
			}
		}
	})
}
