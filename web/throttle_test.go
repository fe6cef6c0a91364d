package web

import (
	"dxready/store"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"dxready/store/storetest"
)

// behindProxy runs the portal behind a reverse proxy on loopback, so a
// test names each client's address with X-Forwarded-For.
func behindProxy(c *Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} }

// signInWith posts the sign-in form only (no second step) with password.
func (c *client) signInWith(email, password string, headers ...string) resp {
	return c.post("/login", url.Values{"email": {email}, "password": {password}}, headers...)
}

const wrongPassword = "not the password"

// An association's workshop: 25 firm users on one Wi-Fi each sign in (and
// each mistypes once first); nobody is refused. Successes never count, and
// 25 failures are far from the per-network limit.
func TestTwentyFiveUsersFromOneAddressAllSignIn(t *testing.T) {
	e := newEnv(t)
	for i := range 25 {
		email := fmt.Sprintf("workshop%02d@example.vn", i)
		storetest.FirmUser(t, e.st, email, e.fx.GoDuc.ID)
		c := e.client()
		must(t, c.signInWith(email, wrongPassword), http.StatusUnauthorized, "không đúng")
		must(t, c.signInWith(email, storetest.Password), http.StatusSeeOther)
	}
}

// A stranger guesses the admin's password six times. That account, and
// only it, is slowed, for browsers without its device cookie: not locked
// (the delay runs out), and the owner's own browser is not slowed at all.
func TestSixWrongPasswordsSlowThatAccountOnly(t *testing.T) {
	e := newEnv(t)
	owner := e.client().login("admin@test.local") // gets the device cookie
	owner.post("/logout", nil)
	attacker := e.client()
	for range 6 {
		must(t, attacker.signInWith("admin@test.local", wrongPassword), http.StatusUnauthorized, "không đúng")
	}
	r := attacker.signInWith("admin@test.local", storetest.Password) // even the right password waits
	must(t, r, http.StatusTooManyRequests, "Tài khoản này đã bị đăng nhập sai quá nhiều lần", "2 giây")
	if strings.Contains(r.body, "không đúng") {
		t.Error("the delay message also says the password was wrong")
	}
	// Another account, from the same browser and address: unaffected.
	attacker.login("lead@test.local")
	attacker.post("/logout", nil)
	// The owner's browser gets in at once.
	must(t, owner.signInWith("admin@test.local", storetest.Password), http.StatusSeeOther)
	// A newcomer (no cookie) trying once is told about the account, not blamed.
	must(t, e.client().signInWith("admin@test.local", storetest.Password), http.StatusTooManyRequests, "2 giây")
	// A delay, not a lockout: two seconds on, one more guess goes ahead and
	// the next wait doubles.
	e.fx.Clock.Add(2 * time.Second)
	must(t, attacker.signInWith("admin@test.local", wrongPassword), http.StatusUnauthorized)
	must(t, attacker.signInWith("admin@test.local", wrongPassword), http.StatusTooManyRequests, "4 giây")
	e.fx.Clock.Add(4 * time.Second)
	must(t, attacker.signInWith("admin@test.local", storetest.Password), http.StatusSeeOther)
}

// The waits grow 2, 4, 8 … seconds and stop at five minutes.
func TestDelayGrowsAndIsCapped(t *testing.T) {
	for n, want := range map[int]time.Duration{0: 0, 5: 0, 6: 2 * time.Second, 7: 4 * time.Second, 10: 32 * time.Second,
		13: 256 * time.Second, 14: maxDelay, 1000: maxDelay} {
		if got := delayAfter(n); got != want {
			t.Errorf("delayAfter(%d) = %v, want %v", n, got, want)
		}
	}
}

// A device cookie helps only the account it was made for, and only when
// the server made it.
func TestForgedOrOtherAccountDeviceCookieDoesNotHelp(t *testing.T) {
	e := newEnv(t)
	attacker := e.client().login("lead@test.local") // a genuine cookie, for the lead's account
	attacker.post("/logout", nil)
	for range 6 {
		must(t, attacker.signInWith("admin@test.local", wrongPassword), http.StatusUnauthorized)
	}
	must(t, attacker.signInWith("admin@test.local", storetest.Password), http.StatusTooManyRequests)
	// Made-up tokens, and the lead's token with its nonce kept and the MAC of
	// another account's: none is admitted.
	u, _ := url.Parse(e.srv.URL)
	lead := deviceCookie(attacker, u)
	nonce, _, _ := strings.Cut(lead, ".")
	for _, forged := range []string{"AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", nonce + ".x", lead + "~" + nonce, strings.Repeat("a.", 600)} {
		c := e.client()
		c.c.Jar.SetCookies(u, []*http.Cookie{{Name: "dxready_device", Value: forged}})
		must(t, c.signInWith("admin@test.local", storetest.Password), http.StatusTooManyRequests)
	}
}

