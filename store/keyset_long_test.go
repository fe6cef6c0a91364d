package store_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"dxready/firms"
	"dxready/store"
	"dxready/store/storetest"
)

// TestTheLongestNamesCursorFits: a page that ends at a firm whose name is
// as long as registration allows, in the characters whose cursor is the
// longest (Hangul syllables, which decompose into three letters each in
// the search key; 4-byte letters; JSON's escaped quote and backslash; <, & and >, which JSON
// escapes for HTML unless told not to), still links on: every page of
// the admin search and of the member list, one row a page, forward and
// back, in every order. With a 2,048-byte cap on tokens and HTML
// escaping, the Hangul and <&> names' "next" led back to the first page.
func TestTheLongestNamesCursorFits(t *testing.T) {
	s, fx := storetest.Open(t)
	names := []string{
		strings.Repeat("한", firms.MaxNameLen),
		strings.Repeat("𝔸", firms.MaxNameLen),
		strings.Repeat(`"\`, firms.MaxNameLen/2),
		strings.Repeat("<&>", firms.MaxNameLen/3),
		"Công ty TNHH " + strings.Repeat("Ư", firms.MaxNameLen-13),
	}
	var fs []*firms.Firm
	for i, name := range names {
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(381000000+i*10), name
		if n := utf8.RuneCountInString(name); n != firms.MaxNameLen || len(f.Validate(fx.Ref, storetest.Clock)) > 0 {
			t.Fatalf("name %d: %d characters, problems %v: not a name the portal stores", i, n, f.Validate(fx.Ref, storetest.Clock))
		}
		fs = append(fs, &f)
	}
	if err := s.CreateFirms(ctx, fs); err != nil {
		t.Fatal(err)
	}
	if err := s.AddMemberships(ctx, fx.Wood.ID, firmIDs(fs)); err != nil {
		t.Fatal(err)
	}
	want := allFirms(t, s, store.FirmFilter{})
	fwd, bwd := walk(t, func(c string) ([]int64, store.Links, error) {
		p, err := s.SearchFirms(ctx, store.FirmFilter{Limit: 1, Cursor: c})
		return firmIDs(p.Firms), p.Links, err
	})
	if !slices.Equal(fwd, want) || !slices.Equal(bwd, want) {
		t.Fatalf("admin search:\nforward %v\nback    %v\nwant    %v", fwd, bwd, want)
	}
	for _, sort := range store.MemberSorts {
		for _, desc := range []bool{false, true} {
			f := store.MemberFilter{AssociationID: fx.Wood.ID, Sort: sort, Desc: desc}
			var all []store.Member
			if err := s.EachMember(ctx, f, func(m store.Member) error { all = append(all, m); return nil }); err != nil {
				t.Fatal(err)
			}
			fwd, bwd := walk(t, func(c string) ([]int64, store.Links, error) {
				f := f
				f.Limit, f.Cursor = 1, c
				p, err := s.PageMembers(ctx, f)
				return memberIDs(p.Members), p.Links, err
			})
			if want := memberIDs(all); !slices.Equal(fwd, want) || !slices.Equal(bwd, want) {
				t.Fatalf("members by %s desc=%v:\nforward %v\nback    %v\nwant    %v", sort, desc, fwd, bwd, want)
			}
		}
	}
}
