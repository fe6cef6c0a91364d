package web

import (
	"bytes"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"dxready/firms"
)

func TestAdminFirmSearch(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("admin@test.local")
	must(t, c.get("/admin/firms"), http.StatusOK, "Tìm thấy 3 doanh nghiệp", "3709000044")
	r := c.get("/admin/firms?q=go+duc")
	must(t, r, http.StatusOK, "Tìm thấy 1 doanh nghiệp", "Gỗ Đức Thành")
	if strings.Contains(r.body, "Kho vận") {
		t.Fatal("search returned a non-matching firm")
	}
	must(t, c.get("/admin/firms?q=3709000044&lang=en"), http.StatusOK, "1 firm found", "Sóng Thần")
	must(t, c.get("/admin/firms?lang=vi&association="+itoa(e.fx.Wood.ID)), http.StatusOK, "Tìm thấy 2 doanh nghiệp")
	// Junk filters are ignored, never a 500.
	for _, q := range []string{"?page=-4", "?page=abc", "?ward=drop+table", "?size=huge", "?association=x", "?q=%22%2A%28", "?q=a%00b", "?q=%00", "?q=%ff%fe", "?q=" + strings.Repeat("a", 5000), "?page=99999"} {
		must(t, c.get("/admin/firms"+q), http.StatusOK)
	}
}

func TestAdminFirmSearchPages(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("admin@test.local")
	// 120 more firms so that there are three pages of 50.
	var b strings.Builder
	b.WriteString("tax_code,name,vsic,ward,employees,revenue_vnd,capital_vnd,year\n")
	n := 0
	for body := 370910000; n < 120; body++ {
		code := mst(body)
		if code == "" {
			continue
		}
		fmt.Fprintf(&b, "%s,Công ty TNHH Thử %03d,4690,25747,5,1000000000,1000000000,2025\n", code, n)
		n++
	}
	must(t, uploadCSV(c, "firms.csv", b.String()), http.StatusOK, "120 doanh nghiệp mới")
	// Three pages of 50 by their own links, forward and back; each page's
	// link carries a cursor, not a number.
	r := c.get("/admin/firms?q=thu")
	must(t, r, http.StatusOK, "Tìm thấy 120 doanh nghiệp", "Thử 000", "Thử 049", `id="next-page"`)
	if strings.Contains(r.body, `rel="prev"`) || strings.Contains(r.body, "Thử 050") {
		t.Fatal("the first page has a previous page, or a row of the second")
	}
	r = c.get(nextLink(t, r.body))
	must(t, r, http.StatusOK, "Thử 050", "Thử 099", `rel="prev"`)
	r = c.get(nextLink(t, r.body))
	must(t, r, http.StatusOK, "Thử 100", "Thử 119", `rel="prev"`)
	if strings.Contains(r.body, `id="next-page"`) || strings.Contains(r.body, "Thử 099") {
		t.Fatal("the last page has a next page, or a row of the one before")
	}
	r = c.get(prevLink(t, r.body))
	must(t, r, http.StatusOK, "Thử 050", "Thử 099")
	r = c.get(prevLink(t, r.body))
	must(t, r, http.StatusOK, "Thử 000", "Thử 049", `id="next-page"`)
	// A bookmark of the numbered pages from before starts again at the
	// first page, and says so.
	must(t, c.get("/admin/firms?q=thu&page=3"), http.StatusOK, "Thử 000", "từ trang đầu")
	if r := c.get("/admin/firms?q=thu&page=1"); strings.Contains(r.body, "từ trang đầu") {
		t.Fatal("page 1 of an old link is announced as a restart")
	}
}

var pagerLinkRE = regexp.MustCompile(`<a href="([^"]+)" rel="(prev|next)"`)

// pagerLink returns the page's link to the page before or after, or fails.
func pagerLink(t *testing.T, body, rel string) string {
	t.Helper()
	for _, m := range pagerLinkRE.FindAllStringSubmatch(body, -1) {
		if m[2] == rel {
			return html.UnescapeString(m[1])
		}
	}
	t.Fatalf("no %s link", rel)
	return ""
}

func nextLink(t *testing.T, body string) string { t.Helper(); return pagerLink(t, body, "next") }
func prevLink(t *testing.T, body string) string { t.Helper(); return pagerLink(t, body, "prev") }