func deviceCookie(c *client, u *url.URL) string {
	for _, ck := range c.c.Jar.Cookies(u) {
		if ck.Name == "dxready_device" {
			return ck.Value
		}
	}
	return ""
}

// The device cookie is HttpOnly, SameSite=Lax and long-lived, and one
// browser keeps a token per account it signed in to.
func TestDeviceCookieAttributes(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	r := c.signInWith("admin@test.local", storetest.Password)
	var set string
	for _, v := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(v, "dxready_device=") {
			set = v
		}
	}
	for _, want := range []string{"HttpOnly", "SameSite=Lax", "Max-Age=15552000", "Path=/"} {
		if !strings.Contains(set, want) {
			t.Errorf("device cookie %q lacks %s", set, want)
		}
	}
	c.post("/logout", nil)
	c.login("lead@test.local")
	u, _ := url.Parse(e.srv.URL)
	if n := len(strings.Split(deviceCookie(c, u), "~")); n != 2 {
		t.Errorf("the browser holds %d tokens after signing in to two accounts", n)
	}
}

// The owner's browser mistyping is slowed on its own count, so a stolen
// device cookie does not give unlimited guesses either.
func TestDeviceCookieFailuresAreLimitedPerCookie(t *testing.T) {
	e := newEnv(t)
	owner := e.client().login("admin@test.local")
	owner.post("/logout", nil)
	for range 6 {
		must(t, owner.signInWith("admin@test.local", wrongPassword), http.StatusUnauthorized)
	}
	must(t, owner.signInWith("admin@test.local", storetest.Password), http.StatusTooManyRequests, "2 giây")
	// Other browsers are not slowed by the owner's typing.
	must(t, e.client().signInWith("admin@test.local", storetest.Password), http.StatusSeeOther)
}

// An account that does not exist behaves exactly like one that does.
func TestUnknownAccountsGetTheSameDelay(t *testing.T) {
	e := newEnv(t)
	for _, email := range []string{"admin@test.local", "nobody@test.local"} {
		c := e.client()
		for range 6 {
			must(t, c.signInWith(email, wrongPassword), http.StatusUnauthorized, "không đúng")
		}
		must(t, c.signInWith(email, wrongPassword), http.StatusTooManyRequests, "Tài khoản này", "2 giây")
	}
}

// Per network: failures only, 100 in 15 minutes; then browsers without a
// device cookie from that network wait, in minutes; other networks and
// browsers with a device cookie do not.
func TestNetworkFailureLimit(t *testing.T) {
	e := newEnv(t, behindProxy)
	from := func(ip string) []string { return []string{"X-Forwarded-For", ip} }
	owner := e.client()
	must(t, owner.signInWith("admin@test.local", storetest.Password, from("198.51.100.7")...), http.StatusSeeOther)
	owner.post("/logout", nil)
	sprayer := e.client()
	for i := range clientFailures {
		must(t, sprayer.signInWith(fmt.Sprintf("guess%d@test.local", i), wrongPassword, from("198.51.100.7")...), http.StatusUnauthorized)
	}
	must(t, e.client().signInWith("lead@test.local", storetest.Password, from("198.51.100.7")...), http.StatusTooManyRequests,
		"Mạng của bạn đã có quá nhiều lần đăng nhập sai", "15 phút")
	must(t, e.client().signInWith("lead@test.local", storetest.Password, from("198.51.100.8")...), http.StatusSeeOther)
	must(t, owner.signInWith("admin@test.local", storetest.Password, from("198.51.100.7")...), http.StatusSeeOther)
	e.fx.Clock.Add(clientWindow)
	must(t, e.client().signInWith("lead@test.local", storetest.Password, from("198.51.100.7")...), http.StatusSeeOther)
}

