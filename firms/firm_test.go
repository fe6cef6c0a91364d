package firms

import (
	"strings"
	"testing"
	"time"

	"dxready/plaintext"
)

func mustRef(t testing.TB) *Reference {
	t.Helper()
	ref, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func TestLoadReference(t *testing.T) {
	ref := mustRef(t)
	if len(ref.Wards) != 36 {
		t.Errorf("wards = %d, want 36 (24 phường + 12 xã)", len(ref.Wards))
	}
	kinds := map[string]int{}
	for _, w := range ref.Wards {
		kinds[w.Kind]++
	}
	if kinds["ward"] != 24 || kinds["commune"] != 12 {
		t.Errorf("kinds = %v", kinds)
	}
	if got := len(ref.Sections(VSICVersion2018)); got != 21 {
		t.Errorf("sections = %d, want 21", got)
	}
	if w, ok := ref.Ward("25760"); !ok || w.Name != "Bình Dương" {
		t.Errorf("ward 25760 = %+v, %v", w, ok)
	}
}

func TestIndustryFor(t *testing.T) {
	ref := mustRef(t)
	tests := []struct {
		code, wantCode, section string
		ok                      bool
	}{
		{"3100", "3100", "C", true},
		{"31001", "3100", "C", true}, // 5-digit: resolved to its class
		{"1611", "16", "C", true},    // unlisted class: resolved to its division
		{"62", "62", "J", true},      //
		{"0125", "0125", "A", true},  // leading zero kept
		{"04", "", "", false},        // no division 04
		{"1", "", "", false},         //
		{"C", "", "", false},         // a section is not a firm's code
		{"123456", "", "", false},    //
		{"31a0", "", "", false},      //
	}
	for _, tc := range tests {
		ind, ok := ref.IndustryFor(VSICVersion2018, tc.code)
		if ok != tc.ok || ind.Code != tc.wantCode || ind.Section != tc.section {
			t.Errorf("IndustryFor(%q) = %+v, %v", tc.code, ind, ok)
		}
	}
}

func TestFirmValidate(t *testing.T) {
	ref := mustRef(t)
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	good := func() Firm {
		return Firm{Name: "  Công ty TNHH   Gỗ Đức  ", VSICCode: "3100", WardCode: "25760", ParkCode: "vsip2",
			Size: SizeInputs{Employees: 80, RevenueVND: 40 * billion, CapitalVND: 15 * billion, Year: 2025}}
	}
	f := good()
	if ps := f.Validate(ref, now); len(ps) != 0 {
		t.Fatalf("valid firm: %v", ps)
	}
	if f.Name != "Công ty TNHH Gỗ Đức" || f.Section != "C" || f.SizeClass != Small || f.VSICVersion != "2018" {
		t.Fatalf("normalised firm = %+v", f)
	}
	tests := []struct {
		name  string
		edit  func(*Firm)
		field string
		want  Problem
	}{
		{"no name", func(f *Firm) { f.Name = " " }, "name", ErrNameRequired},
		{"long name", func(f *Firm) { f.Name = strings.Repeat("g", MaxNameLen+1) }, "name", ErrNameTooLong},
		{"no vsic", func(f *Firm) { f.VSICCode = "" }, "vsic", ErrVSICRequired},
		{"unknown vsic", func(f *Firm) { f.VSICCode = "0400" }, "vsic", ErrVSICUnknown},
		{"vsic 2025 not loaded", func(f *Firm) { f.VSICVersion = "2025" }, "vsic", ErrVSICVersion},
		{"no ward", func(f *Firm) { f.WardCode = "" }, "ward", ErrWardRequired},
		{"pre-reform ward code", func(f *Firm) { f.WardCode = "25741" }, "ward", ErrWardUnknown},
		{"unknown park", func(f *Firm) { f.ParkCode = "nowhere" }, "park", ErrParkUnknown},
		{"negative staff", func(f *Firm) { f.Size.Employees = -1 }, "employees", ErrEmployeesRange},
		{"negative revenue", func(f *Firm) { f.Size.RevenueVND = -5 }, "revenue", ErrMoneyRange},
		{"future year", func(f *Firm) { f.Size.Year = 2027 }, "year", ErrYearRange},
		{"no year", func(f *Firm) { f.Size.Year = 0 }, "year", ErrYearRange},
		{"NUL in name", func(f *Firm) { f.Name = "Gỗ\x00Đức" }, "name", Problem(plaintext.ErrControl)},
		{"escape in name", func(f *Firm) { f.Name = "\x1b[31mGỗ" }, "name", Problem(plaintext.ErrControl)},
		{"0xff in name", func(f *Firm) { f.Name = "Gỗ\xff" }, "name", Problem(plaintext.ErrEncoding)},
		{"override in name", func(f *Firm) { f.Name = "Gỗ\u202eĐức" }, "name", Problem(plaintext.ErrBidi)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := good()
			tc.edit(&f)
			ps := f.Validate(ref, now)
			if ps[tc.field] != tc.want {
				t.Fatalf("problems = %v, want %s: %s", ps, tc.field, tc.want)
			}
			if f.SizeClass != "" {
				t.Fatal("size class set on an invalid firm")
			}
		})
	}
}