// mst returns the valid tax code for a 9-digit body, or "".
func mst(body int) string {
	s := fmt.Sprint(body)
	w := []int{31, 29, 23, 19, 17, 13, 7, 5, 3}
	sum := 0
	for i := range 9 {
		sum += int(s[i]-'0') * w[i]
	}
	if sum%11 == 0 {
		return ""
	}
	return s + fmt.Sprint((10-sum%11)%10)
}

func uploadCSV(c *client, name, content string) resp {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+"/admin/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestAdminImportUpload(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("admin@test.local")
	good := "\xEF\xBB\xBFtax_code,name,vsic,ward,park,employees,revenue_vnd,capital_vnd,year,associations\n" +
		"3709000100,Công ty TNHH Nhựa Tân Hiệp,2220,25920,,35,12500000000,8000000000,2025,wood\n"
	must(t, uploadCSV(c, "good.csv", good), http.StatusOK, "Đã nhập 1 dòng: 1 doanh nghiệp mới, 0 doanh nghiệp được cập nhật")
	bad := "tax_code,name,vsic,ward,employees,revenue_vnd,capital_vnd,year\n" +
		"3709000118,Công ty A,2220,25920,35,1,1,2025\n" +
		"3709000119,Công ty B,2220,25920,35,1,1,2025\n" +
		"3709000125,Công ty C,2220,00000,35,1,1,2025\n"
	r := uploadCSV(c, "bad.csv", bad)
	must(t, r, http.StatusUnprocessableEntity, "Tệp có 2 lỗi", "Dòng 3, cột mã số thuế: Mã số thuế không hợp lệ", "Dòng 4, cột phường/xã")
	if _, err := e.st.FindFirmByTaxCode(ctx, "3709000118"); err == nil {
		t.Fatal("the valid row of a rejected file was saved")
	}
	// The same in English.
	req := uploadCSVLang(e.client().login("admin@test.local"), bad, "en")
	must(t, req, http.StatusUnprocessableEntity, "The file has 2 problems", "Line 3, column tax code")
	must(t, uploadCSV(c, "empty.csv", ""), http.StatusUnprocessableEntity, "Tệp trống")
	must(t, uploadCSV(c, "x.csv", "a,b\n1,2\n"), http.StatusUnprocessableEntity, "thiếu cột")
	// A workbook is named as one, in the user's language, and nothing is saved.
	xlsx := "PK\x03\x04\x14\x00\x06\x00" + strings.Repeat("\x00\xff", 100)
	must(t, uploadCSV(c, "firms.xlsx", xlsx), http.StatusUnprocessableEntity, "đây là tệp Excel", "CSV UTF-8")
	must(t, uploadCSVLang(c, xlsx, "en"), http.StatusUnprocessableEntity, "this is an Excel workbook")
	// Excel's CSV with semicolons, as Vietnamese Windows saves it, is read.
	tc := mst(370900015)
	semi := "tax_code;name;vsic;ward;employees;revenue_vnd;capital_vnd;year\n" + tc + ";Công ty Chấm Phẩy;2220;25920;35;1;1;2025\n"
	must(t, uploadCSVLang(c, semi, "vi"), http.StatusOK, "1 doanh nghiệp mới")
	if f, err := e.st.FindFirmByTaxCode(ctx, firms.TaxCode(tc)); err != nil || f.Name != "Công ty Chấm Phẩy" {
		t.Fatalf("the semicolon file's firm: %+v, %v", f, err)
	}
}

func uploadCSVLang(c *client, content, lang string) resp {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "f.csv")
	fw.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+"/admin/import?lang="+lang, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestAdminImportRefusesLargeFiles(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("admin@test.local")
	big := "tax_code,name\n" + strings.Repeat("3709000100,"+strings.Repeat("x", 100)+"\n", (MaxUploadBytes/110)+20000)
	r := uploadCSV(c, "big.csv", big)
	must(t, r, http.StatusRequestEntityTooLarge, "vượt quá 20 MB")
	if n, _ := e.st.CountFirms(ctx); n != 3 {
		t.Fatalf("firms = %d", n)
	}
}
