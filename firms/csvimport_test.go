package firms

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseWhole(t *testing.T) {
	tests := map[string]int64{"0": 0, "1500": 1500, "12.500.000.000": 12_500_000_000, "12,500,000": 12_500_000, "1 000": 1000}
	for in, want := range tests {
		if got, ok := ParseWhole(in); !ok || got != want {
			t.Errorf("ParseWhole(%q) = %d, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "-1", "1.5", "1,50", "12.5000", "abc", "1e9", "99999999999999999999", "0.704", "0,500", "012.500"} {
		if _, ok := ParseWhole(bad); ok {
			t.Errorf("ParseWhole(%q) accepted", bad)
		}
	}
}

// The import reader never panics, always ends, reports problems with a line
// number inside the file, and only returns rows that pass validation.
func FuzzImportReader(f *testing.F) {
	ref, err := LoadReference()
	if err != nil {
		f.Fatal(err)
	}
	head := "tax_code,name,vsic,ward,employees,revenue_vnd,capital_vnd,year,associations\n"
	f.Add(head + "3709000012,Công ty Gỗ,3100,25760,12,1000,1000,2025,wood\n")
	f.Add(head + "3709000012,\"a,b\",3100,25760,12,1000,1000,2025,\n3709000012,x,1,2,3,4,5,6,7\n")
	f.Add("\xEF\xBB\xBF" + head + "\"\n")
	f.Add("mst\n1\n")
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data string) {
		rd, ferr := NewImportReader(strings.NewReader(data), ref, now, map[string]bool{"wood": true})
		if ferr != nil {
			if ferr.Line != 1 || ferr.Problem == "" {
				t.Fatalf("file error %+v", ferr)
			}
			return
		}
		lines := strings.Count(data, "\n") + 1
		for i := 0; ; i++ {
			if i > len(data)+2 {
				t.Fatal("reader does not end")
			}
			row, probs, err := rd.Next()
			if err == io.EOF || errors.Is(err, ErrStop) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (row == nil) == (len(probs) == 0) {
				t.Fatalf("row %v with problems %v", row, probs)
			}
			for _, p := range probs {
				if p.Line < 2 || p.Line > lines || p.Problem == "" {
					t.Fatalf("problem %+v outside the file's %d lines", p, lines)
				}
			}
			if row != nil && (row.Firm.SizeClass == "" || row.Firm.TaxCode == "") {
				t.Fatalf("unvalidated row %+v", row.Firm)
			}
		}
	})
}
