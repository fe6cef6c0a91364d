package advisors

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
	"unicode"

	"golang.org/x/net/idna"
)

// MaxMeetingLink bounds a meeting link, in bytes: real links (Zoom, Meet,
// Teams with their tokens) stay well under it, and it keeps a calendar
// line and a message readable.
const MaxMeetingLink = 500

// LinkProblem is why a meeting link is refused, named by its message ID.
type LinkProblem string

// Error returns the message ID.
func (p LinkProblem) Error() string { return string(p) }

// Refusals of CheckMeetingLink.
const (
	ErrLinkLong        LinkProblem = "error.meeting.long"        // over MaxMeetingLink
	ErrLinkInvalid     LinkProblem = "error.meeting.invalid"     // not a web address with a host
	ErrLinkScheme      LinkProblem = "error.meeting.scheme"      // not https (javascript:, data:, ftp:, plain http to the network)
	ErrLinkCredentials LinkProblem = "error.meeting.credentials" // user:password@ in the address
)

// CheckMeetingLink returns the meeting link s in its ASCII form, or why it
// is refused; "" (no link) is allowed. The link is shown to firms, put in
// calendars and mailed, so only an address a browser opens as a web page
// passes: https with a host, no credentials, no spaces, control or
// invisible format characters (zero-width space, BOM, soft hyphen, bidi
// controls), at most MaxMeetingLink bytes. Plain http passes only for a
// loopback host (a meeting server on the same machine, in a demonstration):
// anywhere else it would send the meeting's token in clear.
//
// The link is returned as a URI (RFC 3986), ASCII only: an international
// host in its xn-- form, the rest percent-encoded. A calendar's URL must be
// one, and a lookalike host (Cyrillic "о" in "zооm.us") shows as the
// xn-- name it is, not as the brand it imitates.
func CheckMeetingLink(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) > MaxMeetingLink {
		return "", ErrLinkLong
	}
	if strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\\'
	}) {
		return "", ErrLinkInvalid
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", ErrLinkInvalid
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme == "":
		return "", ErrLinkInvalid
	case scheme != "https" && !(scheme == "http" && isLoopback(u.Hostname())):
		return "", ErrLinkScheme
	}
	if u.User != nil {
		return "", ErrLinkCredentials
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return "", ErrLinkInvalid
	}
	return asciiLink(u)
}

// asciiLink writes u as an ASCII URI: the host through IDNA (refused when
// it is not a valid international name), path and fragment escaped by
// net/url, the query's non-ASCII bytes percent-encoded.
func asciiLink(u *url.URL) (string, error) {
	host := u.Hostname()
	if net.ParseIP(host) == nil { // an address literal is ASCII already
		var err error
		if host, err = idna.Lookup.ToASCII(host); err != nil {
			return "", ErrLinkInvalid
		}
	}
	if port := u.Port(); port != "" {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	u.Host = host
	var q strings.Builder
	for i := 0; i < len(u.RawQuery); i++ {
		if b := u.RawQuery[i]; b > 0x7e {
			fmt.Fprintf(&q, "%%%02X", b)
		} else {
			q.WriteByte(b)
		}
	}
	u.RawQuery = q.String()
	out := u.String()
	if len(out) > MaxMeetingLink {
		return "", ErrLinkLong
	}
	return out, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// MeetingLink is the link of a booking in mode: the booking's own when the
// advisor set one, else the advisor's; none for a consultation at the firm.
func MeetingLink(mode, booking, advisor string) string {
	if mode != "online" {
		return ""
	}
	if booking != "" {
		return booking
	}
	return advisor
}

// FollowsProfileLink reports whether a booking takes its link from its
// advisor's profile and is still to come, so that its parties must be
// told when that link changes: a confirmed online consultation that has
// not started and has no link of its own.
func FollowsProfileLink(status, mode, own string, start, now time.Time) bool {
	return status == StatusConfirmed && mode == "online" && own == "" && start.After(now)
}
