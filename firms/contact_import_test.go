package firms

import (
	"io"
	"strings"
	"testing"
	"time"
)

// The registry's email and phone columns, by English or Vietnamese header:
// normalised when valid, a localized problem for the cell when not, and
// HasContact only when the file has the columns.
func TestImportContactColumns(t *testing.T) {
	ref, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	row := "3709000012,Công ty Gỗ,3100,25760,12,1000,1000,2025"
	for _, tc := range []struct {
		name, head, cells string
		email, phone      string
		problems          []Problem
		has               bool
	}{
		{"english", "email,phone", "  Nam@CongTy.vn ,0912 345 678", "nam@congty.vn", "0912345678", nil, true},
		{"vietnamese", "Thư điện tử,Điện thoại", "nam@congty.vn,+84 274 3800 900", "nam@congty.vn", "+842743800900", nil, true},
		{"empty cells", "email,so dien thoai", ",", "", "", nil, true},
		{"no columns", "ghi_chu", "x", "", "", nil, false},
		{"bad email", "email", "nam at congty", "", "", []Problem{ErrImportEmail}, true},
		{"display name", "email", "Nam <nam@congty.vn>", "", "", []Problem{ErrImportEmail}, true},
		{"bad phone", "phone", "12345", "", "", []Problem{ErrImportPhone}, true},
		{"letters in phone", "dien_thoai", "0912abc678", "", "", []Problem{ErrImportPhone}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := "tax_code,name,vsic,ward,employees,revenue_vnd,capital_vnd,year," + tc.head + "\n" + row + "," + tc.cells + "\n"
			rd, ferr := NewImportReader(strings.NewReader(data), ref, now, nil)
			if ferr != nil {
				t.Fatal(ferr)
			}
			r, probs, err := rd.Next()
			if err != nil && err != io.EOF {
				t.Fatal(err)
			}
			var got []Problem
			for _, p := range probs {
				got = append(got, p.Problem)
				if p.Line != 2 || (p.Column != "email" && p.Column != "phone") {
					t.Errorf("problem %+v", p)
				}
			}
			if len(got) != len(tc.problems) || (len(got) > 0 && got[0] != tc.problems[0]) {
				t.Fatalf("problems = %v, want %v", got, tc.problems)
			}
			if len(tc.problems) > 0 {
				return
			}
			if r.Email != tc.email || r.Phone != tc.phone || r.HasContact != tc.has {
				t.Fatalf("row = %q %q %v", r.Email, r.Phone, r.HasContact)
			}
		})
	}
}
