package web

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

// addWoodMembers adds n firms to the wood association, named in a few
// names only (so the order by name ties), a third with a shared result of
// one of three scores; it returns their tax codes.
func addWoodMembers(t *testing.T, e *env, n int) []string {
	t.Helper()
	in := storetest.Instrument(t)
	var fs []*firms.Firm
	for i := range n {
		f := *e.fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(381000000+i*10), []string{"Công ty Gỗ Lan", "Gỗ Lan", "Nội thất Minh"}[i%3]
		fs = append(fs, &f)
	}
	if err := e.st.CreateFirms(ctx, fs); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	var codes []string
	var subs []store.PastSubmission
	for i, f := range fs {
		ids, codes = append(ids, f.ID), append(codes, string(f.TaxCode))
		if i%3 == 0 {
			score := float64(10 * (i % 9 / 3))
			subs = append(subs, store.PastSubmission{FirmID: f.ID, SubmittedAt: storetest.Clock.Add(-time.Hour),
				Result: scoring.Result{Instrument: in.Key(), Overall: score, Pillars: []scoring.PillarScore{{PillarID: "customer", Score: score, Scored: true}}}})
		}
	}
	if err := e.st.LoadSubmissions(ctx, in, subs); err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddMemberships(ctx, e.fx.Wood.ID, ids); err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		if err := e.st.SetSharing(ctx, s.FirmID, e.fx.Wood.ID, true, 0); err != nil {
			t.Fatal(err)
		}
	}
	return codes
}

var taxCodeCellRE = regexp.MustCompile(`\b(38\d{8})\b`)

// A lead follows the member list's pages, in each order, and meets every
// member once: 120 members in three pages, whatever the ties.
func TestMemberListPagesByCursor(t *testing.T) {
	e := newEnv(t)
	codes := addWoodMembers(t, e, 120)
	lead := e.client().login("lead@test.local")
	for _, order := range []string{"", "sort=name&desc=1", "sort=status", "sort=submitted&desc=1", "sort=score&desc=1", "sort=score"} {
		seen := map[string]int{}
		r := lead.get(assocPath(e.fx.Wood.ID, "/members?"+order))
		for pages := 1; ; pages++ {
			must(t, r, http.StatusOK, "Tìm thấy 122 hội viên")
			for _, m := range taxCodeCellRE.FindAllStringSubmatch(r.body, -1) {
				seen[m[1]]++
			}
			if !strings.Contains(r.body, `rel="next"`) {
				if pages != 3 {
					t.Fatalf("%s: %d pages", order, pages)
				}
				break
			}
			r = lead.get(nextLink(t, r.body))
		}
		for _, c := range codes {
			if seen[c] == 0 || len(seen) != len(codes) {
				t.Fatalf("%s: member %s not met (%d met)", order, c, len(seen))
			}
		}
	}
}

// The lists' cursors, forged, truncated or from another list, give the
// first page and a notice in the reader's language, never an error page.
func TestGarbageCursorsGiveTheFirstPage(t *testing.T) {
	e := newEnv(t)
	addWoodMembers(t, e, 60)
	admin := e.client().login("admin@test.local")
	lead := e.client().login("lead@test.local")
	enc := func(s string) string { return url.QueryEscape(base64.RawURLEncoding.EncodeToString([]byte(s))) }
	next := nextLink(t, lead.get(assocPath(e.fx.Wood.ID, "/members")).body)
	nameCursor := next[strings.Index(next, "cursor=")+len("cursor="):]
	for _, c := range []string{"zzz", "%00%ff", strings.Repeat("A", 3000), enc(`["members:name:asc",false,["x"]]`), enc(`["firms",false,["x",1]]`),
		enc(`["members:name:asc",false,[{"x":1},1]]`), nameCursor[:len(nameCursor)/2]} {
		must(t, lead.get(assocPath(e.fx.Wood.ID, "/members?cursor="+c)), http.StatusOK, "Tìm thấy 62 hội viên", "từ trang đầu", `rel="next"`)
		if !strings.Contains(c, enc(`["firms"`)[:8]) { // a firm search cursor is the admin search's own
			must(t, admin.get("/admin/firms?lang=en&cursor="+c), http.StatusOK, "63 firms found", "starts again at its first page")
		}
	}
	// A cursor of the name order is refused by the score order.
	must(t, lead.get(assocPath(e.fx.Wood.ID, "/members?sort=score&cursor="+nameCursor)), http.StatusOK, "từ trang đầu")
	if r := lead.get(next); strings.Contains(r.body, "từ trang đầu") {
		t.Fatal("the list's own next link is announced as a restart")
	}
}

