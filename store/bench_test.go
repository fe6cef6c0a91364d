package store_test

import (
	"context"
	"sync"
	"testing"

	"dxready/auth"
	"dxready/demo"
	"dxready/firms"
	"dxready/store"
	"dxready/store/storetest"
)

var (
	provinceOnce sync.Once
	province     *store.Store
)

// demoProvince returns a store holding the full 68,000-firm demo province,
// built once per benchmark binary run.
func demoProvince(b *testing.B) *store.Store {
	provinceOnce.Do(func() {
		s := storetest.OpenEmpty(b)
		ref, _ := firms.LoadReference()
		if _, err := demo.Seed(context.Background(), s, ref, auth.NewHasher(storetest.Cheap, 2), demo.Options{Seed: 2025, Password: "benchmark-password"}); err != nil {
			b.Fatal(err)
		}
		province = s
	})
	return province
}

// BenchmarkFindFirms: the admin search over 68,000 firms (target: under
// 20 ms a request, page included).
func BenchmarkFindFirms(b *testing.B) {
	s := demoProvince(b)
	cases := []struct {
		name string
		f    store.FirmFilter
	}{
		{"all", store.FirmFilter{}},
		{"all_page_500", store.FirmFilter{Offset: 500 * 50}},
		{"word_rare", store.FirmFilter{Query: "go duc"}},
		{"word_common", store.FirmFilter{Query: "cong"}},
		{"word_common_page_100", store.FirmFilter{Query: "cong", Offset: 100 * 50}},
		{"word_mid", store.FirmFilter{Query: "noi that"}},
		{"tax_code_prefix", store.FirmFilter{Query: "3709001"}},
		{"ward_and_size", store.FirmFilter{WardCode: "25760", SizeClass: firms.Large}},
		{"association", store.FirmFilter{AssociationID: 1}},
		{"common_word_in_ward", store.FirmFilter{Query: "cong ty", WardCode: "25942"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			c.f.Limit = 50
			for b.Loop() {
				if _, _, err := s.FindFirms(context.Background(), c.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
