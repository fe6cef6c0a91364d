package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"dxready/auth"
	"dxready/store"
)

var eightDigits = regexp.MustCompile(`\b\d{8}\b`)

// lastCode reads the newest claim code message from the outbox: its
// recipient and the code it carries.
func lastCode(t *testing.T, e *env) (to, code, lang string) {
	t.Helper()
	msgs, err := e.st.Outbox(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Kind == "claims.code" {
			return m.To, eightDigits.FindString(m.Body), m.Lang
		}
	}
	t.Fatal("no claim code in the outbox")
	return
}

// The attacks on the code: it goes only to the registry's address, in the
// claimant's language, and never appears on a page; five wrong guesses
// spend the claim's codes, even for the right code afterwards, and no new
// code is sent meanwhile; a code expires after 24 hours; only three are
// sent a day, then the page sends the claimant to the Center; the first
// of three (not only the newest) verifies the claim, and a used one
// cannot be reused.
func TestClaimCodeAttacks(t *testing.T) {
	e := newEnv(t)
	withRegistryContact(t, e, "lienhe@noithat.vn")
	c := registerAs(t, e, "3709000037", "", "la@example.vn", "en")
	must(t, c.get("/profile"), http.StatusOK, "l***@n***.vn", `id="send-code"`)
	must(t, c.post("/profile/claim/verify", values("code", "12345678")), http.StatusUnprocessableEntity, "No code has been sent yet")

	r := c.post("/profile/claim/code", nil)
	must(t, r, http.StatusSeeOther)
	to, code, lang := lastCode(t, e)
	if to != "lienhe@noithat.vn" || lang != "en" || len(code) != auth.CodeDigits {
		t.Fatalf("code message to %q in %q with code %q", to, lang, code)
	}
	wrong := "00000000"
	if code == wrong {
		wrong = "11111111"
	}
	page := c.get("/profile")
	must(t, page, http.StatusOK, `id="verify-code"`)
	noCode := func(r resp) {
		t.Helper()
		if strings.Contains(r.body, code) {
			t.Fatal("a page shows the claimant the code")
		}
	}
	noCode(page)
	for range auth.MaxCodeAttempts {
		r := c.post("/profile/claim/verify", values("code", wrong))
		must(t, r, http.StatusUnprocessableEntity, "This code is not right")
		noCode(r)
	}
	must(t, c.post("/profile/claim/verify", values("code", code)), http.StatusUnprocessableEntity, "Too many wrong codes")
	must(t, c.post("/profile/claim/code", nil), http.StatusTooManyRequests, "Too many wrong codes") // a new code brings no new guess
	must(t, c.get("/profile"), http.StatusOK, `id="code-tries"`)

	e.fx.Clock.Add(auth.CodeTTL + time.Minute)
	c = e.client() // the session may have lapsed meanwhile
	must(t, c.post("/login", values("email", "la@example.vn", "password", claimPassword)), http.StatusSeeOther)
	must(t, c.post("/profile/claim/verify?lang=en", values("code", code)), http.StatusUnprocessableEntity, "has expired")

	var first string
	for i := range auth.MaxCodesPerDay {
		must(t, c.post("/profile/claim/code", nil), http.StatusSeeOther)
		if _, last, _ := lastCode(t, e); i == 0 {
			first = last
		}
	}
	must(t, c.post("/profile/claim/code?lang=en", nil), http.StatusTooManyRequests, "Ask the Digital Transformation Center")
	must(t, c.get("/profile"), http.StatusOK, `id="code-limit"`)

	msgs, _ := e.st.Outbox(ctx, 100)
	for _, m := range msgs {
		if eightDigits.MatchString(m.Body) && m.To != "lienhe@noithat.vn" {
			t.Errorf("a code went to %s (%s)", m.To, m.Kind)
		}
	}
	must(t, c.get("/profile"), http.StatusOK)
	must(t, c.post("/profile/claim/verify", values("code", first[:4]+" "+first[4:])), http.StatusSeeOther) // the first of three
	must(t, c.get("/profile"), http.StatusOK, `id="firm-size"`, `id="sharing"`)
	must(t, c.post("/profile/claim/verify", values("code", first)), http.StatusConflict)
	if es, _ := e.st.AuditEntries(ctx, "claims.verify_code", 5); len(es) != 1 {
		t.Fatalf("audit = %+v", es)
	}
}