// Past 10,000 matches the lists say "more than 10,000" in both languages,
// with the plural forms of each.
func TestListCountsStopAtTenThousand(t *testing.T) {
	e := newEnv(t)
	var fs []*firms.Firm
	for i := range store.CountCap + 1 {
		f := *e.fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(400000000+i*10), fmt.Sprintf("Thử nghiệm %d", i)
		fs = append(fs, &f)
	}
	if err := e.st.CreateFirms(ctx, fs); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, f := range fs {
		ids = append(ids, f.ID)
	}
	if err := e.st.AddMemberships(ctx, e.fx.Wood.ID, ids); err != nil {
		t.Fatal(err)
	}
	admin := e.client().login("admin@test.local")
	must(t, admin.get("/admin/firms?q=thu+nghiem"), http.StatusOK, "Tìm thấy hơn 10.000 doanh nghiệp.")
	must(t, admin.get("/admin/firms?q=thu+nghiem&lang=en"), http.StatusOK, "More than 10,000 firms found.")
	must(t, admin.get("/admin/firms?q=thu+nghiem+1&lang=en"), http.StatusOK, "1,112 firms found.") // 1, 10–19, 100–199, 1000–1999, 10000
	lead := e.client().login("lead@test.local")
	must(t, lead.get(assocPath(e.fx.Wood.ID, "/members")), http.StatusOK, "Tìm thấy hơn 10.000 hội viên")
	must(t, lead.get(assocPath(e.fx.Wood.ID, "/members?lang=en&q=go")), http.StatusOK, "1 member found")
}

var (
	homeFirmsRE    = regexp.MustCompile(`id="firm-count">Danh bạ hiện có ([\d.]+) doanh nghiệp`)
	homeAssessedRE = regexp.MustCompile(`id="assessed-count">([\d.]+) doanh nghiệp đã có kết quả`)
)

// homeFigures reads the home page's two figures (-1: not shown).
func homeFigures(t *testing.T, c *client) (registry, assessed int) {
	t.Helper()
	r := c.get("/?lang=vi")
	must(t, r, http.StatusOK)
	num := func(re *regexp.Regexp) int {
		m := re.FindStringSubmatch(r.body)
		if m == nil {
			return -1
		}
		n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ".", ""))
		return n
	}
	return num(homeFirmsRE), num(homeAssessedRE)
}

