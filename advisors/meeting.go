package advisors

import (
	"net"
	"net/url"
	"strings"
	"unicode"
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

// CheckMeetingLink returns the meeting link s, trimmed, or why it is
// refused; "" (no link) is allowed. The link is shown to firms, put in
// calendars and mailed, so only an address a browser opens as a web page
// passes: https with a host, no credentials, no spaces or control
// characters, at most MaxMeetingLink bytes. Plain http passes only for a
// loopback host (a meeting server on the same machine, in a demonstration):
// anywhere else it would send the meeting's token in clear.
func CheckMeetingLink(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if len(s) > MaxMeetingLink {
		return "", ErrLinkLong
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\\' }) {
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
	return s, nil
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
