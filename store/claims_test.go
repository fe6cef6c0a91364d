package store_test

import (
	"testing"

	"dxready/store/storetest"
)

// The registry's email and phone are stored with the row, in either
// header language; a file with one bad contact cell writes nothing, not
// even its valid rows' contacts.
func TestImportRegistryContact(t *testing.T) {
	s, fx := storetest.Open(t)
	head := "Mã số thuế,Tên,Ngành,Phường xã,KCN,Lao động,Doanh thu,Nguồn vốn,Năm,Thư điện tử,Điện thoại\n"
	good := "3709000037,Công ty Cổ phần Nội thất Bình Dương,1629,25813,,8,2400000000,4000000000,2025,LienHe@NoiThat.vn,0274 3800 900\n"
	bad := "3709000044,Công ty TNHH Kho vận Sóng Thần,5210,25942,songthan1,45,1,1,2025,kho at songthan,0912345678\n"
	res, ferr := importCSV(t, s, fx, head+good+bad)
	if ferr != nil || res.Written || res.Problems != 1 || res.Errors[0].Column != "email" || res.Errors[0].Line != 3 {
		t.Fatalf("result = %+v %v", res, ferr)
	}
	if email, phone, err := s.RegistryContact(ctx, fx.NoiThat.ID); err != nil || email != "" || phone != "" {
		t.Fatalf("a rejected file wrote a contact: %q %q %v", email, phone, err)
	}
	res, ferr = importCSV(t, s, fx, head+good)
	if ferr != nil || !res.Written {
		t.Fatalf("result = %+v %v", res, ferr)
	}
	if email, phone, err := s.RegistryContact(ctx, fx.NoiThat.ID); err != nil || email != "lienhe@noithat.vn" || phone != "02743800900" {
		t.Fatalf("contact = %q %q %v", email, phone, err)
	}
	// A later file without the columns leaves the contact as it was.
	res, _ = importCSV(t, s, fx, header+"3709000037,Công ty Cổ phần Nội thất Bình Dương,1629,25813,,8,2400000000,4000000000,2025,wood\n")
	if email, _, _ := s.RegistryContact(ctx, fx.NoiThat.ID); !res.Written || email != "lienhe@noithat.vn" {
		t.Fatalf("contact after an import without it = %q", email)
	}
}
