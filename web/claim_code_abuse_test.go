package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"dxready/auth"
	"dxready/store"
)

// registryCodes counts the claim code messages queued to addr.
func registryCodes(t *testing.T, e *env, addr string) int {
	t.Helper()
	msgs, err := e.st.Outbox(ctx, 500)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if m.Kind == store.KindClaimCode && m.To == addr {
			n++
		}
	}
	return n
}

// The attack on the outbox rule: someone registers an account with a
// firm's registry address (its public contact) and never confirms it.
// The rule that nothing but a verification link goes to an unconfirmed
// account's address must not stop the firm's claim codes: a code is
// addressed to the firm, not to that account.
func TestClaimCodeReachesASquattedRegistryAddress(t *testing.T) {
	e := newEnv(t)
	withRegistryContact(t, e, "lienhe@noithat.vn")
	sq := e.client()
	must(t, sq.post("/register", url.Values{"tax_code": {"3709000037"}, "name": {"x"}, "email": {"lienhe@noithat.vn"},
		"password": {claimPassword}, "password_confirm": {claimPassword}}), http.StatusSeeOther)
	c := registerAs(t, e, "3709000037", "", "owner@example.vn", "en")
	must(t, c.post("/profile/claim/code", nil), http.StatusSeeOther)
	if to, _, _ := lastCode(t, e); to != "lienhe@noithat.vn" {
		t.Fatalf("the code went to %q", to)
	}
}

// A small firm's owner whose own address is the registry's registers with
// it. Before following the confirmation link they cannot sign in at all
// (an unconfirmed account's right password is answered as a wrong one), so
// no code can be asked for an unconfirmed claimant; the store refuses one
// anyway (auth.ErrClaimantUnconfirmed, tested in store). Once confirmed,
// the code goes to that same address, the firm's.
func TestClaimCodeOwnerConfirmsFirst(t *testing.T) {
	e := newEnv(t)
	withRegistryContact(t, e, "lienhe@noithat.vn")
	c := e.client()
	must(t, c.post("/register", url.Values{"tax_code": {"3709000037"}, "name": {"Chủ"}, "email": {"lienhe@noithat.vn"},
		"password": {claimPassword}, "password_confirm": {claimPassword}}), http.StatusSeeOther)
	must(t, c.post("/login", values("email", "lienhe@noithat.vn", "password", claimPassword)), http.StatusUnauthorized)
	if n := registryCodes(t, e, "lienhe@noithat.vn"); n != 0 {
		t.Fatalf("%d codes went for an unconfirmed claimant", n)
	}
	c.confirm("lienhe@noithat.vn", claimPassword)
	must(t, c.post("/login", values("email", "lienhe@noithat.vn", "password", claimPassword)), http.StatusSeeOther)
	must(t, c.get("/profile"), http.StatusOK, `id="send-code"`)
	must(t, c.post("/profile/claim/code", nil), http.StatusSeeOther)
	if n := registryCodes(t, e, "lienhe@noithat.vn"); n != 1 {
		t.Fatalf("%d codes after confirming", n)
	}
}

// The flood: any number of accounts may claim one firm, each with its
// daily codes. The firm's registry mailbox gets at most
// auth.MaxCodesPerFirmPerDay codes a day across all its claims; then the
// page sends claimants to the Center or a colleague, which still work, so
// the squatter who spent the day's codes does not block the real owner.
func TestClaimCodesCappedPerFirm(t *testing.T) {
	e := newEnv(t)
	withRegistryContact(t, e, "lienhe@noithat.vn")
	sent := 0
	var last *client
	for i := range 4 {
		last = registerAs(t, e, "3709000037", "", "flood"+itoa(int64(i))+"@example.vn", "en")
		for range auth.MaxCodesPerDay {
			switch r := last.post("/profile/claim/code?lang=en", nil); r.status {
			case http.StatusSeeOther:
				sent++
			case http.StatusTooManyRequests:
				must(t, r, http.StatusTooManyRequests, "No more codes can be sent to this firm today", "Digital Transformation Center")
			default:
				t.Fatalf("code %d: %d", sent+1, r.status)
			}
		}
	}
	if n := registryCodes(t, e, "lienhe@noithat.vn"); n != auth.MaxCodesPerFirmPerDay || sent != n {
		t.Fatalf("the registry address got %d codes (%d answered as sent), cap %d", n, sent, auth.MaxCodesPerFirmPerDay)
	}
	must(t, last.get("/profile?lang=en"), http.StatusOK, `id="firm-code-limit"`, `id="way-colleague"`, `id="way-center"`, `decides. <a href="/contact">`)
	if r := last.get("/profile"); contains(r.body, `id="send-code"`) {
		t.Fatal("the page offers a code past the firm's cap")
	}
	// The Center still verifies the real owner.
	admin := e.client().login("admin@test.local")
	u, _ := e.st.FindUserByEmail(ctx, "flood3@example.vn")
	cl, err := e.st.CurrentClaim(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	must(t, admin.post("/admin/claims/"+itoa(cl.ID)+"/decide", values("decision", "approve")), http.StatusSeeOther)
	// A day later, codes go again.
	e.fx.Clock.Add(24*time.Hour + time.Minute)
	c := e.client()
	must(t, c.post("/login", values("email", "flood0@example.vn", "password", claimPassword)), http.StatusSeeOther)
	must(t, c.post("/profile/claim/code", nil), http.StatusSeeOther)
}

// The lure: a code mail must not vouch for whatever the claimant typed.
// An unconfirmed claimant gets no code at all; a confirmed one's mail
// names only the confirmed address (not the typed name), says that
// whoever asked types the code themselves, that it is never to be given
// to anyone and that the Center never asks for it, and what to do if
// nobody at the firm asked, in the claimant's language.
func TestClaimCodeMailIsNoLure(t *testing.T) {
	e := newEnv(t)
	withRegistryContact(t, e, "lienhe@noithat.vn")
	c := e.client()
	must(t, c.post("/register", url.Values{"tax_code": {"3709000037"}, "name": {"Giám đốc Nội thất"}, "email": {"giamdoc@noithat.vn"},
		"password": {claimPassword}, "password_confirm": {claimPassword}}), http.StatusSeeOther)
	// Unconfirmed, they cannot even sign in to ask (answered as a wrong
	// password); no code goes.
	must(t, c.post("/login", values("email", "giamdoc@noithat.vn", "password", claimPassword)), http.StatusUnauthorized)
	if n := registryCodes(t, e, "lienhe@noithat.vn"); n != 0 {
		t.Fatalf("an unconfirmed claimant had %d codes sent", n)
	}
	want := map[string][]string{
		"en": {"type it themselves", "Never give this code to anyone", "never asks for it", "ignore this message", "/contact"},
		"vi": {"tự nhập mã", "Không bao giờ đưa mã này", "không bao giờ hỏi mã", "bỏ qua thư này", "/contact"},
	}
	for lang, phrases := range want {
		addr := "nv-" + lang + "@example.vn"
		registerAs(t, e, "3709000037", "", addr, lang).post("/profile/claim/code", nil)
		msgs, _ := e.st.Outbox(ctx, 10)
		var body string
		for _, m := range msgs {
			if m.Kind == store.KindClaimCode && m.Lang == lang {
				body = m.Body
				break
			}
		}
		for _, p := range append(phrases, addr) {
			if !strings.Contains(body, p) {
				t.Errorf("%s code mail lacks %q: %s", lang, p, body)
			}
		}
		for _, bad := range []string{"Người lạ", "give them this code", "đưa cho người đó"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s code mail says %q: %s", lang, bad, body)
			}
		}
	}
}
