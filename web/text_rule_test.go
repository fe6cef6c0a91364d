package web

import (
	"database/sql"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"dxready/plaintext"
	"dxready/templates"
)

// textAttacks are what the issue found stored in names and notes: a NUL,
// a terminal escape, a byte that is not UTF-8, a right-to-left override.
var textAttacks = []struct {
	name, payload string
	problem       plaintext.Problem
}{
	{"NUL", "\x00", plaintext.ErrControl},
	{"ESC", "\x1b[31m", plaintext.ErrControl},
	{"lone 0xff", "\xff", plaintext.ErrEncoding},
	{"U+202E", "\u202e", plaintext.ErrBidi},
}

// attackMarker starts every attacking value, so that anything of it that
// got stored, cleaned or not, is found afterwards.
const attackMarker = "Tấn công"

// textForm is one form that stores free text: who posts it, where, a
// valid rest of the form, and the field under attack.
type textForm struct {
	user, path string
	base       url.Values
	field      string
	before     func() // sets the scene for this form (and the ones after it), or nil
}

// The attack on every form that stores free text: each refuses each
// payload with its localized message (422, at the field), and nothing of
// the attacking value is stored anywhere in the database.
func TestFormsRefuseControlCharacters(t *testing.T) {
	e := newEnv(t)
	forms := textForms(t, e)
	clients := map[string]*client{"": e.client()}
	for _, f := range forms {
		if clients[f.user] == nil {
			clients[f.user] = e.client().login(f.user)
		}
	}
	vi := e.web.bundle.For("vi")
	for _, f := range forms {
		if f.before != nil {
			f.before()
			clients[f.user] = e.client().login(f.user) // sessions idle out over days
		}
		for _, a := range textAttacks {
			v := url.Values{}
			for k, vs := range f.base {
				v[k] = slices.Clone(vs)
			}
			v.Set(f.field, attackMarker+" "+a.payload+" thử")
			r := clients[f.user].post(f.path, v)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(unescape(r.body), vi.T(string(a.problem))) {
				t.Errorf("POST %s %s=%s: %d, want 422 with %q; body: %.600s", f.path, f.field, a.name, r.status, a.problem, r.body)
			}
		}
	}
	if found := storedText(t, e, attackMarker, "\x00", "\x1b", "\xff", "\u202e"); len(found) > 0 {
		t.Fatalf("refused text was stored: %v", found)
	}
}

