package store_test

import (
	"database/sql"
	"fmt"
	"testing"

	"dxready/firms"
	"dxready/store"
	"dxready/store/storetest"
)

// BenchmarkImport1000Members: what keeping the trigram index of members'
// names (migration 0029) adds to a membership import. Each iteration
// imports a list of 1,000 members that replaces the other list of 1,000
// (so 1,000 join and 1,000 leave), with the index's triggers ("kept") and
// with them dropped ("dropped") in a database of the same shape, in one
// run:
//
//	go test ./store -run '^$' -bench Import1000Members -count 5
func BenchmarkImport1000Members(b *testing.B) {
	for _, kept := range []bool{true, false} {
		name := "kept"
		if !kept {
			name = "dropped"
		}
		b.Run(name, func(b *testing.B) {
			s, fx := storetest.Open(b)
			if !kept {
				db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(5000)")
				if err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				for _, tr := range []string{"join", "leave", "move", "rename"} {
					if _, err := db.Exec("DROP TRIGGER member_name_grams_" + tr); err != nil {
						b.Fatal(err)
					}
				}
			}
			var lists [2][]firms.MemberLine
			var fs []*firms.Firm
			for i := range 2000 {
				f := *fx.NoiThat
				f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(750000000+i*10), fmt.Sprintf("Công ty TNHH Gỗ Xuất Khẩu Số %d", i)
				fs = append(fs, &f)
				lists[i%2] = append(lists[i%2], firms.MemberLine{Line: i/2 + 1, TaxCode: f.TaxCode})
			}
			if err := s.CreateFirms(ctx, fs); err != nil {
				b.Fatal(err)
			}
			i := 0
			for b.Loop() {
				res, err := s.ImportMemberships(ctx, fx.Wood.ID, lists[i%2], true, store.AuditEntry{Action: "bench", Subject: "wood"})
				if err != nil || res.Added != 1000 {
					b.Fatalf("%+v, %v", res, err)
				}
				i++
			}
		})
	}
}
