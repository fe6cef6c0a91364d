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
	} {
		got, err := CheckMeetingLink(c.in)
		if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%q: %v, want %v", c.in, err, c.want)
		}
		if err == nil && got != strings.TrimSpace(c.in) {
			t.Errorf("%q became %q", c.in, got)
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
