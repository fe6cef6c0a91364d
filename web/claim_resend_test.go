package web

import (
	"net/http"
	"strings"
	"testing"

	"dxready/auth"
)

// claimCodes reads every claim code message from the outbox, oldest
// first, with its body.
func claimCodes(t *testing.T, e *env) (codes, bodies []string) {
	t.Helper()
	msgs, err := e.st.Outbox(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if m := msgs[i]; m.Kind == "claims.code" {
			codes, bodies = append(codes, eightDigits.FindString(m.Body)), append(bodies, m.Body)
		}
	}
	return codes, bodies
}

// A natural double press of "send a code": the firm's mailbox holds two
// codes and gives the claimant the first one it opens. That code works;
// the page says when a code was sent (with the zone) and how many tries
// are left after a wrong one; the mail says how long it is valid and that
// a newer code does not cancel it. Both languages.
func TestResentClaimCodeKeepsTheEarlierOne(t *testing.T) {
	for _, tc := range []struct{ lang, sentAt, triesLeft, until string }{
		{"en", "Code sent at", "4 tries left", "a newer code does not cancel an earlier one"},
		{"vi", "Mã đã gửi lúc", "Còn 4 lần thử", "mã mới không huỷ mã đã gửi trước"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			e := newEnv(t)
			withRegistryContact(t, e, "lienhe@noithat.vn")
			c := registerAs(t, e, "3709000037", "", "la@example.vn", tc.lang)
			must(t, c.post("/profile/claim/code", nil), http.StatusSeeOther)
			must(t, c.post("/profile/claim/code", nil), http.StatusSeeOther)
			codes, bodies := claimCodes(t, e)
			if len(codes) != 2 || codes[0] == codes[1] {
				t.Fatalf("codes = %v", codes)
			}
			for _, b := range bodies {
				if !strings.Contains(b, tc.until) || !strings.Contains(b, "24") {
					t.Errorf("the code mail does not say the rule: %q", b)
				}
			}
			must(t, c.get("/profile"), http.StatusOK, `id="code-sent-at"`, tc.sentAt, "(GMT+7)")
			wrong := "00000000"
			for codes[0] == wrong || codes[1] == wrong {
				wrong = "1" + wrong[1:]
			}
			must(t, c.post("/profile/claim/verify", values("code", wrong)), http.StatusUnprocessableEntity, `id="tries-left"`, tc.triesLeft)
			must(t, c.post("/profile/claim/verify", values("code", codes[0])), http.StatusSeeOther) // the first mail's code
			must(t, c.get("/profile"), http.StatusOK, `id="firm-size"`)
		})
	}
}

// The attack on the kept codes: more live codes must not mean more
// guesses. The wrong guesses are counted across all the claim's codes:
// three on the first code and two after a second one is sent spend both,
// the right code is then refused, and no third code is sent.
func TestClaimCodeGuessesCountAcrossCodes(t *testing.T) {
	e := newEnv(t)
	withRegistryContact(t, e, "lienhe@noithat.vn")
	c := registerAs(t, e, "3709000037", "", "la@example.vn", "en")
	must(t, c.post("/profile/claim/code", nil), http.StatusSeeOther)
	wrong := func() {
		t.Helper()
		codes, _ := claimCodes(t, e)
		w := "00000000"
		for strings.Contains(strings.Join(codes, " "), w) {
			w = "1" + w[1:]
		}
		must(t, c.post("/profile/claim/verify", values("code", w)), http.StatusUnprocessableEntity, "This code is not right")
	}
	for range 3 {
		wrong()
	}
	must(t, c.post("/profile/claim/code", nil), http.StatusSeeOther)
	for range auth.MaxCodeAttempts - 3 {
		wrong()
	}
	codes, _ := claimCodes(t, e)
	for _, code := range codes {
		must(t, c.post("/profile/claim/verify", values("code", code)), http.StatusUnprocessableEntity, "Too many wrong codes")
	}
	must(t, c.post("/profile/claim/code", nil), http.StatusTooManyRequests)
	if again, _ := claimCodes(t, e); len(again) != 2 {
		t.Fatalf("%d codes sent after the guesses were spent", len(again))
	}
}
