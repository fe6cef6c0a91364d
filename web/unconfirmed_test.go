package web

import (
	"net/http"
	"net/url"
	"testing"

	"dxready/auth"
	"dxready/store"
	"dxready/store/storetest"
)

// An attacker registers a victim's address with a password of their own
// and tries it: if it signed in, the address had no account. Now neither
// signs in: a new account cannot sign in before its address is confirmed.
func TestRegisterThenSignInDoesNotTellWhetherAnAddressHasAnAccount(t *testing.T) {
	e := newEnv(t)
	probe := func(email string) resp {
		c := e.client()
		must(t, c.post("/register", url.Values{"tax_code": {"3709000037"}, "name": {"x"}, "email": {email},
			"password": {claimPassword}, "password_confirm": {claimPassword}}), http.StatusSeeOther)
		return typedAway(t, c.post("/login", values("email", email, "password", claimPassword)), email)
	}
	free, taken := probe("nobody@example.vn"), probe("firm@test.local")
	sameAnswer(t, "sign-in after registering", free, taken)
	must(t, free, http.StatusUnauthorized)
}

// The right password of an unconfirmed account is answered exactly as a
// wrong one, and counted as one by the throttle: two browsers take turns,
// and after the sixth failure the account waits, whichever password.
func TestUnconfirmedRightPasswordAnswersAsAWrongOne(t *testing.T) {
	e := newEnv(t)
	unverifiedUser(t, e, "chua@example.vn", e.fx.Kho.ID) // the fixtures' password
	right, wrong := e.client(), e.client()
	for i := range 4 {
		a := right.signInWith("chua@example.vn", storetest.Password)
		b := wrong.signInWith("chua@example.vn", wrongPassword)
		sameAnswer(t, "attempt "+itoa(int64(i+1)), a, b)
		want := http.StatusUnauthorized
		if 2*i >= freeFailures+1 { // the two browsers share the account's count
			want = http.StatusTooManyRequests
		}
		if a.status != want {
			t.Fatalf("attempt %d: %d, want %d", i+1, a.status, want)
		}
	}
}

// The sign-in page tells everyone who has just registered to open the
// link first, and links the form that sends it again. That form answers
// the same for an unconfirmed account, a confirmed one, a disabled one and
// no account; only the unconfirmed one gets its link, at most one every
// auth.LinkGap; it shares the forgot-password form's limit per network.
func TestResendConfirmationAnswersTheSameForAnyAddress(t *testing.T) {
	e := newEnv(t)
	must(t, e.client().get("/login?lang=en"), http.StatusOK, "Just registered?", `href="/verify-email"`)
	must(t, e.client().get("/verify-email"), http.StatusOK, "Gửi lại đường dẫn xác nhận")
	unverifiedUser(t, e, "chua@example.vn", e.fx.Kho.ID)
	off := storetest.FirmUser(t, e.st, "nghi@example.vn", e.fx.Kho.ID)
	if err := e.st.SetUserStatus(ctx, off.ID, 0, auth.StatusDisabled); err != nil {
		t.Fatal(err)
	}
	first := e.client().post("/verify-email", values("email", "chua@example.vn"))
	for _, addr := range []string{"nobody@example.vn", "firm@test.local", "nghi@example.vn", "CHUA@example.vn"} {
		sameAnswer(t, addr, first, e.client().post("/verify-email", values("email", addr)))
	}
	if first.status != http.StatusSeeOther || first.header.Get("Location") != "/login" {
		t.Fatalf("resend: %d %s", first.status, first.header.Get("Location"))
	}
	must(t, e.client().get("/login"), http.StatusOK)
	if n := messagesTo(t, e, store.KindVerifyEmail, "chua@example.vn"); n != 1 {
		t.Fatalf("%d links to the unconfirmed account (two asks within %v)", n, auth.LinkGap)
	}
	for _, addr := range []string{"nobody@example.vn", "firm@test.local", "nghi@example.vn"} {
		if n := messagesTo(t, e, store.KindVerifyEmail, addr); n != 0 {
			t.Fatalf("%d confirmation links went to %s", n, addr)
		}
	}
	// The link signs the account in once opened.
	c := e.client().confirm("chua@example.vn", storetest.Password)
	must(t, c.signInWith("chua@example.vn", storetest.Password), http.StatusSeeOther)
	must(t, e.client().post("/verify-email", values("email", "not an address")), http.StatusUnprocessableEntity)
	// Six requests so far from this network; the forgot form shares the
	// count of 10 per 15 minutes.
	c = e.client()
	for range 4 {
		must(t, c.post("/password/forgot", values("email", "nobody@example.vn")), http.StatusSeeOther)
	}
	must(t, c.post("/verify-email?lang=en", values("email", "nobody@example.vn")), http.StatusTooManyRequests, "Too many requests")
}