// The home page's figures move by exactly what happened: a registration
// adds one firm, an import its new firms (not those it updates), a
// submission one assessed firm (a resubmission none); and the number of
// assessed firms shows only from the smallest group on.
func TestHomeFiguresFollowWrites(t *testing.T) {
	e := newEnv(t)
	anon := e.client()
	firms0, assessed0 := homeFigures(t, anon)
	if firms0 != 3 || assessed0 != -1 {
		t.Fatalf("start: %d firms, %d assessed", firms0, assessed0)
	}
	form := url.Values{"tax_code": {"3709000100"}, "firm_name": {"Công ty TNHH Cơ khí Phú An"}, "name": {"Lê Thị Hạnh"},
		"email": {"hanh@example.vn"}, "password": {"một câu mật khẩu dài"}, "password_confirm": {"một câu mật khẩu dài"}}
	must(t, e.client().post("/register", form), http.StatusSeeOther)
	if n, _ := homeFigures(t, anon); n != firms0+1 {
		t.Fatalf("after a registration: %d firms, want %d", n, firms0+1)
	}
	admin := e.client().login("admin@test.local")
	csv := "tax_code,name,vsic,ward,employees,revenue_vnd,capital_vnd,year\n" +
		mst(370920001) + ",Công ty Mới Một,4690,25747,5,1000000000,1000000000,2025\n" +
		mst(370920003) + ",Công ty Mới Hai,4690,25747,5,1000000000,1000000000,2025\n" +
		"3709000012,Công ty TNHH Gỗ Đức Thành,3100,25760,130,40000000000,20000000000,2025\n"
	must(t, uploadCSV(admin, "firms.csv", csv), http.StatusOK, "2 doanh nghiệp mới")
	if n, _ := homeFigures(t, anon); n != firms0+3 {
		t.Fatalf("after an import of 2 new firms: %d firms, want %d", n, firms0+3)
	}
	// Seven results elsewhere: from the smallest group on, the figure shows.
	storetest.SevenWoodFirms(t, e.st, e.fx, storetest.Instrument(t))
	if _, a := homeFigures(t, anon); a != 7 {
		t.Fatalf("seven assessed firms show as %d", a)
	}
	firm := e.client().login("firm@test.local")
	submitWorst(t, e, firm)
	if n, a := homeFigures(t, anon); n != firms0+3+7 || a != 8 {
		t.Fatalf("after a submission: %d firms, %d assessed; want %d, 8", n, a, firms0+10)
	}
	submitWorst(t, e, firm) // a new result of the same firm
	if _, a := homeFigures(t, anon); a != 8 {
		t.Fatalf("after a resubmission: %d assessed, want 8", a)
	}
}

// A lead pages only through the own association's members: a cursor from
// the admin's view of another association, or a forged one placed before
// every member in each order, shows the lead's own members and no other
// association's; the other association's list itself stays closed (404,
// as for any association not the lead's) whatever cursor is added.
func TestLeadCursorsStayInTheAssociation(t *testing.T) {
	e := newEnv(t)
	addWoodMembers(t, e, 60)
	lead := e.client().login("lead@test.local")
	admin := e.client().login("admin@test.local")
	kho := string(e.fx.Kho.TaxCode)
	if r := admin.get(assocPath(e.fx.Logistics.ID, "/members")); !strings.Contains(r.body, kho) {
		t.Fatalf("the admin does not see logistics' member %s: the test would prove nothing", kho)
	}
	enc := func(s string) string { return url.QueryEscape(base64.RawURLEncoding.EncodeToString([]byte(s))) }
	for order, first := range map[string]string{
		"sort=name":             `["members:name:asc",false,["",0]]`,
		"sort=status&desc=1":    `["members:status:desc",false,[-1,"",0]]`,
		"sort=score&desc=1":     `["members:score:desc",false,[0,-1000,"",0]]`,
		"sort=submitted&desc=1": `["members:submitted:desc",false,[0,-99999,-9999999,"",0]]`,
	} {
		r := lead.get(assocPath(e.fx.Wood.ID, "/members?"+order+"&cursor="+enc(first)))
		must(t, r, http.StatusOK, "Tìm thấy 62 hội viên", `rel="next"`)
		if strings.Contains(r.body, kho) || strings.Contains(r.body, "từ trang đầu") {
			t.Errorf("%s: a forged cursor before every member shows logistics' member or restarts", order)
		}
		if len(taxCodeCellRE.FindAllString(r.body, -1)) == 0 {
			t.Errorf("%s: no wood member on the page", order)
		}
		next := nextLink(t, r.body)
		cursor := next[strings.Index(next, "cursor="):]
		if r := lead.get(assocPath(e.fx.Logistics.ID, "/members?"+order+"&"+cursor)); r.status != http.StatusNotFound || strings.Contains(r.body, kho) {
			t.Errorf("%s: the lead of wood reads logistics' list with a cursor: %d", order, r.status)
		}
	}
}
