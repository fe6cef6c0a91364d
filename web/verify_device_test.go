package web

import (
	"net/http"
	"testing"

	"dxready/store"
)

// Opening a confirmation link gives no device cookie (only a successful
// POST on it does): otherwise whoever held the link for a moment (a
// forwarded mail, a shared mailbox) could open it many times and stock up
// cookies, each with its own free failures, outside the account's and the
// network's counts, and guess the owner's password later without delay.
func TestAConfirmationLinkGivesNoDeviceCookieUntilUsed(t *testing.T) {
	e := newEnv(t)
	const email = "chu@example.vn"
	ownerBrowser := squat(t, e, email) // here the registrant is the owner
	link := linkIn(t, e, store.KindVerifyEmail, email, "/verify-email/")

	const jars = 6
	var holders []*client
	for range jars {
		h := e.client()
		must(t, h.get(link), http.StatusOK) // a GET spends nothing
		holders = append(holders, h)
	}
	// The owner confirms with the registration's password.
	must(t, ownerBrowser.post(link, values("current", squatterPassword)), http.StatusSeeOther)

	checked := 0
	for _, h := range holders {
		for range freeFailures {
			switch r := h.signInWith(email, "đoán mật khẩu "+itoa(int64(checked))); r.status {
			case http.StatusUnauthorized:
				checked++
			case http.StatusTooManyRequests:
			default:
				t.Fatalf("guess: %d", r.status)
			}
		}
	}
	// A stranger without tokens gets freeFailures+1 before the first delay.
	if checked > freeFailures+1 {
		t.Errorf("after the owner confirmed, %d password guesses were checked at once through %d device tokens minted from one link (a stranger: %d)",
			checked, jars, freeFailures+1)
	}
}
