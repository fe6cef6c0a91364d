package web

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"dxready/auth"
	"dxready/firms"
)

// ATTACK (issue 13, point 7): "a member invited by its association is not
// invited again by it within 30 days, whoever pressed and however"
// (firms.InviteAgainAfter). The one-member invite form follows only a
// per-day dedupe key: the day after a bulk press, the lead invites the
// same member again, and again every day.
func TestSingleInviteHonoursThe30Days(t *testing.T) {
	e := newEnv(t)
	ids := bulkMembers(t, e, 1)
	giveContact(t, e, ids[0], "Trần Thị Bình", "binh@moi.vn", false)
	lead := e.client().login("lead@test.local")
	must(t, lead.post(assocPath(e.fx.Wood.ID, "/members/invite"), ticked("selected", ids[0])), http.StatusOK, "Đã xếp hàng 1 thư mời")
	for day := 1; day <= 3; day++ {
		e.setNow(e.fx.Clock.Now().Add(24 * time.Hour))
		lead = e.client().login("lead@test.local")
		lead.post(assocPath(e.fx.Wood.ID, fmt.Sprintf("/members/%d/invite", ids[0])), url.Values{"email": {""}})
	}
	if n := len(byKind(t, e, "member_invite")); n != 1 {
		t.Fatalf("a member invited by a bulk press was invited %d times in 4 days (the rule says once in 30)", n)
	}
}

// ATTACK (issue 13, point 7): a firm that erased its contact person opted
// out of the association's mail (firms.SkipOptedOut); the one-member form
// still invites it at any address the lead types, e.g. the registry's.
func TestSingleInviteHonoursTheOptOut(t *testing.T) {
	e := newEnv(t)
	ids := bulkMembers(t, e, 1)
	giveContact(t, e, ids[0], "Lê Văn Cường", "cuong@moi.vn", true)
	lead := e.client().login("lead@test.local")
	must(t, lead.post(assocPath(e.fx.Wood.ID, "/members/invite"), ticked("selected", ids[0])), http.StatusOK, "Đã xếp hàng 0 thư mời", "1 đã xoá người liên hệ")
	lead.post(assocPath(e.fx.Wood.ID, fmt.Sprintf("/members/%d/invite", ids[0])), url.Values{"email": {"cuong@moi.vn"}})
	if ms := byKind(t, e, "member_invite"); len(ms) != 0 {
		t.Fatalf("a member that erased its contact was invited at %s", ms[0].To)
	}
}

// A member the rule refuses is told why, in the lead's language, on the
// invitation page before anything is typed and after a press; an address
// typed does not override the refusal. Where the rule allows it, the
// address typed still corrects the one on file.
func TestSingleInviteSaysWhyNot(t *testing.T) {
	e := newEnv(t)
	ids := bulkMembers(t, e, 2)
	giveContact(t, e, ids[0], "Lê Văn Cường", "cuong@moi.vn", true)
	lead := e.client().login("lead@test.local")
	optedOut := assocPath(e.fx.Wood.ID, fmt.Sprintf("/members/%d/invite", ids[0]))
	must(t, lead.get(optedOut), http.StatusOK, `id="invite-refused"`, "đã xoá người liên hệ")
	must(t, lead.post(optedOut, url.Values{"email": {"moi@cuong.vn"}}), http.StatusConflict, "đã xoá người liên hệ")
	must(t, lead.post(optedOut+"?lang=en", url.Values{"email": {"moi@cuong.vn"}}), http.StatusConflict, "removed its contact person")
	// Allowed: the address typed wins over the registry's, once.
	fine := assocPath(e.fx.Wood.ID, fmt.Sprintf("/members/%d/invite", ids[1]))
	must(t, lead.get(fine+"?lang=vi"), http.StatusOK, `id="send-invite"`)
	must(t, lead.post(fine, url.Values{"email": {"Dung@Moi.vn"}}), http.StatusSeeOther)
	if ms := byKind(t, e, "member_invite"); len(ms) != 1 || ms[0].To != "dung@moi.vn" {
		t.Fatalf("invitations: %+v", ms)
	}
	must(t, lead.post(fine, url.Values{"email": {""}}), http.StatusConflict, "trong 30 ngày qua")
}

// ATTACK: a member with a result is not invited one at a time either
// (its only account was disabled, so it looks like a firm without one).
func TestSingleInviteRefusesAnAssessedMember(t *testing.T) {
	e := newEnv(t)
	submitWorst(t, e, e.client().login("firm@test.local"))
	if err := e.st.SetUserStatus(ctx, e.fx.FirmUser.ID, e.fx.GoDuc.ID, auth.StatusDisabled); err != nil {
		t.Fatal(err)
	}
	lead := e.client().login("lead@test.local")
	goDuc := assocPath(e.fx.Wood.ID, fmt.Sprintf("/members/%d/invite", e.fx.GoDuc.ID))
	must(t, lead.get(goDuc), http.StatusOK, `id="invite-refused"`, "đã có kết quả tự đánh giá")
	must(t, lead.post(goDuc, url.Values{"email": {"giamdoc@goduc.vn"}}), http.StatusConflict, "đã có kết quả tự đánh giá")
	if ms := byKind(t, e, "member_invite"); len(ms) != 0 {
		t.Fatalf("an assessed member was invited at %s", ms[0].To)
	}
}

// giveContact records a consenting contact person of firm id, as the firm
// gives one; with erase, the firm then erases it (and so opts out).
func giveContact(t *testing.T, e *env, id int64, name, email string, erase bool) {
	t.Helper()
	if err := e.st.SaveContact(ctx, &firms.Contact{FirmID: id, FullName: name, Email: email, ConsentVersion: "v1",
		ConsentAt: e.fx.Clock.Now(), ConsentBy: e.fx.Admin.ID}); err != nil {
		t.Fatal(err)
	}
	if erase {
		if err := e.st.EraseContact(ctx, id, e.fx.Admin.ID); err != nil {
			t.Fatal(err)
		}
	}
}
