package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"dxready/auth"
)

func TestRegisterNewFirmThenLogoutAndLogin(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	form := url.Values{"tax_code": {"3709000100"}, "firm_name": {"Công ty TNHH Cơ khí Phú An"}, "name": {"Lê Thị Hạnh"},
		"email": {"Hanh@Example.vn"}, "password": {"một câu mật khẩu dài"}, "password_confirm": {"một câu mật khẩu dài"}}
	r := c.post("/register", form)
	must(t, r, http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != "/login?email=hanh%40example.vn" {
		t.Fatalf("redirect to %q", loc)
	}
	must(t, c.get(r.header.Get("Location")), http.StatusOK, "kiểm tra hộp thư", "Mới đăng ký?", `href="/verify-email"`, `value="hanh@example.vn"`)
	c.confirm("hanh@example.vn", "một câu mật khẩu dài")
	c.post("/login", url.Values{"email": {"hanh@example.vn"}, "password": {"một câu mật khẩu dài"}})
	must(t, c.get("/profile"), http.StatusOK, "Công ty TNHH Cơ khí Phú An", "3709000100", "Hồ sơ còn thiếu")
	u, err := e.st.FindUserByEmail(ctx, "hanh@example.vn")
	if err != nil || u.Status != auth.StatusActive || u.Role != auth.RoleFirm || !u.EmailVerified {
		t.Fatalf("user = %+v, %v", u, err)
	}
	must(t, c.post("/logout", nil), http.StatusSeeOther)
	r = c.get("/profile")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login?next=") {
		t.Fatalf("after logout /profile = %d %s", r.status, r.header.Get("Location"))
	}
	must(t, c.post("/login", url.Values{"email": {"hanh@example.vn"}, "password": {"sai mật khẩu rồi"}}), http.StatusUnauthorized, "Email hoặc mật khẩu không đúng")
	r = c.post("/login", url.Values{"email": {"hanh@example.vn"}, "password": {"một câu mật khẩu dài"}, "next": {"/profile/edit"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/profile/edit" {
		t.Fatalf("login = %d %s", r.status, r.header.Get("Location"))
	}
}

func TestRegisterValidationInBothLanguages(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	base := url.Values{"tax_code": {"3709000101"}, "name": {"An"}, "email": {"an@example.vn"}, "password": {"mật khẩu đủ dài"}, "password_confirm": {"mật khẩu đủ dài"}}
	must(t, c.post("/register", base), http.StatusUnprocessableEntity, "chữ số kiểm tra", `value="3709000101"`, `value="an@example.vn"`)
	must(t, c.post("/register?lang=en", base), http.StatusUnprocessableEntity, "check digit")
	// A valid code not in the registry needs the firm's name.
	ok := url.Values{}
	for k, v := range base {
		ok[k] = v
	}
	ok.Set("tax_code", "3709000118")
	must(t, c.post("/register?lang=vi", ok), http.StatusUnprocessableEntity, "chưa có trong danh bạ")
	weak := url.Values{"tax_code": {"x"}, "email": {"nope"}, "password": {"short"}, "password_confirm": {"short"}}
	must(t, c.post("/register", weak), http.StatusUnprocessableEntity, "Email không hợp lệ", "ít nhất 10 ký tự", "Vui lòng nhập họ tên")
	common := url.Values{"tax_code": {"3709000012"}, "name": {"An"}, "email": {"an@example.vn"}, "password": {"Matkhau123"}, "password_confirm": {"Matkhau123"}}
	must(t, c.post("/register", common), http.StatusUnprocessableEntity, "danh sách mật khẩu được dùng nhiều nhất")
	must(t, c.post("/register?lang=en", common), http.StatusUnprocessableEntity, "passwords people use most")
	// Nothing was saved by any of these.
	if n, _ := e.st.CountFirms(ctx); n != 3 {
		t.Fatalf("firms = %d", n)
	}
}

// The lead has no second factor: its password alone starts the session
// (the admin's sign-in is in twofactor_test.go).
func TestSessionCookieAndRenewal(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.get("/")
	r := c.post("/login", url.Values{"email": {"lead@test.local"}, "password": {"mật khẩu thử nghiệm"}})
	set := sessionSetCookie(r)
	if !strings.Contains(set, "dxready_session=") || !strings.Contains(set, "HttpOnly") || !strings.Contains(set, "SameSite=Lax") {
		t.Fatalf("cookie = %s", set)
	}
	first := cookieValue(set)
	r = c.post("/login", url.Values{"email": {"lead@test.local"}, "password": {"mật khẩu thử nghiệm"}})
	if second := cookieValue(sessionSetCookie(r)); second == first || second == "" {
		t.Fatal("login did not issue a new session token")
	}
	// The old token no longer works.
	old := e.client()
	u, _ := url.Parse(e.srv.URL)
	old.c.Jar.SetCookies(u, []*http.Cookie{{Name: "dxready_session", Value: first}})
	if r := old.get(assocPath(e.fx.Wood.ID, "")); r.status != http.StatusSeeOther {
		t.Fatalf("old session still valid: %d", r.status)
	}
	// A garbage cookie is ignored, not an error.
	junk := e.client()
	junk.c.Jar.SetCookies(u, []*http.Cookie{{Name: "dxready_session", Value: strings.Repeat("x", 40)}})
	must(t, junk.get("/"), http.StatusOK)
}

func sessionSetCookie(r resp) string {
	for _, c := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "dxready_session=") {
			return c
		}
	}
	return ""
}

func cookieValue(setCookie string) string {
	v, _, _ := strings.Cut(setCookie, ";")
	_, v, _ = strings.Cut(v, "=")
	return v
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestRegisterBoundsNameLengths(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("Gỗ ", 200)
	r := e.client().post("/register", url.Values{"tax_code": {"3709000100"}, "firm_name": {long}, "name": {long},
		"email": {"a@example.vn"}, "password": {"mật khẩu đủ dài"}, "password_confirm": {"mật khẩu đủ dài"}})
	must(t, r, http.StatusUnprocessableEntity, "Tên doanh nghiệp quá dài", "Họ tên quá dài")
	if n, _ := e.st.CountFirms(ctx); n != 3 {
		t.Fatal("an over-long registration was saved")
	}
}
