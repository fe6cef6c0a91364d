package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

func TestMemberListShowsScoresOnlyWhenShared(t *testing.T) {
	e := newEnv(t)
	ids := storetest.SevenWoodFirms(t, e.st, e.fx, storetest.Instrument(t))
	e.st.SetSharing(ctx, ids[2], e.fx.Wood.ID, true, 0)
	lead := e.client().login("lead@test.local")
	r := lead.get(assocPath(e.fx.Wood.ID, "/members"))
	must(t, r, http.StatusOK, "Tìm thấy 9 hội viên", "Công ty Gỗ C", `<td class="num">30,0</td><td>Bắt đầu</td>`, "không chia sẻ", "Chưa bắt đầu",
		"Đã nộp 22/11/2026", "Đã nộp Quý 4/2026")
	// Six submitted without sharing; the two that never started are "not
	// assessed", not "not sharing"; only the shared result has its day.
	if n, m, d := strings.Count(r.body, "không chia sẻ"), strings.Count(r.body, "chưa đánh giá"), strings.Count(r.body, "22/11/2026"); n != 6 || m != 2 || d != 1 {
		t.Fatalf("want 6 unshared rows, 2 not assessed and 1 exact date; got %d, %d, %d", n, m, d)
	}
	must(t, lead.get(assocPath(e.fx.Wood.ID, "/members?status=none")), http.StatusOK, "Tìm thấy 2 hội viên", "Gỗ Đức Thành", "Nội thất Bình Dương")
	must(t, lead.get(assocPath(e.fx.Wood.ID, "/members?sort=score&desc=1&status=bogus&page=-3")), http.StatusOK, "Tìm thấy 9 hội viên")
	// The firm withdraws: the next view hides the score.
	e.st.SetSharing(ctx, ids[2], e.fx.Wood.ID, false, 0)
	if r := lead.get(assocPath(e.fx.Wood.ID, "/members")); strings.Contains(r.body, `<td class="num">30,0</td>`) {
		t.Fatal("a withdrawn score is still shown")
	}
}