// Without --trusted-proxies, X-Forwarded-For is the client's own words:
// a hundred made-up addresses are still one network.
func TestXFFFromAnUntrustedClientIsIgnored(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for i := range clientFailures {
		must(t, c.signInWith(fmt.Sprintf("guess%d@test.local", i), wrongPassword, "X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i)), http.StatusUnauthorized)
	}
	must(t, e.client().signInWith("lead@test.local", storetest.Password, "X-Forwarded-For", "192.0.2.1"), http.StatusTooManyRequests)
}

// Behind the proxy, the attacker writes what it likes to the left of the
// address the proxy appends; only that address counts. And an IPv6
// client is one network per /64, whatever address in it it picks.
func TestSpoofedXFFAndIPv6Grouping(t *testing.T) {
	e := newEnv(t, behindProxy)
	c := e.client()
	for i := range clientFailures {
		xff := fmt.Sprintf("10.%d.0.1, 2001:db8:7:7:%x::1", i, i)
		must(t, c.signInWith(fmt.Sprintf("guess%d@test.local", i), wrongPassword, "X-Forwarded-For", xff), http.StatusUnauthorized)
	}
	must(t, e.client().signInWith("lead@test.local", storetest.Password, "X-Forwarded-For", "1.1.1.1, 2001:db8:7:7::ffff"), http.StatusTooManyRequests)
	must(t, e.client().signInWith("lead@test.local", storetest.Password, "X-Forwarded-For", "2001:db8:7:8::1"), http.StatusSeeOther)
}

// An attacker spraying addresses and emails cannot grow the counts past
// their bound.
func TestSprayingStaysBounded(t *testing.T) {
	th := newSigninThrottle()
	now := storetest.Clock
	for i := range 3 * throttleCap {
		k := signinKeys{account: fmt.Sprintf("spray%d@example.vn", i), client: fmt.Sprintf("2001:db8:%x:%x::/64", i>>16, i&0xffff)}
		if no := th.begin(k, now); no != nil {
			t.Fatalf("attempt %d refused: %+v", i, no)
		}
		now = now.Add(time.Millisecond)
	}
	if a, d, c := th.sizes(); a > throttleCap || c > throttleCap || d != 0 {
		t.Fatalf("after %d sprayed attempts: %d accounts, %d clients, %d devices", 3*throttleCap, a, c, d)
	}
	// A slowed account survives the clean-up when there is room to spare.
	target := signinKeys{account: "target@example.vn", client: "198.51.100.1"}
	for range 6 {
		th.begin(target, now)
	}
	th.begin(signinKeys{account: "one-more@example.vn", client: "198.51.100.2"}, now)
	if th.begin(target, now) == nil {
		t.Error("the slowed account was forgotten")
	}
}

// A stranger who sends one wrong password each time the 5-minute delay
// ends keeps every browser without the account's device cookie waiting
// (the delay's remaining behaviour, README). The owner on a new phone
// resets the password by mail: that browser gets the device cookie and
// signs in at once, and the account's run of failures is forgiven, so
// another new browser signs in too until the stranger has failed again.
func TestResetByMailEndsARearmedDelay(t *testing.T) {
	e := newEnv(t)
	attacker := e.client()
	for range 12 { // until the delay reaches its cap
		if attacker.signInWith("firm@test.local", wrongPassword).status == http.StatusTooManyRequests {
			e.fx.Clock.Add(maxDelay)
			attacker.signInWith("firm@test.local", wrongPassword)
		}
	}
	owner := e.client() // a new phone
	refused := 0
	for range 24 { // two hours of one guess every 5 minutes
		e.fx.Clock.Add(maxDelay)
		must(t, attacker.signInWith("firm@test.local", wrongPassword), http.StatusUnauthorized)
		e.fx.Clock.Add(2 * time.Minute) // the owner tries at any other moment
		if owner.signInWith("firm@test.local", storetest.Password).status == http.StatusTooManyRequests {
			refused++
		}
		e.fx.Clock.Add(-2 * time.Minute)
	}
	if refused != 24 {
		t.Fatalf("the re-armed delay let a new browser in %d times of 24: the test no longer shows the attack", 24-refused)
	}
	must(t, owner.post("/password/forgot", values("email", "firm@test.local")), http.StatusSeeOther)
	link := linkIn(t, e, "account.reset", "firm@test.local", "/password/reset/")
	const fresh = "a brand new passphrase"
	must(t, owner.post(link, values("password", fresh, "password_confirm", fresh)), http.StatusSeeOther)
	must(t, e.client().signInWith("firm@test.local", fresh), http.StatusSeeOther) // forgiven: another new browser
	for range 6 {
		attacker.signInWith("firm@test.local", wrongPassword) // the stranger re-arms
	}
	must(t, e.client().signInWith("firm@test.local", fresh), http.StatusTooManyRequests)
	must(t, owner.signInWith("firm@test.local", fresh), http.StatusSeeOther) // the reset's browser is not slowed
}

// An owner whose new account a stranger is slowing (six wrong passwords)
// is slowed on the link's page too when typing the registration's
// password (opening a link gives no device cookie), but the page's other
// way, choosing a new password, proves the mailbox as a reset does: it
// confirms, forgives the account's failures and gives that browser the
// device cookie, so the owner signs in at once.
func TestASlowedOwnerConfirmsByChoosingAPassword(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	must(t, c.post("/register", url.Values{"tax_code": {"3709000037"}, "firm_name": {""}, "name": {"Chủ"}, "email": {"new@example.vn"},
		"stated_role": {"owner"}, "password": {claimPassword}, "password_confirm": {claimPassword}}), http.StatusSeeOther)
	attacker := e.client()
	for range 6 {
		attacker.signInWith("new@example.vn", wrongPassword)
	}
	link := linkIn(t, e, store.KindVerifyEmail, "new@example.vn", "/verify-email/")
	must(t, c.get(link), http.StatusOK)
	must(t, c.post(link, values("current", claimPassword)), http.StatusTooManyRequests)
	const fresh = "mật khẩu mới của chủ doanh nghiệp"
	must(t, c.post(link+"/password", values("password", fresh, "password_confirm", fresh)), http.StatusSeeOther)
	must(t, c.signInWith("new@example.vn", fresh), http.StatusSeeOther)
}
