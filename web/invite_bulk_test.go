package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"dxready/firms"
	"dxready/store/storetest"
)

// bulkMembers adds n wood members without an account or a result, each
// with a registry address (demo firms get lienhe.<MST>@demo.local), and
// returns their ids.
func bulkMembers(t *testing.T, e *env, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := range n {
		f := *e.fx.NoiThat
		f.ID, f.TaxCode, f.Name, f.Demo = 0, storetest.TaxCodeFrom(381100000+i*10), fmt.Sprintf("Công ty Mời %03d", i), true
		if err := e.st.CreateFirm(ctx, &f); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, f.ID)
	}
	if err := e.st.AddMemberships(ctx, e.fx.Wood.ID, ids); err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddDemoRegistryContacts(ctx); err != nil {
		t.Fatal(err)
	}
	return ids
}

func ticked(scope string, ids ...int64) url.Values {
	v := url.Values{"scope": {scope}}
	if scope == "all" { // confirmed: TestLeadInvitesManyMembers checks the question asked first
		v.Set("confirm", "1")
	}
	for _, id := range ids {
		v.Add("firm", fmt.Sprint(id))
	}
	return v
}

// A lead invites the members ticked, then every member without a result:
// each once, to its contact (else its registry address), in its language;
// the page says how many went and why the others did not; the list and
// the export show who was invited when, and who registered; audited.
func TestLeadInvitesManyMembers(t *testing.T) {
	e := newEnv(t)
	ids := bulkMembers(t, e, 3)
	if err := e.st.SaveContact(ctx, &firms.Contact{FirmID: ids[0], FullName: "Trần Thị Bình", Email: "binh@moi.vn", ConsentVersion: "v1",
		ConsentAt: e.fx.Clock.Now(), ConsentBy: e.fx.Admin.ID}); err != nil {
		t.Fatal(err)
	}
	lead := e.client().login("lead@test.local")
	invite := assocPath(e.fx.Wood.ID, "/members/invite")
	list := lead.get(assocPath(e.fx.Wood.ID, "/members"))
	must(t, list, http.StatusOK, `id="invite-selected"`, fmt.Sprintf(`name="firm" value="%d" form="bulk-invite"`, ids[0]), "chưa mời")
	if strings.Contains(list.body, fmt.Sprintf(`value="%d" form="bulk-invite"`, e.fx.GoDuc.ID)) {
		t.Fatal("a registered member can be ticked")
	}
	// Two ticked, one of them registered already.
	must(t, lead.post(invite, ticked("selected", ids[0], e.fx.GoDuc.ID)), http.StatusOK, "Đã xếp hàng 1 thư mời", "1 đã có tài khoản")
	// Everyone without a result: the one just invited is not mailed again.
	// Someone claimed the third member in English: its invitation is in English.
	registerAs(t, e, string(storetest.TaxCodeFrom(381100020)), "Công ty Mời 002", "claimant@moi.vn", "en")
	// NoiThat, a member without an account, has no address at all.
	// Asked first: the count that would go and why the others would not; nothing is sent.
	must(t, lead.post(invite, url.Values{"scope": {"all"}}), http.StatusOK, "Sẽ gửi 2 thư mời", "1 đã được mời trong 30 ngày qua",
		"1 không có địa chỉ email", "1 đã có tài khoản", `id="confirm-invite-all"`, "Gửi 2 thư mời")
	if n := len(byKind(t, e, "member_invite")); n != 1 {
		t.Fatalf("the question sent invitations: %d in the outbox", n)
	}
	must(t, lead.post(invite, ticked("all")), http.StatusOK, "Đã xếp hàng 2 thư mời", "1 đã được mời trong 30 ngày qua",
		"1 không có địa chỉ email", "1 đã có tài khoản")
	to := map[string]int{}
	for _, m := range byKind(t, e, "member_invite") {
		to[m.To]++
	}
	want := map[string]int{"binh@moi.vn": 1, "lienhe." + string(storetest.TaxCodeFrom(381100010)) + "@demo.local": 1,
		"lienhe." + string(storetest.TaxCodeFrom(381100020)) + "@demo.local": 1}
	if fmt.Sprint(to) != fmt.Sprint(want) {
		t.Fatalf("invitations went to %v, want %v", to, want)
	}
	for _, m := range byKind(t, e, "member_invite") {
		english := strings.Contains(m.To, string(storetest.TaxCodeFrom(381100020)))
		if english != (m.Lang == "en") || english && (strings.Contains(m.Body, "trân trọng mời") || !strings.Contains(m.Body, "Test Wood Association invites") ||
			!strings.Contains(m.Body, "&lang=en")) || !english && !strings.Contains(m.Body, "Hiệp hội Gỗ thử trân trọng mời") {
			t.Errorf("invitation to %s in %s:\n%s", m.To, m.Lang, m.Body)
		}
	}
	// The list and the export say who was invited, when.
	today := e.fx.Clock.Now().In(time.FixedZone("ICT", 7*3600)).Format("02/01/2006")
	row := between(lead.get(assocPath(e.fx.Wood.ID, "/members")).body, fmt.Sprintf(`id="member-%d"`, ids[0]), "</tr>")
	if !strings.Contains(row, `<td class="invited">`+today) || !strings.Contains(row, `<td class="registered">không`) {
		t.Fatalf("row: %s", row)
	}
	recs := readCSV(t, lead.get(assocPath(e.fx.Wood.ID, "/members.csv")).body)
	if h := recs[0]; h[len(h)-2] != "Đã mời" || h[len(h)-1] != "Đã đăng ký" {
		t.Fatalf("export header %v", h)
	}
	iso := e.fx.Clock.Now().In(time.FixedZone("ICT", 7*3600)).Format(time.DateOnly)
	for _, rec := range recs[1:] {
		invited, registered := rec[len(rec)-2], rec[len(rec)-1]
		if _, err := time.Parse(time.DateOnly, invited); invited != "" && err != nil {
			t.Errorf("eyes13 §2.8: the Invited column %q is not an ISO date", invited)
		}
		if rec[1] == "Công ty Mời 000" && (invited != iso || registered != "không") ||
			rec[1] == "Công ty TNHH Gỗ Đức Thành" && (invited != "" || registered != "có") {
			t.Errorf("export row %v", rec)
		}
	}
	log, err := e.st.AuditEntries(ctx, "association.invite_bulk", 10)
	if err != nil || len(log) != 2 || log[0].UserEmail != "lead@test.local" || !strings.Contains(log[0].Detail, "scope=not_assessed") ||
		!strings.Contains(log[1].Detail, "sent=1 recent=0") {
		t.Fatalf("audit: %+v %v", log, err)
	}
}

