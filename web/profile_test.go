package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dxready/firms"
)

func values(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestProfileEdit(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	must(t, c.get("/profile/edit"), http.StatusOK, `value="Công ty TNHH Gỗ Đức Thành"`, `value="3100 – Sản xuất giường, tủ, bàn, ghế"`, `<option value="25760" selected>`)
	bad := values("name", "", "vsic", "0400", "ward", "99999", "park", "nowhere", "employees", "mười", "revenue", "1,5,3", "capital", "-1", "year", "2099")
	r0 := c.post("/profile/edit", bad)
	must(t, r0, http.StatusUnprocessableEntity, "Vui lòng nhập tên", "không có trong VSIC 2018", "36 phường", `value="mười"`,
		"Chỉ nhập chữ số, tính bằng tỷ đồng", `value="1,5,3"`, "từ 0 đến 1.000.000 tỷ đồng", `value="-1"`,
		// Each message a sentence that names its field, not an import line's
		// fragment ("phải là số nguyên…": a walkthrough's finding).
		"Số lao động phải là một số nguyên không âm")
	if strings.Contains(r0.body, ">phải là số nguyên") {
		t.Error("a field's message is the import line's fragment")
	}
	must(t, e.client().login("firm@test.local").post("/profile/edit?lang=en", values("name", "X", "vsic", "3100", "ward", "25760", "employees", "3.5", "revenue", "1", "capital", "1", "year", "2025.5")),
		http.StatusUnprocessableEntity, "Employees must be a whole number", "The year must be a whole number")
	f, _ := e.st.FindFirmByID(ctx, e.fx.GoDuc.ID)
	if f.Name != "Công ty TNHH Gỗ Đức Thành" {
		t.Fatal("a rejected edit changed the firm")
	}
	good := values("name", "Công ty TNHH Gỗ Đức Thành", "vsic", "1629", "ward", "25942", "park", "",
		"employees", "8", "revenue", "2,5", "capital", "9", "year", "2025")
	r := c.post("/profile/edit", good)
	must(t, r, http.StatusSeeOther)
	f, _ = e.st.FindFirmByID(ctx, e.fx.GoDuc.ID)
	if f.SizeClass != firms.Micro || f.WardCode != "25942" || f.ParkCode != "" || f.Size.RevenueVND != 2_500_000_000 {
		t.Fatalf("saved firm = %+v", f)
	}
	must(t, c.get("/profile"), http.StatusOK, "Siêu nhỏ", "2.500.000.000 ₫", "Đã lưu thông tin doanh nghiệp")
	must(t, c.get("/profile?lang=en"), http.StatusOK, "Micro", "2,500,000,000 ₫")
}

func TestContactConsentExportErase(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("firm@test.local")
	noConsent := values("full_name", "Trần Thị Lan", "email", "lan@example.vn", "phone", "0912 345 678")
	must(t, c.post("/profile/contact", noConsent), http.StatusUnprocessableEntity, "Chỉ lưu được thông tin người liên hệ khi người đó đồng ý", `value="Trần Thị Lan"`)
	if _, err := e.st.FindContact(ctx, e.fx.GoDuc.ID); err == nil {
		t.Fatal("contact stored without consent")
	}
	noConsent.Set("consent", "yes")
	must(t, c.post("/profile/contact", noConsent), http.StatusSeeOther)
	must(t, c.get("/profile"), http.StatusOK, "Trần Thị Lan", "Đồng ý lúc 22/11/2026 10:00 (GMT+7)", "contact-v1")
	r := c.get("/profile/contact/export")
	must(t, r, http.StatusOK)
	if !strings.Contains(r.header.Get("Content-Disposition"), "contact-3709000012.json") {
		t.Fatalf("disposition = %s", r.header.Get("Content-Disposition"))
	}
	var out struct {
		Contact map[string]any   `json:"contact"`
		Events  []map[string]any `json:"consent_events"`
	}
	if err := json.Unmarshal([]byte(r.body), &out); err != nil || out.Contact["phone"] != "0912345678" || len(out.Events) != 1 {
		t.Fatalf("export = %s (%v)", r.body, err)
	}
	must(t, c.post("/profile/contact/erase", nil), http.StatusSeeOther)
	must(t, c.get("/profile"), http.StatusOK, "Đã xoá thông tin người liên hệ", "Chưa có người liên hệ")
	r = c.get("/profile/contact/export")
	if strings.Contains(r.body, "Trần Thị Lan") || !strings.Contains(r.body, `"erased"`) {
		t.Fatalf("after erasure the export = %s", r.body)
	}
}
