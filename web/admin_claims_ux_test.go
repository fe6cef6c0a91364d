package web

import (
	"dxready/store/storetest"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// registerUnconfirmed registers an account for taxCode that never opens
// its confirmation link; its client is not signed in.
func registerUnconfirmed(t *testing.T, e *env, taxCode, email, lang string) *client {
	t.Helper()
	c := e.client()
	must(t, c.post("/register?lang="+lang, url.Values{"tax_code": {taxCode}, "name": {"Người lạ " + email}, "email": {email},
		"stated_role": {"accountant"}, "password": {claimPassword}, "password_confirm": {claimPassword}}), http.StatusSeeOther)
	// Unconfirmed, it cannot sign in (its right password is answered as a
	// wrong one): the claim waits in the queue, its owner unreachable by mail.
	must(t, c.post("/login", url.Values{"email": {email}, "password": {claimPassword}}), http.StatusUnauthorized)
	return c
}

func claimIDOf(t *testing.T, e *env, email string) string {
	t.Helper()
	u, err := e.st.FindUserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	c, err := e.st.CurrentClaim(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return itoa(c.ID)
}

// The Center's answer after a decision says what really happened: a
// claimant whose address is unconfirmed got no mail (the outbox refuses
// it) and the admin is told to call them, in both languages; the queue
// row says whether the address is confirmed, whether and when a code was
// sent, and names the firm's verified users to call.
func TestAdminClaimAnswerSaysWhoWasMailed(t *testing.T) {
	for _, tc := range []struct{ lang, unconfirmed, notMailed, mailed, noCode string }{
		{"en", "Address not confirmed", "so no mail was sent: call them", "They have been told by mail", "No code sent"},
		{"vi", "Địa chỉ thư chưa xác nhận", "không có thư nào được gửi: hãy gọi điện", "đã được báo qua thư", "Chưa gửi mã"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			e := newEnv(t)
			admin := e.client().login("admin@test.local")
			registerUnconfirmed(t, e, "3709000012", "mai@example.vn", "vi")
			registerAs(t, e, "3709000044", "", "hung@example.vn", "en")
			mai, hung := claimIDOf(t, e, "mai@example.vn"), claimIDOf(t, e, "hung@example.vn")
			must(t, admin.get("/admin/claims?lang="+tc.lang), http.StatusOK, `id="claim-`+mai+`-unconfirmed"`, tc.unconfirmed,
				`id="claim-`+hung+`-confirmed"`, tc.noCode, `id="claim-`+mai+`-colleagues"`, "Nguyễn Văn An", "firm@test.local")

			r := admin.post("/admin/claims/"+mai+"/decide?lang="+tc.lang, values("decision", "reject", "reason", "Không ai biết"))
			must(t, r, http.StatusSeeOther)
			must(t, admin.get(r.header.Get("Location")), http.StatusOK, `id="decided"`, tc.notMailed)
			r = admin.post("/admin/claims/"+hung+"/decide?lang="+tc.lang, values("decision", "approve"))
			must(t, r, http.StatusSeeOther)
			page := admin.get(r.header.Get("Location"))
			must(t, page, http.StatusOK, `id="decided"`, tc.mailed, "hung@example.vn")
			if strings.Contains(page.body, tc.notMailed) {
				t.Fatal("a mailed claimant is said not to be")
			}
		})
	}
}

// The attacks on a transfer, the one decision that takes a firm from its
// users: no reason, or no ticked confirmation, changes nothing; the
// confirmation names the users who lose the firm; the answer says how
// many did; the revoked user's mail carries the reason.
func TestTransferNeedsReasonAndConfirmation(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login("admin@test.local")
	registerAs(t, e, "3709000012", "", "t@example.vn", "en")
	id := claimIDOf(t, e, "t@example.vn")
	decide := func(kv ...string) resp {
		return admin.post("/admin/claims/"+id+"/decide?lang=en", values(append([]string{"decision", "transfer"}, kv...)...))
	}
	still := func() {
		t.Helper()
		if u, _ := e.st.FindUserByEmail(ctx, "firm@test.local"); !u.FirmVerified {
			t.Fatal("the firm's user lost it before the transfer was confirmed")
		}
	}
	must(t, decide("reason", ""), http.StatusUnprocessableEntity, "Give a reason")
	still()
	must(t, decide("reason", "Director confirmed by phone"), http.StatusOK, `id="transfer-losers"`, "Nguyễn Văn An", "firm@test.local",
		"Director confirmed by phone")
	still()
	must(t, decide("reason", "Director confirmed by phone", "confirm_step", "1"), http.StatusUnprocessableEntity, `id="transfer-missed"`)
	still()
	r := decide("reason", "Director confirmed by phone", "confirm_step", "1", "confirm", "yes", "loser", itoa(e.fx.FirmUser.ID))
	must(t, r, http.StatusSeeOther)
	must(t, admin.get(r.header.Get("Location")+"&lang=en"), http.StatusOK, "approved and the firm transferred: 1 user lost access")
	old := e.client()
	if r := old.signIn("firm@test.local", ""); r.header.Get("Location") != "/profile" {
		t.Fatalf("the revoked user lands on %s", r.header.Get("Location"))
	}
	page := old.get("/profile")
	must(t, page, http.StatusOK, `data-claim="revoked"`, `id="claim-decided"`, "Director confirmed by phone")
	if strings.Contains(page.body, `href="/assessment"`) {
		t.Fatal("the revoked user is offered the self-assessment")
	}
	msgs, _ := e.st.Outbox(ctx, 100)
	found := false
	for _, m := range msgs {
		if m.Kind == "claims.revoked" && m.To == "firm@test.local" {
			found = strings.Contains(m.Body, "Lý do: Director confirmed by phone")
		}
	}
	if !found {
		t.Fatal("the revoked user's mail lacks the reason")
	}
}

// A message about a decision with no reason has no bare "Reason:" line,
// in either language.
func TestClaimMailsOmitAnEmptyReason(t *testing.T) {
	e := newEnv(t)
	for _, l := range []string{"vi", "en"} {
		loc := e.web.bundle.For(l)
		for _, kind := range []string{"rejected", "revoked"} {
			body := loc.T("mail.claims."+kind+".body", "Name", "An", "Firm", "F", "Reason", "")
			if strings.Contains(body, "Lý do:") || strings.Contains(body, "Reason:") {
				t.Errorf("%s %s: %q", l, kind, body)
			}
			if with := loc.T("mail.claims."+kind+".body", "Name", "An", "Firm", "F", "Reason", "R1"); !strings.Contains(with, ": R1") {
				t.Errorf("%s %s drops a given reason: %q", l, kind, with)
			}
		}
	}
}

// The confirmation names who loses the firm, and the transfer takes the
// firm from exactly those: a colleague verified between the page and its
// answer (or a forged list) makes the transfer refuse, change nothing, and
// show the page again naming everyone who would now lose it.
func TestTransferTakesTheFirmOnlyFromThoseNamed(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login("admin@test.local")
	registerAs(t, e, "3709000012", "", "t@example.vn", "en")
	id := claimIDOf(t, e, "t@example.vn")
	confirm := func(losers ...int64) resp {
		v := values("decision", "transfer", "reason", "Director confirmed by phone", "confirm_step", "1", "confirm", "yes")
		for _, l := range losers {
			v.Add("loser", itoa(l))
		}
		return admin.post("/admin/claims/"+id+"/decide?lang=en", v)
	}
	shown := e.fx.FirmUser.ID // the page named the fixture's user only
	late := storetest.FirmUser(t, e.st, "late@example.vn", e.fx.GoDuc.ID)
	must(t, confirm(shown), http.StatusUnprocessableEntity, `id="transfer-changed"`, "late@example.vn", e.fx.FirmUser.Email)
	for _, email := range []string{e.fx.FirmUser.Email, "late@example.vn"} {
		if u, _ := e.st.FindUserByEmail(ctx, email); !u.FirmVerified {
			t.Fatalf("%s lost the firm by a transfer that did not name them", email)
		}
	}
	must(t, confirm(shown, late.ID, 999), http.StatusUnprocessableEntity, `id="transfer-changed"`)
	must(t, confirm(late.ID, shown), http.StatusSeeOther)
	for _, email := range []string{e.fx.FirmUser.Email, "late@example.vn"} {
		if u, _ := e.st.FindUserByEmail(ctx, email); u.FirmVerified {
			t.Fatalf("%s kept the firm after the confirmed transfer", email)
		}
	}
}
