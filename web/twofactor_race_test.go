package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"dxready/auth"
	"dxready/store/storetest"
)

// Attacks on the second factor by requests sent at the same moment.

// wrongCodes returns n distinct six-digit codes that are none of the
// admin's codes from two steps before now to two steps after.
func wrongCodes(e *env, n int) []string {
	now := e.fx.Clock.Now()
	valid := map[string]bool{}
	for d := -2; d <= 2; d++ {
		valid[adminCode(e, now.Add(time.Duration(d)*auth.TOTPPeriod))] = true
	}
	var out []string
	for i := 1; len(out) < n; i++ {
		code := strings.Repeat("0", 6-len(itoa(int64(i)))) + itoa(int64(i))
		if !valid[code] {
			out = append(out, code)
		}
	}
	return out
}

// codeTry is one code posted to path by the browser c.
type codeTry struct {
	c          *client
	path, code string
}

// tryAtOnce posts every try at the same moment, each over a connection of
// its own already open, and returns the answers in the order of tries.
func tryAtOnce(e *env, tries []codeTry) []resp {
	hcs := make([]*http.Client, len(tries))
	var wg sync.WaitGroup
	for i, tr := range tries {
		hcs[i] = &http.Client{Jar: tr.c.c.Jar, CheckRedirect: tr.c.c.CheckRedirect, Transport: &http.Transport{}}
		wg.Go(func() { // open the connection before the burst
			if r, err := hcs[i].Get(e.srv.URL + "/static/none"); err == nil {
				r.Body.Close()
			}
		})
	}
	wg.Wait()
	out := make([]resp, len(tries))
	start := make(chan struct{})
	for i, tr := range tries {
		wg.Go(func() {
			<-start
			c := &client{e: e, c: hcs[i]}
			out[i] = c.post(tr.path, url.Values{"code": {tr.code}})
		})
	}
	close(start)
	wg.Wait()
	for _, hc := range hcs {
		hc.Transport.(*http.Transport).CloseIdleConnections()
	}
	return out
}

func countStatus(rs []resp, status int) int {
	n := 0
	for _, r := range rs {
		if r.status == status {
			n++
		}
	}
	return n
}