func readCSV(t *testing.T, body string) [][]string {
	t.Helper()
	if !strings.HasPrefix(body, "\xEF\xBB\xBF") {
		t.Fatal("CSV has no byte-order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\xEF\xBB\xBF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestMemberExportsKeepConsentAndAreAudited(t *testing.T) {
	e := newEnv(t)
	ids := storetest.SevenWoodFirms(t, e.st, e.fx, storetest.Instrument(t))
	e.st.SetSharing(ctx, ids[2], e.fx.Wood.ID, true, 0)
	lead := e.client().login("lead@test.local")
	r := lead.get(assocPath(e.fx.Wood.ID, "/members.csv?sort=score&desc=1"))
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Disposition"), `attachment; filename="members-wood-`) {
		t.Fatalf("csv: %d %v", r.status, r.header)
	}
	recs := readCSV(t, r.body)
	if len(recs) != 10 || recs[0][0] != "Mã số thuế" || recs[0][11] != "Trải nghiệm số cho khách hàng" {
		t.Fatalf("header/rows: %d %v", len(recs), recs[0])
	}
	scored := 0
	for _, rec := range recs[1:] {
		if rec[5] == "Đã nộp" && rec[7] == "không" && rec[6] != "2026-Q4" {
			t.Fatalf("a non-sharing member's submission is dated finer than its quarter: %v", rec)
		}
		if rec[8] != "" {
			scored++
			if rec[1] != "Công ty Gỗ C" || rec[6] != "2026-11-22" || rec[7] != "có" || rec[8] != "30.0" || rec[9] != "2" || rec[11] != "30.0" || rec[12] != "" {
				t.Fatalf("shared row: %v", rec)
			}
		}
	}
	if scored != 1 || recs[1][1] != "Công ty Gỗ C" {
		t.Fatalf("%d rows carry scores; first row %v", scored, recs[1])
	}
	x := lead.get(assocPath(e.fx.Wood.ID, "/members.xlsx?lang=en"))
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
	if err != nil || x.status != http.StatusOK {
		t.Fatalf("xlsx: %d %v", x.status, err)
	}
	rows, _ := f.GetRows("Members")
	if len(rows) != 10 || rows[0][0] != "Tax code (MST)" {
		t.Fatalf("xlsx rows: %d %v", len(rows), rows[0])
	}
	// eyes13 §2.8: the submission day is a date cell, shown ISO, not the
	// long form of the English pages.
	for i, row := range rows[1:] {
		if row[8] == "" {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(7, i+2)
		raw, _ := f.GetCellValue("Members", cell, excelize.Options{RawCellValue: true})
		if row[6] != "2026-11-22" || raw != "46348" {
			t.Errorf("xlsx submitted on %q (raw %q)", row[6], raw)
		}
	}
	log, err := e.st.AuditEntries(ctx, "export", 10)
	if err != nil || len(log) != 2 || !strings.HasSuffix(log[0].Subject, "/members.xlsx") ||
		log[0].UserEmail != "lead@test.local" || log[0].Detail != "started query=lang=en" || !strings.HasSuffix(log[1].Subject, "/members.csv") {
		t.Fatalf("audit log: %+v, %v", log, err)
	}
	// What went out is a second entry naming the first (the log is append-only).
	if end, _ := e.st.AuditEntries(ctx, "export.end", 10); len(end) != 2 || end[0].Subject != log[0].Subject || !strings.HasPrefix(end[0].Detail, "rows=9 entry=") {
		t.Fatalf("export ends: %+v", end)
	}
	// Another association's lists stay closed.
	must(t, lead.get(assocPath(e.fx.Logistics.ID, "/members.csv")), http.StatusNotFound)
	must(t, e.client().login("firm@test.local").get(assocPath(e.fx.Wood.ID, "/members.csv")), http.StatusNotFound)
}

// The export carries the dashboard's figures: the whole association
// protected (the store's perturbed mean, no quartiles, a note saying so),
// the shared selection exact, suppressed groups with their count and why.
func TestAggregateExportSuppressesLikeTheDashboard(t *testing.T) {
	e := newEnv(t)
	ids := storetest.SevenWoodFirms(t, e.st, e.fx, storetest.Instrument(t))
	if err := e.st.AddSharing(ctx, e.fx.Wood.ID, ids[:5]); err != nil {
		t.Fatal(err)
	}
	whole := strings.Replace(wholeMean(t, e, e.fx.Wood.ID), ",", ".", 1)
	lead := e.client().login("lead@test.local")
	recs := readCSV(t, lead.get(assocPath(e.fx.Wood.ID, "/aggregates.csv")).body)
	if len(recs[0]) != 5+scoring.Levels+5+6 || recs[0][2] != "Đối tượng được tính" || recs[0][12] != "± (19 trên 20)" {
		t.Fatalf("header: %v", recs[0])
	}
	byGroup := map[string][]string{}
	for _, rec := range recs[1:] {
		byGroup[rec[0]+"|"+rec[1]] = rec
	}
	if g := byGroup["Toàn hiệp hội|Hiệp hội Gỗ thử"]; g[3] != "7" || !strings.HasPrefix(g[4], "được bảo vệ") || g[11] != whole || g[12] == "" || g[13] != "" {
		t.Fatalf("whole association row (mean should be %s): %v", whole, g)
	}
	if g := byGroup["Phạm vi|Hiệp hội Gỗ thử"]; g[3] != "5" || g[4] != "" || g[11] != "30.0" || g[12] != "" || g[13] != "20.0" {
		t.Fatalf("shared selection row: %v", g)
	}
	if g := byGroup["Cuối quý|Quý 3/2026"]; g[3] != "2" || g[4] != "dưới 5 doanh nghiệp" || g[11] != "" {
		t.Fatalf("suppressed quarter: %v", g)
	}
	if g := byGroup["Cuối quý|Quý 4/2026 (đến nay)"]; g[3] != "7" || g[11] != whole {
		t.Fatalf("suppressed quarter: %v", g)
	}
	if _, ok := byGroup["Toàn tỉnh|Trung bình toàn tỉnh"]; !ok {
		t.Fatalf("no province row: %v", byGroup)
	}
	x := lead.get(assocPath(e.fx.Wood.ID, "/aggregates.xlsx?ward=25760"))
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Số liệu")
	if len(rows) < 5 || rows[1][3] != "7" || rows[1][11] != whole {
		t.Fatalf("xlsx: a ward filter moved the whole association: %v", rows[:min(5, len(rows))])
	}
}

// A firm gives and withdraws consent on its profile; the lead's list
// follows at once. Forged values change nothing.
func TestFirmSharesAndWithdrawsOnItsProfile(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	firm := e.client().login("firm@test.local")
	must(t, firm.get("/profile"), http.StatusOK, "Hiệp hội Gỗ thử", "không chia sẻ", `id="share-1"`)
	must(t, firm.post("/profile/sharing", values("association", "1", "share", "1")), http.StatusSeeOther)
	must(t, firm.get("/profile"), http.StatusOK, "Kết quả của doanh nghiệp đã được chia sẻ", "đang chia sẻ kết quả", `id="withdraw-1"`)
	// GoDuc submits; the lead sees its score while it shares.
	d, _ := e.st.Draft(ctx, e.fx.GoDuc.ID, in, survey.Profile{Section: "C", Size: string(e.fx.GoDuc.SizeClass)}, 0)
	res := scoring.Result{Instrument: in.Key(), Overall: 62.5, Level: 3, Pillars: []scoring.PillarScore{{PillarID: "customer", Score: 62.5, Scored: true}}}
	if err := e.st.SubmitResponse(ctx, d.ID, e.fx.GoDuc.ID, 0, d.Version(), res); err != nil {
		t.Fatal(err)
	}
	lead := e.client().login("lead@test.local")
	must(t, lead.get(assocPath(e.fx.Wood.ID, "/members")), http.StatusOK, `<td class="num">62,5</td>`)
	must(t, firm.post("/profile/sharing", values("association", "1", "share", "0")), http.StatusSeeOther)
	if r := lead.get(assocPath(e.fx.Wood.ID, "/members")); strings.Contains(r.body, "62,5") {
		t.Fatal("withdrawal did not take effect at once")
	}
	must(t, firm.post("/profile/sharing", values("association", "2", "share", "1")), http.StatusBadRequest, "không phải hội viên")
	must(t, firm.post("/profile/sharing", values("association", "1", "share", "yes")), http.StatusBadRequest)
	must(t, lead.post("/profile/sharing", values("association", "1", "share", "1")), http.StatusForbidden)
}

func memberFilterOf(assoc int64) store.MemberFilter { return store.MemberFilter{AssociationID: assoc} }

// A lead invites a member without an account: to its consenting contact
// (whose address the lead never sees) or an address typed in; once in 30
// days at most (firms.InviteDecision); not a firm that has an account or is
// not a member.
func TestLeadInvitesMembers(t *testing.T) {
	e := newEnv(t)
	lead := e.client().login("lead@test.local")
	noiThat := fmt.Sprintf("/associations/%d/members/%d/invite", e.fx.Wood.ID, e.fx.NoiThat.ID)
	must(t, lead.get(assocPath(e.fx.Wood.ID, "/members")), http.StatusOK, noiThat)
	must(t, lead.get(noiThat), http.StatusOK, "Nội thất Bình Dương chưa có tài khoản")
	must(t, lead.post(noiThat, nil), http.StatusUnprocessableEntity, "chưa khai người liên hệ có email")
	must(t, lead.post(noiThat, values("email", "not an address")), http.StatusUnprocessableEntity)
	must(t, lead.post(noiThat, values("email", "GiamDoc@NoiThat.vn")), http.StatusSeeOther)
	must(t, lead.get(assocPath(e.fx.Wood.ID, "/members")), http.StatusOK, "Thư mời đã được xếp hàng")
	// Invited: not again within 30 days, at another address either; the page says so before any is typed.
	must(t, lead.post(noiThat, values("email", "khac@noithat.vn")), http.StatusConflict, "trong 30 ngày qua")
	r := lead.get(noiThat)
	must(t, r, http.StatusOK, `id="invite-refused"`, "trong 30 ngày qua")
	if strings.Contains(r.body, `id="send-invite"`) {
		t.Error("the form is offered to a member the rule does not invite")
	}
	if log, _ := e.st.AuditEntries(ctx, "association.invite", 10); len(log) != 1 {
		t.Errorf("audit: %+v", log)
	}
	out, _ := e.st.Outbox(ctx, 10)
	if len(out) != 1 || out[0].To != "giamdoc@noithat.vn" || !strings.Contains(out[0].Body, "/register?tax_code="+string(e.fx.NoiThat.TaxCode)) ||
		!strings.Contains(out[0].Body, "Hiệp hội Gỗ thử trân trọng mời") || !strings.Contains(out[0].Body, "Test Wood Association invites") {
		t.Fatalf("outbox: %+v", out)
	}
	// The link opens registration with the tax code filled in.
	must(t, e.client().get("/register?tax_code="+string(e.fx.NoiThat.TaxCode)), http.StatusOK, `value="`+string(e.fx.NoiThat.TaxCode)+`"`)
	// GoDuc has an account; Kho is not a wood member; a firm user may not invite.
	must(t, lead.get(fmt.Sprintf("/associations/%d/members/%d/invite", e.fx.Wood.ID, e.fx.GoDuc.ID)), http.StatusConflict)
	must(t, lead.post(fmt.Sprintf("/associations/%d/members/%d/invite", e.fx.Wood.ID, e.fx.Kho.ID), nil), http.StatusNotFound)
	must(t, e.client().login("firm@test.local").get(noiThat), http.StatusNotFound)
}