func TestFold(t *testing.T) {
	tests := map[string]string{
		"CÔNG TY TNHH Gỗ Đức Thành": "cong ty tnhh go duc thanh",
		"  Bình   Dương ":           "binh duong",
		"Thới Hòa":                  "thoi hoa",
		"ĐẠI ĐĂNG":                  "dai dang",
		"Nguyễn Thị Ánh Tuyết":      "nguyen thi anh tuyet",
		"Phước\u0323":               "phuoc", // stray combining mark dropped
		"":                          "",
	}
	for in, want := range tests {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
	// NFD input normalises to the same key as NFC.
	if Fold("Ho\u0302\u0300ng") != Fold("Hồng") {
		t.Error("NFD and NFC fold differently")
	}
	if got := NormalizeName("Công\x00ty\tGỗ\r\nĐức\u0085"); got != "Công ty Gỗ Đức" {
		t.Errorf("control characters kept: %q", got)
	}
	if NormalizeName("Ho\u0302\u0300ng  Gia") != "Hồng Gia" {
		t.Error("NormalizeName does not compose to NFC")
	}
}

func TestContactValidate(t *testing.T) {
	tests := []struct {
		name      string
		c         Contact
		consented bool
		field     string
	}{
		{"ok", Contact{FullName: "Nguyễn Văn An", Email: "an@example.vn", Phone: "0912 345 678"}, true, ""},
		{"ok +84", Contact{FullName: "Lê Lan", Phone: "+84912345678"}, true, ""},
		{"no consent", Contact{FullName: "Nguyễn Văn An"}, false, "consent"},
		{"no name", Contact{Email: "a@b.vn"}, true, "full_name"},
		{"bad email", Contact{FullName: "An", Email: "an at b"}, true, "email"},
		{"display-name email", Contact{FullName: "An", Email: "An <an@b.vn>"}, true, "email"},
		{"bad phone", Contact{FullName: "An", Phone: "12345"}, true, "phone"},
		{"NUL in name", Contact{FullName: "An\x00"}, true, "full_name"},
		{"override in title", Contact{FullName: "An", Title: "Kế toán\u202e"}, true, "title"},
		{"0xff in phone", Contact{FullName: "An", Phone: "0912\xff345678"}, true, "phone"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := tc.c.Validate(tc.consented)
			if tc.field == "" && len(ps) != 0 {
				t.Fatalf("unexpected problems %v", ps)
			}
			if tc.field != "" && ps[tc.field] == "" {
				t.Fatalf("problems = %v, want one on %s", ps, tc.field)
			}
		})
	}
}

func TestSearchKey(t *testing.T) {
	tests := map[string]string{
		"CÔNG TY TNHH Gỗ Đức":               "go duc",
		"Công ty TNHH MTV Nội thất An Phát": "noi that an phat",
		"Công ty Cổ phần Công nghệ Minh":    "cong nghe minh",
		"Chi nhánh Công ty TNHH Kho vận":    "kho van",
		"Doanh nghiệp tư nhân Hòa":          "hoa",
		"Công ty":                           "",
		"Công tyX":                          "cong tyx", // only whole words are legal forms
		"Nhà hàng Cơm Tấm":                  "nha hang com tam",
		"cong ty tnhh":                      "",
	}
	for in, want := range tests {
		if got := SearchKey(in); got != want {
			t.Errorf("SearchKey(%q) = %q, want %q", in, got, want)
		}
	}
}
