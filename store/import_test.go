package store_test

import (
	"strings"
	"testing"

	"dxready/firms"
	"dxready/store"
	"dxready/store/storetest"
)

func importCSV(t *testing.T, s *store.Store, fx *storetest.Fixtures, csv string) (*store.ImportResult, *firms.RowError) {
	t.Helper()
	known, err := s.ImportAssociationCodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rd, ferr := firms.NewImportReader(strings.NewReader(csv), fx.Ref, storetest.Clock, known)
	if ferr != nil {
		return nil, ferr
	}
	res, err := s.ImportFirms(ctx, rd, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res, nil
}

const header = "tax_code,name,vsic,ward,park,employees,revenue_vnd,capital_vnd,year,associations\n"

func TestImportCreatesThenUpdates(t *testing.T) {
	s, fx := storetest.Open(t)
	file := header +
		"3709000132,Công ty TNHH Nhựa Tân Hiệp,2220,25920,,35,\"12.500.000.000\",8000000000,2025,wood\n" +
		"3709000012,Công ty TNHH Gỗ Đức Thành (đổi tên),3100,25760,vsip2,130,40000000000,20000000000,2025,wood;logistics\n"
	res, ferr := importCSV(t, s, fx, file)
	if ferr != nil || !res.Written || res.Created != 1 || res.Updated != 1 || res.Problems != 0 {
		t.Fatalf("result = %+v, %v", res, ferr)
	}
	n, _ := s.CountFirms(ctx)
	if n != 4 {
		t.Fatalf("firms = %d, want 4", n)
	}
	f, _ := s.FindFirmByTaxCode(ctx, "3709000132")
	if f.Size.RevenueVND != 12_500_000_000 || f.SizeClass != firms.Small || f.WardCode != "25920" {
		t.Fatalf("imported firm = %+v", f)
	}
	assocs, _ := s.FirmAssociationIDs(ctx, fx.GoDuc.ID)
	if len(assocs) != 2 {
		t.Fatalf("memberships = %v", assocs)
	}
	// Importing the same file again changes nothing: idempotent upsert.
	res, _ = importCSV(t, s, fx, file)
	if res.Created != 0 || res.Updated != 2 {
		t.Fatalf("re-import = %+v", res)
	}
	if n, _ := s.CountFirms(ctx); n != 4 {
		t.Fatalf("firms after re-import = %d", n)
	}
}

func TestImportWritesNothingWhenAnyRowIsBad(t *testing.T) {
	s, fx := storetest.Open(t)
	file := "\xEF\xBB\xBFMã số thuế,Tên doanh nghiệp,Ngành,Phường xã,Lao động,Doanh thu,Nguồn vốn,Năm\n" +
		"3709000132,Công ty TNHH Nhựa Tân Hiệp,2220,25920,35,12500000000,8000000000,2025\n" + // line 2: fine
		"3709000137,Công ty A,2220,25920,35,1,1,2025\n" + // line 3: bad check digit
		"3709000132,Công ty B,2220,25920,35,1,1,2025\n" + // line 4: duplicate of line 2
		"\n" +
		"3709000157,,0400,00000,-3,1.5,abc,2031\n" + // line 6: many problems
		"3709000164,Công ty C\n" // line 7: too few fields
	res, ferr := importCSV(t, s, fx, file)
	if ferr != nil {
		t.Fatal(ferr)
	}
	if res.Written || res.Created != 0 {
		t.Fatalf("result = %+v", res)
	}
	if n, _ := s.CountFirms(ctx); n != 3 {
		t.Fatalf("a bad file wrote firms: %d", n)
	}
	got := map[int][]string{}
	for _, e := range res.Errors {
		got[e.Line] = append(got[e.Line], e.Column+":"+string(e.Problem))
	}
	want := map[int][]string{
		3: {"tax_code:error.taxcode.checksum"},
		4: {"tax_code:error.import.duplicate_tax_code"},
		6: {"employees:error.number_whole", "revenue_vnd:error.number_whole", "capital_vnd:error.number_whole",
			"name:error.firm.name_required", "vsic:error.firm.vsic_unknown", "ward:error.firm.ward_unknown", "year:error.firm.year_range"},
		7: {":error.import.field_count"},
	}
	for line, w := range want {
		if !sameSet(got[line], w) {
			t.Errorf("line %d problems = %v, want %v", line, got[line], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("lines with problems = %v", got)
	}
}

func TestImportFileProblems(t *testing.T) {
	s, fx := storetest.Open(t)
	tests := []struct {
		name, file string
		want       firms.Problem
		line       int
	}{
		{"empty", "", firms.ErrImportEmpty, 1},
		{"missing column", "tax_code,name\n", firms.ErrImportMissingColumn, 1},
		{"duplicate column", "mst,tax_code,name,vsic,ward,employees,revenue_vnd,capital_vnd,year\n", firms.ErrImportDuplicateHead, 1},
		{"latin-1 header", "t\xe9n,mst\n", firms.ErrImportEncoding, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, ferr := importCSV(t, s, fx, tc.file)
			if ferr == nil || ferr.Problem != tc.want || ferr.Line != tc.line {
				t.Fatalf("file error = %+v, want %s", ferr, tc.want)
			}
		})
	}
	res, _ := importCSV(t, s, fx, header+"3709000132,\"unterminated,2220\n")
	if res.Written || res.Problems != 1 || res.Errors[0].Problem != firms.ErrImportSyntax || res.Errors[0].Line != 2 {
		t.Fatalf("broken quote: %+v", res)
	}
	res, _ = importCSV(t, s, fx, header+"3709000132,C\xf4ng ty,2220,25920,,35,1,1,2025,\n")
	if res.Written || res.Errors[0].Problem != firms.ErrImportEncoding {
		t.Fatalf("latin-1 row: %+v", res)
	}
	res, _ = importCSV(t, s, fx, header+"3709000132,Công ty,2220,25920,,35,1,1,2025,nosuch\n")
	if res.Written || res.Errors[0].Problem != firms.ErrAssociationUnknown {
		t.Fatalf("unknown association: %+v", res)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}
