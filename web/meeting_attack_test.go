package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Invisible characters in a meeting link are refused: a right-to-left
// override turns "...exe.4pm" into "...mp4.exe", a zero-width space or a
// bidi isolate hides what the firm clicks. They are format characters
// (Cf), neither spaces nor controls.
func TestMeetingLinkRefusesInvisibleCharacters(t *testing.T) {
	e := newEnv(t)
	adv := e.client().login("advisor@test.local")
	for _, link := range []string{
		"https://meet.example.org/j/1\u202Egnp.exe",        // RLO
		"https://meet.exa\u200Bmple.org/j/1",               // zero-width space in the host
		"https://meet.example.org/\u2066evil\u2069/j/1",    // bidi isolates
		"https://meet.example.org/j/1\uFEFF",               // BOM / zero-width no-break space
		"https://meet.example.org/j/1?x=\u00ADsoft-hyphen", // soft hyphen
	} {
		// Refused, or (a byte-order mark, which the form's text rule drops
		// before the check) saved without it: never kept in the link.
		r := setProfileLink(t, e, adv, link)
		a, _ := e.st.FindAdvisor(ctx, e.fx.Advisor.ID)
		switch {
		case r.status == http.StatusUnprocessableEntity && a.MeetingURL == "":
		case r.status == http.StatusSeeOther && a.MeetingURL != "" && !strings.ContainsFunc(a.MeetingURL, func(r rune) bool { return r > 0x7e }):
			setProfileLink(t, e, adv, "")
		default:
			t.Errorf("%+q: %d, saved as %+q", link, r.status, a.MeetingURL)
		}
	}
}

// A host with Cyrillic о is another domain: it is kept and shown in its
// xn-- form, never in the Unicode that reads as zoom.us (the link comes
// from an advisor, so this guards against a careless or compromised
// advisor account).
func TestMeetingLinkHomographIsShownAsItIs(t *testing.T) {
	e := newEnv(t)
	adv := e.client().login("advisor@test.local")
	r := setProfileLink(t, e, adv, "https://z\u043e\u043em.us/j/98765")
	a, _ := e.st.FindAdvisor(ctx, e.fx.Advisor.ID)
	if r.status != http.StatusSeeOther || a.MeetingURL != "https://xn--zm-fmca.us/j/98765" {
		t.Fatalf("a mixed-script host: %d, saved as %q", r.status, a.MeetingURL)
	}
}

// RFC 5545's URL is a URI, ASCII only: a link with a Vietnamese path goes
// into the .ics percent-encoded, or a strict calendar drops the property
// or the event.
func TestICSMeetingURLIsASCII(t *testing.T) {
	e := newEnv(t)
	path, _ := bookNine(t, e)
	adv := e.client().login("advisor@test.local")
	must(t, adv.post(path+"/link", url.Values{"meeting_url": {"https://meet.example.org/phòng-họp"}}), http.StatusSeeOther)
	ics := unfold(e.client().login("firm@test.local").get(path + "/calendar.ics").body)
	const want = "URL:https://meet.example.org/ph%C3%B2ng-h%E1%BB%8Dp"
	if !strings.Contains(ics, want+"\r\n") {
		t.Fatalf("the .ics lacks %q:\n%s", want, ics)
	}
}
