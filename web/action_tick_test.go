package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// heldBookingWithItem books the fixture firm at nine, holds the
// consultation and gives it one action item; it returns the firm's
// client (signed in after the clock moved), the booking's path and the
// item's tick path.
func heldBookingWithItem(t *testing.T, e *env) (*client, string, string) {
	t.Helper()
	path, nine := bookNine(t, e)
	e.setNow(nine.Add(90 * time.Minute))
	adv := e.client().login("advisor@test.local")
	must(t, adv.post(path+"/outcome", url.Values{"outcome": {"done"}}), http.StatusSeeOther)
	must(t, adv.post(path+"/actions", url.Values{"pillar": {"data"}, "text": {"Chọn phần mềm kho"}, "owner": {"firm"}, "due": {"2026-12-15"}}),
		http.StatusSeeOther)
	items, err := e.st.ActionItemsOfFirm(ctx, e.fx.GoDuc.ID)
	if err != nil || len(items) != 1 {
		t.Fatalf("items: %v %+v", err, items)
	}
	return e.client().login("firm@test.local"), path, fmt.Sprintf("/actions/%d/done", items[0].ID)
}

var tickNext = regexp.MustCompile(`name="next" value="([^"]*)"`)

// Ticking an item returns to the page it was ticked from, at the item:
// the list of consultations, the booking, a page in English.
func TestTickStaysOnItsPage(t *testing.T) {
	e := newEnv(t)
	firm, path, tick := heldBookingWithItem(t, e)
	anchor := "#action-" + tick[len("/actions/"):len(tick)-len("/done")]
	// The page's language is the cookie's once chosen: the return drops ?lang.
	for page, back := range map[string]string{"/bookings": "/bookings", path: path, "/bookings?lang=en&x=1": "/bookings?x=1"} {
		m := tickNext.FindStringSubmatch(firm.get(page).body)
		if m == nil {
			t.Fatalf("%s: no return path in the tick form", page)
		}
		r := firm.post(tick, url.Values{"done": {"1"}, "next": {html.UnescapeString(m[1])}})
		must(t, r, http.StatusSeeOther)
		if got := r.header.Get("Location"); got != back+anchor {
			t.Errorf("ticked on %s, sent to %s", page, got)
		}
	}
}

// ATTACK: a forged return path never leaves the site: the booking's page
// instead.
func TestTickReturnIsNoOpenRedirect(t *testing.T) {
	e := newEnv(t)
	firm, path, tick := heldBookingWithItem(t, e)
	anchor := "#action-" + tick[len("/actions/"):len(tick)-len("/done")]
	for _, next := range []string{"//evil.example", "https://evil", "/\\evil", "\\\\evil", "http:/evil", "javascript:alert(1)",
		"/%0d%0aLocation:%20https://evil", "\t//evil.example", "", "evil.example/x"} {
		r := firm.post(tick, url.Values{"done": {"1"}, "next": {next}})
		must(t, r, http.StatusSeeOther)
		got := r.header.Get("Location")
		if u, err := url.Parse(got); err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(got, "/") ||
			strings.HasPrefix(got, "//") || strings.Contains(got, "\\") || !strings.HasSuffix(got, anchor) {
			t.Errorf("next %q sent the firm to %q", next, got)
		}
		if next != "/%0d%0aLocation:%20https://evil" && got != path+anchor {
			t.Errorf("next %q: %q, not the booking", next, got)
		}
	}
	// A fragment given is replaced by the item's.
	r := firm.post(tick, url.Values{"done": {"0"}, "next": {"/bookings#elsewhere"}})
	if got := r.header.Get("Location"); got != "/bookings"+anchor {
		t.Errorf("sent to %q", got)
	}
}