// A firm without a registry address offers no code; the page says to ask
// a colleague or the Center, and a forged request sends nothing.
func TestNoRegistryEmailNoCode(t *testing.T) {
	e := newEnv(t)
	c := registerAs(t, e, "3709000037", "", "la@example.vn", "vi")
	r := c.get("/profile")
	must(t, r, http.StatusOK, `id="no-registry-email"`, `id="way-center"`)
	must(t, c.post("/profile/claim/code", nil), http.StatusUnprocessableEntity, "Danh bạ không có địa chỉ thư")
	msgs, err := e.st.Outbox(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Kind != store.KindVerifyEmail { // the claimant's own address confirmation
			t.Errorf("a firm without a registry address got a message: %s to %s", m.Kind, m.To)
		}
	}
}

// The Center's queue: approve, reject (a reason required), and approve
// with transfer. Each decision is in the audit log and told by the outbox
// in the recipient's language; a transfer takes the firm from its users
// and ends their sessions.
func TestAdminClaimsDecide(t *testing.T) {
	e := newEnv(t)
	withRegistryContact(t, e, "lienhe@noithat.vn")
	admin := e.client().login("admin@test.local")
	approved := registerAs(t, e, "3709000037", "", "a@example.vn", "en")
	rejected := registerAs(t, e, "3709000044", "", "r@example.vn", "vi")
	taker := registerAs(t, e, "3709000012", "", "t@example.vn", "vi")
	old := e.client().login("firm@test.local")
	r := admin.get("/admin/claims")
	must(t, r, http.StatusOK, "a@example.vn", "r@example.vn", "t@example.vn", "lienhe@noithat.vn", "0274", "Chủ doanh nghiệp")
	claimOf := func(email string) *store.Claim {
		u, _ := e.st.FindUserByEmail(ctx, email)
		c, err := e.st.CurrentClaim(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	decide := func(email, decision, reason string) resp {
		return admin.post("/admin/claims/"+itoa(claimOf(email).ID)+"/decide", values("decision", decision, "reason", reason))
	}
	must(t, decide("a@example.vn", "approve", ""), http.StatusSeeOther)
	must(t, approved.get("/profile"), http.StatusOK, `id="firm-size"`)
	must(t, decide("a@example.vn", "reject", "late"), http.StatusConflict)

	must(t, decide("r@example.vn", "reject", ""), http.StatusUnprocessableEntity, "Hãy nêu lý do")
	must(t, decide("r@example.vn", "reject", "Doanh nghiệp không biết người này"), http.StatusSeeOther)
	must(t, rejected.get("/profile"), http.StatusOK, `data-claim="rejected"`, "Doanh nghiệp không biết người này")

	must(t, decide("t@example.vn", "transfer", "Giám đốc xác nhận qua điện thoại"), http.StatusOK, `id="transfer-confirm"`) // asks first
	must(t, admin.post("/admin/claims/"+itoa(claimOf("t@example.vn").ID)+"/decide", values("decision", "transfer",
		"reason", "Giám đốc xác nhận qua điện thoại", "confirm_step", "1", "confirm", "yes", "loser", itoa(e.fx.FirmUser.ID))), http.StatusSeeOther)
	must(t, taker.get("/profile"), http.StatusOK, `id="firm-size"`)
	if r := old.get("/profile"); r.status != http.StatusSeeOther {
		t.Fatalf("the old user's session survived the transfer: %d", r.status)
	}
	old = e.client().login("firm@test.local")
	must(t, old.get("/profile"), http.StatusOK, `data-claim="revoked"`)
	if r := old.get("/profile"); contains(r.body, `id="firm-size"`) {
		t.Fatal("the old user still sees the firm")
	}

	for action, n := range map[string]int{"claims.approve": 1, "claims.reject": 1, "claims.transfer": 1} {
		if es, _ := e.st.AuditEntries(ctx, action, 5); len(es) != n || es[0].UserID != e.fx.Admin.ID {
			t.Errorf("audit %s = %+v", action, es)
		}
	}
	want := map[string]string{"a@example.vn": "claims.approved|en|You now act", "r@example.vn": "claims.rejected|vi|không được chấp nhận",
		"t@example.vn": "claims.approved|vi|đã được xác minh", "firm@test.local": "claims.revoked|vi|thu hồi"}
	msgs, _ := e.st.Outbox(ctx, 100)
	for to, w := range want {
		parts := strings.Split(w, "|")
		found := false
		for _, m := range msgs {
			if m.To == to && m.Kind == parts[0] && m.Lang == parts[1] && strings.Contains(m.Subject, parts[2]) {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s message to %s", w, to)
		}
	}
	// A lead and a firm user cannot reach the queue.
	for _, email := range []string{"lead@test.local", "t@example.vn"} {
		var cl *client
		if email == "t@example.vn" {
			cl = taker
		} else {
			cl = e.client().login(email)
		}
		must(t, cl.get("/admin/claims"), http.StatusForbidden)
		must(t, cl.post("/admin/claims/1/decide", values("decision", "approve")), http.StatusForbidden)
	}
}

// The attack on creation: a squatter registers a tax code the registry
// does not hold yet, so is verified by creation; when an import later
// brings the registry's record for that code, the squatter's claim goes
// back to open (and they are told), and the registry's figures never
// reach them.
func TestImportReopensASelfRegisteredFirm(t *testing.T) {
	e := newEnv(t)
	c := registerAs(t, e, "3709000100", "Công ty Tự Đặt", "squat@example.vn", "vi")
	must(t, c.get("/profile"), http.StatusOK, "Công ty Tự Đặt", `id="edit-profile"`)
	// A second registrant without a firm name hears the same as for a code nobody registered.
	r := e.client().post("/register", values("tax_code", "3709000100", "name", "B", "email", "b@example.vn",
		"password", claimPassword, "password_confirm", claimPassword))
	must(t, r, http.StatusUnprocessableEntity, "chưa có trong danh bạ")
	admin := e.client().login("admin@test.local")
	csv := "Mã số thuế,Tên,Ngành,Phường xã,KCN,Lao động,Doanh thu,Nguồn vốn,Năm,Thư điện tử,Điện thoại\n" +
		"3709000100,Công ty TNHH Thật,2220,25920,,35,12500000000,8000000000,2025,that@congty.vn,0912345678\n"
	must(t, uploadCSV(admin, "registry.csv", csv), http.StatusOK)
	r = c.get("/profile")
	must(t, r, http.StatusOK, `data-claim="open"`, "t***@c***.vn")
	for _, s := range []string{"12.500.000.000", "12500000000", `id="firm-size"`, "that@congty.vn"} {
		if contains(r.body, s) {
			t.Errorf("the squatter sees %q after the import", s)
		}
	}
	must(t, c.get("/profile/edit"), http.StatusForbidden)
	msgs, _ := e.st.Outbox(ctx, 10)
	if len(msgs) == 0 || msgs[0].Kind != "claims.reopened" || msgs[0].To != "squat@example.vn" || msgs[0].Lang != "vi" {
		t.Fatalf("messages = %+v", msgs)
	}
	if es, _ := e.st.AuditEntries(ctx, "claims.reopen_registry", 5); len(es) != 1 {
		t.Fatalf("audit = %+v", es)
	}
}
