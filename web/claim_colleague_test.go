package web

import (
	"net/http"
	"strings"
	"testing"
)

// The verified user told of a second claim finds it at the top of
// /profile, with the stated role and date, and can say "not a colleague":
// that is recorded and flags the claim in the Center's queue; the
// claimant still sees nothing of the firm. Closed claimants (rejected,
// revoked) are not listed to the firm at all (their name and address are
// not the firm's to see), but the Center still sees them. Both languages.
func TestVerifiedUserSeesAndReportsASecondClaim(t *testing.T) {
	for _, tc := range []struct{ lang, waiting, role, reported string }{
		{"en", "1 person is waiting for your approval", "says they are: Accountant", "You told the Center"},
		{"vi", "1 người đang chờ bạn phê duyệt", "tự nhận là: Kế toán", "Bạn đã báo Trung tâm"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			e := newEnv(t)
			stranger := registerUnconfirmed(t, e, "3709000012", "la@example.vn", "vi")
			stranger.confirm("la@example.vn", claimPassword)
			must(t, stranger.post("/login", values("email", "la@example.vn", "password", claimPassword)), http.StatusSeeOther)
			registerAs(t, e, "3709000012", "", "rejected@example.vn", "vi")
			admin := e.client().login("admin@test.local")
			must(t, admin.post("/admin/claims/"+claimIDOf(t, e, "rejected@example.vn")+"/decide", values("decision", "reject", "reason", "x")),
				http.StatusSeeOther)
			la := claimIDOf(t, e, "la@example.vn")
			u, _ := e.st.FindUserByEmail(ctx, "la@example.vn")

			firm := e.client().login("firm@test.local")
			page := firm.get("/profile?lang=" + tc.lang)
			must(t, page, http.StatusOK, `id="profile-waiting"`, tc.waiting, `id="claim-of-`+itoa(u.ID)+`"`, tc.role, `id="report-`+itoa(u.ID)+`"`)
			if strings.Index(page.body, `id="profile-waiting"`) > strings.Index(page.body, `id="assessment"`) {
				t.Fatal("the notice is not at the top of the profile")
			}
			if strings.Contains(page.body, "rejected@example.vn") {
				t.Fatal("a rejected claimant's address is shown to the firm")
			}
			must(t, firm.post("/profile/users/"+itoa(u.ID)+"/report", nil), http.StatusSeeOther)
			must(t, firm.post("/profile/users/"+itoa(u.ID)+"/report", nil), http.StatusSeeOther) // twice records once
			must(t, firm.get("/profile?lang="+tc.lang), http.StatusOK, `id="reported-`+itoa(u.ID)+`"`, tc.reported)
			if es, _ := e.st.AuditEntries(ctx, "claims.report", 5); len(es) != 1 || es[0].UserID != e.fx.FirmUser.ID {
				t.Fatalf("audit = %+v", es)
			}
			must(t, admin.get("/admin/claims"), http.StatusOK, `id="claim-`+la+`-reported"`)
			must(t, admin.get("/firms/"+itoa(e.fx.GoDuc.ID)), http.StatusOK, "rejected@example.vn") // the Center sees all
			if r := stranger.get("/profile"); strings.Contains(r.body, `id="firm-size"`) {
				t.Fatal("a reported claimant sees the firm")
			}
			// A user of another firm, or the claimant, cannot report.
			must(t, stranger.post("/profile/users/"+itoa(u.ID)+"/report", nil), http.StatusForbidden)
		})
	}
}

// The "someone claims your firm" notice has a per-firm cap: many accounts
// registering for one firm tell its verified user at most three times a
// day; the Center's queue still lists them all.
func TestSecondClaimNoticesAreCappedPerFirm(t *testing.T) {
	e := newEnv(t)
	for _, email := range []string{"a@example.vn", "b@example.vn", "c@example.vn", "d@example.vn", "f@example.vn"} {
		registerUnconfirmed(t, e, "3709000012", email, "vi")
	}
	msgs, _ := e.st.Outbox(ctx, 100)
	n := 0
	for _, m := range msgs {
		if m.Kind == "claims.second" && m.To == "firm@test.local" {
			n++
		}
	}
	if n != 3 {
		t.Fatalf("the firm's user got %d notices", n)
	}
	must(t, e.client().login("admin@test.local").get("/admin/claims"), http.StatusOK, "a@example.vn", "f@example.vn")
}

// The registration page says how a claim is verified: a code to the
// firm's registered address, a colleague, or the Center.
func TestRegisterSaysHowAClaimIsVerified(t *testing.T) {
	e := newEnv(t)
	must(t, e.client().get("/register?lang=en"), http.StatusOK, "a code sent to the firm's email address in the business registry",
		"a colleague", "Digital Transformation Center")
	must(t, e.client().get("/register?lang=vi"), http.StatusOK, "mã gửi tới địa chỉ thư của doanh nghiệp trong danh bạ",
		"đồng nghiệp", "Trung tâm Chuyển đổi số")
}