func adminCodeTries(t *testing.T, e *env) int {
	t.Helper()
	tt, err := e.st.FindTOTP(ctx, e.fx.Admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	return tt.Failures
}

// Whoever has the password opens many pending sign-ins and sends one
// guess on each at the same moment: only MaxPendingSignIns stay open, and
// no more codes are checked than the limits allow.
func TestCodeGuessesOnManySignInsAtOnce(t *testing.T) {
	e := newEnv(t)
	const burst = 60
	var tries []codeTry
	for _, code := range wrongCodes(e, burst) {
		c := e.client()
		c.passwordStep("admin@test.local")
		tries = append(tries, codeTry{c, "/login/code", code})
	}
	rs := tryAtOnce(e, tries)
	checked, wrong := adminCodeTries(t, e), countStatus(rs, http.StatusUnprocessableEntity)
	t.Logf("%d pending sign-ins, one guess each at once: %d answered wrong, %d counted", burst, wrong, checked)
	if wrong > auth.MaxPendingSignIns || checked > auth.MaxPendingSignIns {
		t.Fatalf("%d codes were checked in one burst over %d pending sign-ins (at most %d stay open)", max(wrong, checked), burst, auth.MaxPendingSignIns)
	}
}

// Many guesses at once on ONE pending sign-in: MaxCodeTries are checked,
// the rest are sent back to the password.
func TestCodeGuessesOnOneSignInAtOnce(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	c.passwordStep("admin@test.local")
	var tries []codeTry
	for _, code := range wrongCodes(e, 25) {
		tries = append(tries, codeTry{c, "/login/code", code})
	}
	rs := tryAtOnce(e, tries)
	checked := adminCodeTries(t, e)
	t.Logf("25 guesses at once on one pending sign-in: %d answered wrong, %d counted", countStatus(rs, http.StatusUnprocessableEntity), checked)
	if checked != auth.MaxCodeTries || countStatus(rs, http.StatusUnprocessableEntity) != auth.MaxCodeTries-1 {
		t.Fatalf("%d codes checked on one pending sign-in, want %d", checked, auth.MaxCodeTries)
	}
	for _, r := range rs {
		if r.status == http.StatusSeeOther && r.header.Get("Location") != "/login" {
			t.Fatalf("a guess went to %q", r.header.Get("Location"))
		}
	}
}

// Round after round of bursts over the most pending sign-ins one may
// hold: the account's limit holds, and then even the right code waits.
func TestCodeGuessBurstsKeepTheAccountLimit(t *testing.T) {
	e := newEnv(t)
	codes := wrongCodes(e, 6*auth.MaxPendingSignIns*8)
	wrong := 0
	for round := range 6 {
		var tries []codeTry
		for i := range auth.MaxPendingSignIns {
			c := e.client()
			c.passwordStep("admin@test.local")
			for j := range 8 {
				tries = append(tries, codeTry{c, "/login/code", codes[(round*auth.MaxPendingSignIns+i)*8+j]})
			}
		}
		wrong += countStatus(tryAtOnce(e, tries), http.StatusUnprocessableEntity)
	}
	if checked := adminCodeTries(t, e); checked > auth.MaxCodeFailures || wrong > auth.MaxCodeFailures {
		t.Fatalf("%d codes checked, %d answered wrong (limit %d a day)", checked, wrong, auth.MaxCodeFailures)
	}
	c := e.client()
	c.passwordStep("admin@test.local")
	must(t, c.code(adminCode(e, e.fx.Clock.Now())), http.StatusTooManyRequests)
}

// The account's own pages take codes too (new recovery codes, turning
// two-step sign-in off): a burst there keeps the same limit.
func TestAccountCodeGuessesAtOnce(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("admin@test.local")
	var tries []codeTry
	for _, code := range wrongCodes(e, 40) {
		tries = append(tries, codeTry{c, "/account/2fa/recovery", code})
	}
	rs := tryAtOnce(e, tries)
	checked, wrong := adminCodeTries(t, e), countStatus(rs, http.StatusUnprocessableEntity)
	if checked > auth.MaxCodeFailures || wrong > auth.MaxCodeFailures || countStatus(rs, http.StatusTooManyRequests) != len(rs)-wrong {
		t.Fatalf("40 guesses at once on /account/2fa/recovery: %d counted, %d answered wrong, %d refused", checked, wrong,
			countStatus(rs, http.StatusTooManyRequests))
	}
}

// One recovery code (or one TOTP code) sent on several pending sign-ins
// at once signs in once.
func TestOneCodeAtOnceOnSeveralSignIns(t *testing.T) {
	e := newEnv(t)
	for name, code := range map[string]string{"recovery code": storetest.AdminRecoveryCodes[4], "code": adminCode(e, e.fx.Clock.Now())} {
		t.Run(name, func(t *testing.T) {
			var tries []codeTry
			for range auth.MaxPendingSignIns {
				c := e.client()
				c.passwordStep("admin@test.local")
				tries = append(tries, codeTry{c, "/login/code", code})
			}
			signedIn := 0
			for _, r := range tryAtOnce(e, tries) {
				if sessionSetCookie(r) != "" {
					signedIn++
				}
			}
			if signedIn != 1 {
				t.Fatalf("one %s sent %d times at once signed in %d times", name, len(tries), signedIn)
			}
		})
	}
}

// The enrolment form sent twice at once (a double click) turns two-step
// sign-in on once; the other answer leads to the account's two-factor
// page (where new recovery codes can be made), not to an error page.
func TestEnrolmentConfirmedTwiceAtOnce(t *testing.T) {
	e := newEnv(t)
	c := e.client().login("lead@test.local")
	must(t, c.post("/account/2fa/setup", nil), http.StatusSeeOther)
	secret := strings.ReplaceAll(secretRe.FindStringSubmatch(c.get("/account/2fa/setup").body)[1], " ", "")
	code := storetest.TOTPCode(t, secret, e.fx.Clock.Now())
	rs := tryAtOnce(e, []codeTry{{c, "/account/2fa/confirm", code}, {c, "/account/2fa/confirm", code}})
	locs := map[string]int{}
	for _, r := range rs {
		if r.status == http.StatusSeeOther {
			locs[r.header.Get("Location")]++
		}
	}
	if locs["/account/2fa/codes"] != 1 || locs["/account/2fa"] != 1 {
		t.Fatalf("the enrolment sent twice at once: %d and %d, to %v", rs[0].status, rs[1].status, locs)
	}
	if es, _ := e.st.AuditEntries(ctx, "twofactor.enrol", 10); len(es) != 1 {
		t.Fatalf("%d enrolments audited", len(es))
	}
}

// A user has at most MaxPendingSignIns open: the newest replaces the
// oldest, which goes back to the password.
func TestPendingSignInsPerUserAreCapped(t *testing.T) {
	e := newEnv(t)
	var cs []*client
	for range auth.MaxPendingSignIns + 1 {
		c := e.client()
		c.passwordStep("admin@test.local")
		cs = append(cs, c)
	}
	if r := cs[0].code(adminCode(e, e.fx.Clock.Now())); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" || sessionSetCookie(r) != "" {
		t.Fatalf("the oldest pending sign-in took a code: %d to %q", r.status, r.header.Get("Location"))
	}
	for _, c := range cs[1:] {
		must(t, c.get("/login/code"), http.StatusOK)
	}
	if r := cs[len(cs)-1].code(adminCode(e, e.fx.Clock.Now())); sessionSetCookie(r) == "" {
		t.Fatalf("the newest pending sign-in: %d", r.status)
	}
}

var volatileRe = regexp.MustCompile(`(value|nonce|content)="[^"]*"`)

// A code used already is answered exactly as a wrong one: the answer must
// not tell a guesser that a guess was the code of a recent step.
func TestReplayedCodeIsAnsweredAsWrong(t *testing.T) {
	e := newEnv(t)
	now := e.fx.Clock.Now()
	e.client().login("admin@test.local") // uses this step's code
	used := adminCode(e, now)
	wrong := wrongCodes(e, 1)[0]
	var rs []resp
	for _, code := range []string{used, wrong} {
		c := e.client()
		c.passwordStep("admin@test.local")
		rs = append(rs, c.code(code))
	}
	must(t, rs[0], http.StatusUnprocessableEntity, "Mã không đúng")
	if rs[0].status != rs[1].status || volatileRe.ReplaceAllString(rs[0].body, "") != volatileRe.ReplaceAllString(rs[1].body, "") {
		t.Fatalf("a used code is answered apart from a wrong one: %d vs %d", rs[0].status, rs[1].status)
	}
}
