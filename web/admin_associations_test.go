package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"dxready/store/storetest"
)

// uploadTo posts content as the form's file, with extra fields, to path.
func uploadTo(c *client, path string, fields url.Values, content string) resp {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", "members.csv")
	fw.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestAdminImportsMembershipAllOrNothing(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login("admin@test.local")
	path := fmt.Sprintf("/admin/associations/%d", e.fx.Logistics.ID)
	must(t, admin.get(path), http.StatusOK, "1 doanh nghiệp hội viên.", "Chưa có người phụ trách")
	bad := "Mã số thuế\n" + string(e.fx.GoDuc.TaxCode) + "\n3709000013\n3709999995\n"
	r := uploadTo(admin, path+"/members", nil, bad)
	must(t, r, http.StatusUnprocessableEntity, "Dòng 3, cột mã số thuế", "Dòng 3")
	if got, total, _ := e.st.FindMembers(ctx, memberFilterOf(e.fx.Logistics.ID)); total != 1 || len(got) != 1 {
		t.Fatalf("a rejected list changed members: %d", total)
	}
	// Every line parses, but one firm is not in the registry: still nothing.
	unknown := string(storetest.TaxCodeFrom(379999990))
	must(t, uploadTo(admin, path+"/members", nil, unknown+"\n"+string(e.fx.GoDuc.TaxCode)+"\n"), http.StatusUnprocessableEntity,
		"Dòng 1, cột mã số thuế: không có doanh nghiệp mã số thuế "+unknown)
	good := string(e.fx.GoDuc.TaxCode) + "\n" + string(e.fx.NoiThat.TaxCode) + "\n"
	must(t, uploadTo(admin, path+"/members", url.Values{"mode": {"replace"}}, good), http.StatusOK, "thêm 2, đã là hội viên 0, bỏ 1", "2 doanh nghiệp hội viên.")
	must(t, uploadTo(e.client().login("lead@test.local"), path+"/members", nil, good), http.StatusForbidden)
	if log, _ := e.st.AuditEntries(ctx, "association.members.import", 5); len(log) != 1 {
		t.Fatalf("imports audited: %d", len(log))
	}
}

func TestAdminAssignsLeads(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login("admin@test.local")
	path := fmt.Sprintf("/admin/associations/%d/leads", e.fx.Logistics.ID)
	r := admin.post(path, values("email", "Truong.Hoi@Logistics.vn", "name", "Trưởng ban Logistics"))
	must(t, r, http.StatusOK, `id="new-lead"`, "truong.hoi@logistics.vn", "Trưởng ban Logistics")
	pw := r.body[strings.Index(r.body, "chỉ hiển thị lần này: ")+len("chỉ hiển thị lần này: "):]
	pw = pw[:19]
	newLead := e.client().confirm("truong.hoi@logistics.vn", pw)
	must(t, newLead.post("/login", values("email", "truong.hoi@logistics.vn", "password", pw)), http.StatusSeeOther)
	must(t, newLead.get(assocPath(e.fx.Logistics.ID, "")), http.StatusOK, "Hiệp hội Logistics thử")
	// The wood lead moves to logistics; a firm user cannot become a lead.
	must(t, admin.post(path, values("email", "lead@test.local", "name", "x")), http.StatusOK, "lead@test.local")
	must(t, e.client().login("lead@test.local").get(assocPath(e.fx.Logistics.ID, "/members")), http.StatusOK)
	must(t, admin.post(path, values("email", "firm@test.local", "name", "x")), http.StatusUnprocessableEntity, "vai trò khác")
	must(t, admin.post(path, values("email", "not-an-address", "name", "")), http.StatusUnprocessableEntity, "Vui lòng nhập tên người phụ trách")
	must(t, e.client().login("lead@test.local").post(path, values("email", "a@b.vn", "name", "x")), http.StatusForbidden)
}
