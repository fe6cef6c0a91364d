package advisors

import (
	"errors"
	"strings"
	"testing"
)

// The links an advisor might paste, and the ones an attacker would: only a
// web address over https (http to this machine) passes.
func TestCheckMeetingLink(t *testing.T) {
	for _, c := range []struct {
		in   string
		want error
	}{
		{"", nil},
		{"  https://meet.example.org/abc-defg-hij  ", nil},
		{"https://zoom.example/j/123?pwd=AbC#frag", nil},
		{"HTTPS://Teams.Example/l/meetup", nil},
		{"http://127.0.0.1:8443/room", nil},
		{"http://localhost/room", nil},
		{"http://[::1]/room", nil},
		{"http://meet.example.org/abc", ErrLinkScheme},
		{"javascript:alert(1)", ErrLinkScheme},
		{"JaVaScRiPt:alert(document.cookie)", ErrLinkScheme},
		{"data:text/html;base64,PHNjcmlwdD4=", ErrLinkScheme},
		{"ftp://files.example/x", ErrLinkScheme},
		{"https://user:secret@meet.example.org/x", ErrLinkCredentials},
		{"https://user@meet.example.org/x", ErrLinkCredentials},
		{"meet.example.org/abc", ErrLinkInvalid},
		{"//meet.example.org/abc", ErrLinkInvalid},
		{"https:///path-only", ErrLinkInvalid},
		{"https:opaque", ErrLinkInvalid},
		{"https://meet.example.org/a b", ErrLinkInvalid},
		{"https://meet.example.org/a\r\nBCC:x", ErrLinkInvalid},
		{`https://meet.example.org\@evil.example`, ErrLinkInvalid},
		{"https://meet.example.org/" + strings.Repeat("a", MaxMeetingLink), ErrLinkLong},
		{"https://meet.example.org/j/1\u202Egnp.exe", ErrLinkInvalid},         // right-to-left override
		{"https://meet.exa\u200Bmple.org/j/1", ErrLinkInvalid},                // zero-width space in the host
		{"https://meet.example.org/\u2066evil\u2069/j/1", ErrLinkInvalid},     // bidi isolates
		{"https://meet.example.org/j/1\uFEFF", ErrLinkInvalid},                // byte-order mark
		{"https://meet.example.org/j/1?x=\u00ADsoft", ErrLinkInvalid},         // soft hyphen
		{"https://-bad-.example/j/1", ErrLinkInvalid},                         // not a valid host name
		{"https://meet.example.org/" + strings.Repeat("ọ", 120), ErrLinkLong}, // fits typed, not once encoded
	} {
		got, err := CheckMeetingLink(c.in)
		if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%q: %v, want %v", c.in, err, c.want)
		}
		if err == nil && !strings.EqualFold(got, strings.TrimSpace(c.in)) {
			t.Errorf("%q became %q", c.in, got)
		}
	}
}

// A link is kept as the ASCII URI a calendar needs, and a lookalike host
// shows as the xn-- name it is.
func TestMeetingLinkIsASCII(t *testing.T) {
	for in, want := range map[string]string{
		"https://meet.example.org/phòng-họp?tên=Lan#số": "https://meet.example.org/ph%C3%B2ng-h%E1%BB%8Dp?t%C3%AAn=Lan#s%E1%BB%91",
		"https://z\u043e\u043em.us/j/98765":             "https://xn--zm-fmca.us/j/98765",
		"https://họp.việt.vn:8443/p":                    "https://xn--hp-68s.xn--vit-5kz.vn:8443/p",
		"HTTPS://Meet.Example.ORG/AbC":                  "https://meet.example.org/AbC",
	} {
		got, err := CheckMeetingLink(in)
		if err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", in, got, err, want)
		}
	}
}

// The link applies to online consultations: the booking's own first.
func TestMeetingLink(t *testing.T) {
	if got := MeetingLink("online", "", "https://a.example/x"); got != "https://a.example/x" {
		t.Errorf("advisor's link: %q", got)
	}
	if got := MeetingLink("online", "https://b.example/y", "https://a.example/x"); got != "https://b.example/y" {
		t.Errorf("booking's link: %q", got)
	}
	if got := MeetingLink("onsite", "https://b.example/y", "https://a.example/x"); got != "" {
		t.Errorf("on site: %q", got)
	}
}