// textForms lists the forms that store free text, each with a valid rest
// of the form.
func textForms(t *testing.T, e *env) []textForm {
	nine := nineOClock(t, e)
	advisor := "/advisors/" + itoa(e.fx.Advisor.ID)
	booking := bookNineForTextTest(t, e, nine)
	leave := time.Date(2026, 12, 21, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	register := url.Values{"tax_code": {"3709000118"}, "firm_name": {"Công ty Mới"}, "name": {"An"}, "email": {"an@example.vn"},
		"password": {"mật khẩu đủ dài"}, "password_confirm": {"mật khẩu đủ dài"}}
	firm := url.Values{"name": {"Công ty TNHH Gỗ Đức Thành"}, "vsic": {"1629"}, "ward": {"25942"}, "employees": {"8"},
		"revenue": {"2,5"}, "capital": {"9"}, "year": {"2025"}}
	contact := url.Values{"full_name": {"Trần Thị Lan"}, "title": {"Kế toán"}, "email": {"lan@example.vn"}, "phone": {"0274 382 2123"}, "consent": {"yes"}}
	const firmUser, lead, adv, admin = "firm@test.local", "lead@test.local", "advisor@test.local", "admin@test.local"
	return []textForm{
		{"", "/register", register, "firm_name", nil},
		{"", "/register", register, "name", nil},
		{firmUser, "/profile/edit", firm, "name", nil},
		{firmUser, "/profile/contact", contact, "full_name", nil},
		{firmUser, "/profile/contact", contact, "title", nil},
		{firmUser, advisor + "/book", bookValues(nine.Add(75*time.Minute), "Xin tư vấn", "data"), "note", nil},
		{firmUser, booking + "/cancel", url.Values{"reason": {"Trùng lịch"}}, "reason", nil},
		{firmUser, booking + "/reschedule", url.Values{"start": {strconv.FormatInt(nine.Add(75*time.Minute).Unix(), 10)}, "reason": {"Bận"}}, "reason", nil},
		{adv, advisor + "/edit", profileValues("08:00-11:00"), "bio_vi", nil},
		{adv, advisor + "/edit", profileValues("08:00-11:00"), "bio_en", nil},
		{adv, advisor + "/leave", url.Values{"from": {leave}, "to": {leave}, "note": {"Nghỉ phép"}}, "note", nil},
		{admin, "/admin/advisors", url.Values{"email": {"moi@test.local"}, "name": {"Chuyên gia mới"}}, "name", nil},
		{admin, "/admin/associations/" + itoa(e.fx.Wood.ID) + "/leads", url.Values{"email": {"truong@test.local"}, "name": {"Trưởng hội"}}, "name", nil},
		// Notes and action plans are written once the consultation has begun.
		{adv, booking + "/notes", url.Values{"notes": {"Ghi chú"}}, "notes", func() { e.setNow(nine.Add(30 * time.Minute)) }},
		{adv, booking + "/actions", url.Values{"pillar": {"data"}, "text": {"Việc cần làm"}, "owner": {"firm"}, "due": {"2026-12-15"}}, "text", func() {
			must(t, e.client().login(adv).post(booking+"/outcome", url.Values{"outcome": {"done"}}), http.StatusSeeOther)
		}},
	}
}

func bookNineForTextTest(t *testing.T, e *env, nine time.Time) string {
	t.Helper()
	c := e.client().login("firm@test.local")
	r := c.post("/advisors/"+itoa(e.fx.Advisor.ID)+"/book", bookValues(nine, "", "data"))
	if r.status != http.StatusSeeOther {
		t.Fatalf("book: %d %.500s", r.status, r.body)
	}
	return r.header.Get("Location")
}

// The registry import is held to the same rule: a name with a control
// character or an override is listed with its line and column, and the
// file is refused whole.
func TestRegistryImportRefusesControlCharacters(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("admin@test.local")
	vi := e.web.bundle.For("vi")
	for _, a := range textAttacks {
		csv := "tax_code,name,vsic,ward,employees,revenue_vnd,capital_vnd,year\n" +
			"3709000100," + attackMarker + " " + a.payload + " thử,2220,25920,35,1,1,2025\n"
		want := "Dòng 2, cột tên: " + vi.T(string(a.problem))
		if a.problem == plaintext.ErrEncoding { // the whole line is not UTF-8
			want = "Dòng 2: " + vi.T("error.import.encoding")
		}
		must(t, uploadCSV(c, "firms.csv", csv), http.StatusUnprocessableEntity, want)
	}
	// A membership list holds tax codes only; a control character there is
	// not a tax code.
	r := uploadTo(c, fmt.Sprintf("/admin/associations/%d/members", e.fx.Wood.ID), nil, "3709000\x00100\n")
	must(t, r, http.StatusUnprocessableEntity, "Dòng 1, cột mã số thuế")
	if found := storedText(t, e, attackMarker, "\x00", "\x1b", "\xff", "\u202e"); len(found) > 0 {
		t.Fatalf("refused text was stored: %v", found)
	}
}

func unescape(s string) string {
	return strings.NewReplacer("&#34;", `"`, "&#39;", "'", "&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(s)
}

// storedText searches every text value of every table of the database (a
// backup of it; hashes and index pages are blobs, not text) for each of needles, returning "table.column: needle" hits.
func storedText(t *testing.T, e *env, needles ...string) []string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := e.st.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tables := queryStrings(t, db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
	if len(tables) < 10 {
		t.Fatalf("only %d tables", len(tables))
	}
	ident := regexp.MustCompile(`^[a-z_0-9]+$`)
	var hits []string
	for _, tb := range tables {
		for _, col := range queryStrings(t, db, "SELECT name FROM pragma_table_info(?)", tb) {
			if !ident.MatchString(tb) || !ident.MatchString(col) {
				t.Fatalf("unexpected identifier %q.%q", tb, col)
			}
			for _, n := range needles {
				var count int
				q := fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE typeof(%[2]s) = 'text' AND instr(CAST(%[2]s AS BLOB), CAST(? AS BLOB)) > 0", tb, col)
				if err := db.QueryRow(q, []byte(n)).Scan(&count); err != nil {
					t.Fatalf("%s.%s: %v", tb, col, err)
				}
				if count > 0 {
					hits = append(hits, fmt.Sprintf("%s.%s: %q", tb, col, n))
				}
			}
		}
	}
	return hits
}

func queryStrings(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// Every <textarea> of every template is a multiline field of parseForm
// (its line breaks kept), and every multiline field is a textarea.
func TestTextareasAreMultiline(t *testing.T) {
	re := regexp.MustCompile(`<textarea[^>]*\bname="([^"]+)"`)
	names, err := fs.Glob(templates.FS, "*/*.html")
	if err != nil || len(names) < 20 {
		t.Fatalf("templates: %d, %v", len(names), err)
	}
	seen := map[string]bool{}
	for _, n := range names {
		src, err := fs.ReadFile(templates.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			seen[m[1]] = true
			if !multiline[m[1]] {
				t.Errorf("%s: textarea %q is not in web/forms.go's multiline", n, m[1])
			}
		}
	}
	for name := range multiline {
		if !seen[name] {
			t.Errorf("multiline field %q is no textarea in any template", name)
		}
	}
}
