package advisors

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one consultation as an iCalendar event.
type Event struct {
	UID         string // stable for the booking: every change replaces the same event
	Sequence    int    // bumped at every change
	Start, End  time.Time
	Stamp       time.Time
	Summary     string
	Description string
	Location    string
	// URL is the event's web address (RFC 5545 URL, a URI: not escaped as
	// text). Only a link CheckMeetingLink passed belongs here: it holds no
	// space, control character or line break.
	URL       string
	Cancelled bool
}

// ICS renders e as an RFC 5545 calendar: CRLF line ends, lines folded at
// 75 octets without splitting a character, text escaped, and times in UTC
// ("…Z"), so every calendar shows the consultation at the same instant.
// A cancelled event is sent with METHOD:CANCEL and STATUS:CANCELLED.
func ICS(e Event) []byte {
	method, status := "PUBLISH", "CONFIRMED"
	if e.Cancelled {
		method, status = "CANCEL", "CANCELLED"
	}
	var b strings.Builder
	line := func(name, value string) { fold(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//dxready//Digital readiness portal//VI")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", method)
	line("BEGIN", "VEVENT")
	line("UID", e.UID)
	line("SEQUENCE", strconv.Itoa(e.Sequence))
	line("DTSTAMP", utc(e.Stamp))
	line("DTSTART", utc(e.Start))
	line("DTEND", utc(e.End))
	line("SUMMARY", escapeText(e.Summary))
	if e.Description != "" {
		line("DESCRIPTION", escapeText(e.Description))
	}
	if e.Location != "" {
		line("LOCATION", escapeText(e.Location))
	}
	if e.URL != "" {
		line("URL", e.URL)
	}
	line("STATUS", status)
	line("END", "VEVENT")
	line("END", "VCALENDAR")
	return []byte(b.String())
}

func utc(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// escapeText escapes an RFC 5545 TEXT value.
func escapeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// fold writes one content line, folded so no line exceeds 75 octets.
func fold(b *strings.Builder, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