// ATTACK: a lead ticks firms of another association (forged ids), ids of
// no firm, a huge selection, presses twice, and a firm that erased its
// contact person: none of them gets mail, and nothing goes out twice.
func TestBulkInviteAttacks(t *testing.T) {
	e := newEnv(t)
	ids := bulkMembers(t, e, 2)
	lead := e.client().login("lead@test.local")
	invite := assocPath(e.fx.Wood.ID, "/members/invite")

	// Another association's firm and made-up ids.
	must(t, lead.post(invite, ticked("selected", e.fx.Kho.ID, 999999, -4)), http.StatusOK, "Đã xếp hàng 0 thư mời", "3 không phải hội viên")
	v := ticked("selected", e.fx.Kho.ID)
	v.Add("firm", "abc")
	must(t, lead.post(invite, v), http.StatusOK, "Đã xếp hàng 0 thư mời", "2 không phải hội viên")
	// Another association's lead path: not theirs at all.
	must(t, lead.post(assocPath(e.fx.Logistics.ID, "/members/invite"), ticked("selected", e.fx.Kho.ID)), http.StatusNotFound)
	if n := len(byKind(t, e, "member_invite")); n != 0 {
		t.Fatalf("%d invitations to non-members", n)
	}
	// A huge selection is refused whole.
	huge := ticked("selected")
	for i := range firms.MaxBulkInvite + 1 {
		huge.Add("firm", fmt.Sprint(ids[i%2]))
	}
	must(t, lead.post(invite, huge), http.StatusUnprocessableEntity, "tối đa 200 hội viên")
	must(t, lead.post(invite, ticked("selected")), http.StatusUnprocessableEntity, "ít nhất một hội viên")
	if n := len(byKind(t, e, "member_invite")); n != 0 {
		t.Fatalf("%d invitations from refused presses", n)
	}
	// A firm that erased its contact person is not mailed at its registry address.
	if err := e.st.SaveContact(ctx, &firms.Contact{FirmID: ids[1], FullName: "Lê Văn Cường", Email: "cuong@moi.vn", ConsentVersion: "v1",
		ConsentAt: e.fx.Clock.Now(), ConsentBy: e.fx.Admin.ID}); err != nil {
		t.Fatal(err)
	}
	if err := e.st.EraseContact(ctx, ids[1], e.fx.Admin.ID); err != nil {
		t.Fatal(err)
	}
	must(t, lead.post(invite, ticked("selected", ids...)), http.StatusOK, "Đã xếp hàng 1 thư mời", "1 đã xoá người liên hệ")
	// The second press, at once and a week later: nothing again.
	must(t, lead.post(invite, ticked("selected", ids...)), http.StatusOK, "Đã xếp hàng 0 thư mời", "1 đã được mời trong 30 ngày qua")
	e.setNow(e.fx.Clock.Now().Add(7 * 24 * time.Hour))
	lead = e.client().login("lead@test.local")
	must(t, lead.post(invite, ticked("all")), http.StatusOK, "Đã xếp hàng 0 thư mời", "1 đã được mời trong 30 ngày qua")
	if ms := byKind(t, e, "member_invite"); len(ms) != 1 || strings.Contains(ms[0].To, "cuong") {
		t.Fatalf("invitations: %+v", ms)
	}
	// A month later the member may be invited again.
	e.setNow(e.fx.Clock.Now().Add(firms.InviteAgainAfter))
	lead = e.client().login("lead@test.local")
	must(t, lead.post(invite, ticked("selected", ids[0])), http.StatusOK, "Đã xếp hàng 1 thư mời")
}

