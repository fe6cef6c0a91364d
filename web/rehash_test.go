package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"dxready/auth"
	"dxready/store/storetest"
)

// hashOf reads user id's stored password hash.
func (e *env) hashOf(id int64) string {
	e.t.Helper()
	u, err := e.st.FindUserByID(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.PasswordHash
}

// A hash made with older parameters (here t=2 against the server's t=1)
// keeps verifying, and the first sign-in with the right password stores
// it anew with the server's parameters; a wrong password never rewrites it
// (the attack: a guesser must not be able to make the server hash, or to
// replace, anyone's hash), and a current hash is left alone.
func TestSignInUpgradesAnOlderHashOnlyWithTheRightPassword(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := storetest.FirmUser(t, e.st, "old-hash@example.vn", e.fx.GoDuc.ID)
	old, err := auth.NewHasher(auth.Argon2Params{Time: 2, Memory: 64, Threads: 1}, 1).Hash(ctx, storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.ChangePassword(ctx, u.ID, old, nil, nil); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		must(t, e.client().signInWith(u.Email, wrongPassword), http.StatusUnauthorized)
	}
	if got := e.hashOf(u.ID); got != old {
		t.Fatalf("a wrong password rewrote the hash: %s", got)
	}
	c := e.client()
	if r := c.signInWith(u.Email, storetest.Password); r.status != http.StatusSeeOther || r.header.Get("Location") == "/login" {
		t.Fatalf("the older hash did not verify: %d %s", r.status, r.header.Get("Location"))
	}
	upgraded := e.hashOf(u.ID)
	if !strings.HasPrefix(upgraded, "$argon2id$v=19$m=64,t=1,p=1$") || e.web.hasher.NeedsRehash(upgraded) {
		t.Fatalf("after sign-in: %s", upgraded)
	}
	must(t, c.get("/profile"), http.StatusOK) // the session the sign-in made holds
	must(t, e.client().signInWith(u.Email, storetest.Password), http.StatusSeeOther)
	if again := e.hashOf(u.ID); again != upgraded {
		t.Fatalf("a current hash was made anew: %s", again)
	}
}

// A hash whose stored parameters ask for absurd cost (a row changed in the
// database: m=4 GiB, or 1 GiB, which the bounds once let through) is
// refused without hashing: the sign-in fails as a wrong password would
// (401, never a 500 or a server out of memory), whatever the password, and
// the row is left for a reset link to replace.
func TestSignInRefusesAStoredHashWithAbsurdCost(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := storetest.FirmUser(t, e.st, "absurd@example.vn", e.fx.GoDuc.ID)
	for _, m := range []string{"4194304", "1048576"} {
		bad := "$argon2id$v=19$m=" + m + ",t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
		if err := e.st.ChangePassword(ctx, u.ID, bad, nil, nil); err != nil {
			t.Fatal(err)
		}
		for _, pw := range []string{storetest.Password, wrongPassword} {
			must(t, e.client().signInWith(u.Email, pw), http.StatusUnauthorized)
		}
		if got := e.hashOf(u.ID); got != bad {
			t.Fatalf("m=%s: the refused hash was replaced: %s", m, got)
		}
	}
}
