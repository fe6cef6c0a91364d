package advisors

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// A 09:00 consultation in Ho Chi Minh City is 02:00Z in the calendar file.
func TestICSTimesAreUTC(t *testing.T) {
	start := time.Date(2026, 11, 24, 9, 0, 0, 0, Zone)
	out := string(ICS(Event{UID: "booking-7@dxready", Start: start, End: start.Add(time.Hour), Stamp: start.Add(-48 * time.Hour),
		Summary: "Tư vấn chuyển đổi số", Sequence: 2}))
	for _, want := range []string{"DTSTART:20261124T020000Z\r\n", "DTEND:20261124T030000Z\r\n", "DTSTAMP:20261122T020000Z\r\n",
		"SEQUENCE:2\r\n", "UID:booking-7@dxready\r\n", "METHOD:PUBLISH\r\n", "STATUS:CONFIRMED\r\n", "SUMMARY:Tư vấn chuyển đổi số\r\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if !strings.HasPrefix(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") || !strings.HasSuffix(out, "END:VEVENT\r\nEND:VCALENDAR\r\n") {
		t.Errorf("frame:\n%s", out)
	}
}

// Every line ends in CRLF and is at most 75 octets; folding never splits
// a Vietnamese character; text is escaped and unfolds to the original.
func TestICSFoldsAndEscapes(t *testing.T) {
	desc := strings.Repeat("Đánh giá mức độ sẵn sàng chuyển đổi số; dữ liệu, vận hành\n", 4)
	out := ICS(Event{UID: "u", Start: time.Unix(0, 0), End: time.Unix(3600, 0), Stamp: time.Unix(0, 0), Summary: `a\b`,
		Description: desc, Location: "Phường Thủ Dầu Một, TP.HCM", Cancelled: true})
	if bytes.Contains(bytes.ReplaceAll(out, []byte("\r\n"), nil), []byte("\n")) || bytes.Contains(bytes.ReplaceAll(out, []byte("\r\n"), nil), []byte("\r")) {
		t.Fatal("a bare LF or CR")
	}
	for _, l := range strings.Split(strings.TrimSuffix(string(out), "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("split character in %q", l)
		}
	}
	unfolded := strings.ReplaceAll(string(out), "\r\n ", "")
	wantDesc := "DESCRIPTION:" + strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(desc, ",", `\,`), ";", `\;`), "\n", `\n`) + "\r\n"
	for _, want := range []string{wantDesc, `SUMMARY:a\\b`, `LOCATION:Phường Thủ Dầu Một\, TP.HCM`, "METHOD:CANCEL", "STATUS:CANCELLED"} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("missing %q", want)
		}
	}
}

// An online consultation's link goes in URL as it is (a URI, not escaped
// text) and in LOCATION (escaped), both folded at 75 octets with CRLF,
// and unfolds to the link exactly.
func TestICSCarriesTheMeetingLink(t *testing.T) {
	link := "https://meet.example.org/j/1234567890?pwd=" + strings.Repeat("AbC,d;9", 12)
	out := string(ICS(Event{UID: "u", Start: time.Unix(0, 0), End: time.Unix(3600, 0), Stamp: time.Unix(0, 0), Summary: "s",
		Location: link, URL: link}))
	for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
	}
	unfolded := strings.ReplaceAll(out, "\r\n ", "")
	escaped := strings.NewReplacer(",", `\,`, ";", `\;`).Replace(link)
	for _, want := range []string{"\r\nURL:" + link + "\r\n", "\r\nLOCATION:" + escaped + "\r\n"} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(string(ICS(Event{UID: "u", Summary: "s"})), "URL:") {
		t.Error("a URL line without a link")
	}
}
