package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"dxready/auth"
	"dxready/store/storetest"
)

// Changing the password to the one it replaces is refused and changes
// nothing: no session ends, no notice goes, nothing is audited; the same
// password typed in its other Unicode form is the same password.
func TestChangePasswordRefusesTheCurrentOne(t *testing.T) {
	e := newEnv(t)
	here, there := e.client().login("lead@test.local"), e.client().login("lead@test.local")
	nfd := "mâ\u0323t khâ\u0309u thư\u0309 nghiê\u0323m" // storetest.Password, decomposed differently
	for _, pw := range []string{storetest.Password, nfd} {
		must(t, here.post("/account/password", url.Values{"current": {storetest.Password}, "password": {pw}, "password_confirm": {pw}}),
			http.StatusUnprocessableEntity, "Đây là mật khẩu hiện tại của bạn")
	}
	must(t, here.post("/account/password?lang=en", url.Values{"current": {storetest.Password}, "password": {storetest.Password},
		"password_confirm": {storetest.Password}}), http.StatusUnprocessableEntity, "That is your current password")
	must(t, there.get("/account"), http.StatusOK)
	if es, _ := e.st.AuditEntries(ctx, "password.change", 5); len(es) != 0 {
		t.Fatalf("audited: %+v", es)
	}
	if n := messagesTo(t, e, "account.password_changed", "lead@test.local"); n != 0 {
		t.Fatalf("%d notices", n)
	}
}

// The sign-in form is filled in with the address a redirect carries, and
// with nothing else: the query only fills the field, escaped, and a value
// that is not an address is dropped.
func TestLoginPrefillIsOnlyAnAddress(t *testing.T) {
	e := newEnv(t)
	must(t, e.client().get(loginWith("Mai@Example.vn")), http.StatusOK, `value="mai@example.vn"`, "autofocus")
	for _, evil := range []string{`"><script>alert(1)</script>`, `a@b.vn" autofocus onfocus="alert(1)`, "javascript:alert(1)", strings.Repeat("a", 300) + "@b.vn"} {
		r := e.client().get("/login?" + url.Values{"email": {evil}}.Encode())
		must(t, r, http.StatusOK)
		if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, `onfocus="alert`) || strings.Contains(r.body, `id="email" name="email" type="email" autocomplete="username" required value="j`) {
			t.Fatalf("%q reached the page", evil)
		}
		if !strings.Contains(r.body, `autocomplete="username" required value="">`) {
			t.Fatalf("%q filled the field", evil)
		}
	}
	// The address pre-filled is never taken as signed in or as a target.
	if r := e.client().get(loginWith("firm@test.local")); strings.Contains(r.body, `id="logout`) {
		t.Fatal("a pre-filled address signed in")
	}
}

// Both pages that tell how long a link works say it from the link's TTL,
// in the words the mail uses.
func TestLinkLifetimeIsSaidFromTheTTL(t *testing.T) {
	e := newEnv(t)
	mins, hours := int(auth.ResetLinkTTL.Minutes()), int(auth.VerifyLinkTTL.Hours())
	must(t, e.client().get("/password/forgot"), http.StatusOK, "có hiệu lực trong "+strconv.Itoa(mins)+" phút")
	must(t, e.client().get("/password/forgot?lang=en"), http.StatusOK, "valid for "+strconv.Itoa(mins)+" minutes")
	must(t, e.client().get("/verify-email"), http.StatusOK, "có hiệu lực trong "+strconv.Itoa(hours)+" giờ")
	must(t, e.client().get("/verify-email?lang=en"), http.StatusOK, "valid for "+strconv.Itoa(hours)+" hours")
	c := e.client()
	c.post("/password/forgot", url.Values{"email": {"lead@test.local"}})
	out, err := e.st.Outbox(ctx, 10)
	if err != nil || len(out) != 1 || !strings.Contains(out[0].Body, "có hiệu lực trong "+strconv.Itoa(mins)+" phút") {
		t.Fatalf("the mail: %+v %v", out, err)
	}
}
