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

// Each tick button is named by its item, for a screen reader that lists
// buttons: its label is the button's words and the item's text. Before
// the consultation is held, the advisor reads that the plan comes once it
// is marked held; the firm is not told what only the advisor can do.
func TestTickButtonsNameTheirItem(t *testing.T) {
	e := newEnv(t)
	path, nine := bookNine(t, e)
	adv := e.client().login("advisor@test.local")
	must(t, adv.get(path), http.StatusOK, `id="actions-once-held"`)
	if strings.Contains(e.client().login("firm@test.local").get(path).body, `id="actions-once-held"`) {
		t.Fatal("the firm is told how the advisor writes the plan")
	}
	e.setNow(nine.Add(90 * time.Minute))
	adv = e.client().login("advisor@test.local") // signed in again after the clock moved
	must(t, adv.post(path+"/outcome", url.Values{"outcome": {"done"}}), http.StatusSeeOther)
	for _, text := range []string{"Chọn phần mềm kho", "Mở trang bán hàng"} {
		must(t, adv.post(path+"/actions", url.Values{"pillar": {"data"}, "text": {text}, "owner": {"firm"}, "due": {"2026-12-15"}}), http.StatusSeeOther)
	}
	body := e.client().login("firm@test.local").get(path).body
	if strings.Contains(adv.get(path).body, `id="actions-once-held"`) {
		t.Fatal("the hint stays once the plan can be written")
	}
	labels := regexp.MustCompile(`<button type="submit" class="tick" id="(tick-\d+)" aria-labelledby="(tick-\d+) (action-text-\d+)"`).FindAllStringSubmatch(body, -1)
	if len(labels) != 2 {
		t.Fatalf("tick buttons named by their item: %d\n%s", len(labels), body)
	}
	seen := map[string]bool{}
	for _, l := range labels {
		text := regexp.MustCompile(`<span id="` + l[3] + `">(.*?)</span>`).FindStringSubmatch(body)
		if l[1] != l[2] || text == nil || seen[text[1]] {
			t.Fatalf("button %s is labelled by %q", l[1], text)
		}
		seen[text[1]] = true
	}
}