// A press of "all" sends at most MaxBulkInvite and says the rest wait for
// the next press, which sends them.
func TestBulkInviteIsCapped(t *testing.T) {
	e := newEnv(t)
	bulkMembers(t, e, firms.MaxBulkInvite+5)
	lead := e.client().login("lead@test.local")
	invite := assocPath(e.fx.Wood.ID, "/members/invite")
	must(t, lead.post(invite, ticked("all")), http.StatusOK, fmt.Sprintf("Đã xếp hàng %d thư mời", firms.MaxBulkInvite), "5 chờ lần gửi sau")
	must(t, lead.post(invite, ticked("all")), http.StatusOK, "Đã xếp hàng 5 thư mời", fmt.Sprintf("%d đã được mời trong 30 ngày qua", firms.MaxBulkInvite))
	if n := len(byKind(t, e, "member_invite")); n != firms.MaxBulkInvite+5 {
		t.Fatalf("%d invitations", n)
	}
}

// between is the part of s from the first from to the next to after it.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}

// ATTACK: two presses at the same moment (a double click, two tabs) send
// each invitation once: the second transaction sees the first's.
func TestBulkInvitePressedTwiceAtOnce(t *testing.T) {
	e := newEnv(t)
	bulkMembers(t, e, 20)
	lead := e.client().login("lead@test.local")
	invite := assocPath(e.fx.Wood.ID, "/members/invite")
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lead.post(invite, ticked("all"))
		}()
	}
	wg.Wait()
	if n := len(byKind(t, e, "member_invite")); n != 20 {
		t.Fatalf("%d invitations for 20 members", n)
	}
}
