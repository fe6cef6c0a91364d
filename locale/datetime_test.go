package locale

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// uncachedDateTime is DateTime as it was written before its texts were
// kept.
func (l *Localizer) uncachedDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.T("format.date_time", "Date", l.Date(t), "Time", t.In(l.zone).Format("15:04")) + " " + l.T("format.zone")
}

// A DateTime text kept by local minute is the text written afresh, in both
// languages, for times of any zone, second and nanosecond, across minutes,
// days, months and years, and long ago (the zone's old offsets had
// seconds: a minute of UTC is not a minute of the local clock), in any
// order and after the kept texts were cleared.
func TestDateTimeKeptIsWrittenAfresh(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2, 12))
	zones := []*time.Location{time.UTC, time.FixedZone("x", -3*3600-1800), b.Zone}
	starts := []time.Time{time.Date(2026, 12, 31, 16, 58, 30, 0, time.UTC), time.Date(1906, 6, 30, 16, 53, 20, 0, time.UTC),
		time.Date(1975, 6, 12, 15, 59, 59, 999_999_999, time.UTC), time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC)}
	for _, lang := range Languages {
		l := b.For(lang)
		for _, start := range starts {
			at := start
			for range 3000 {
				at = at.Add([]time.Duration{-time.Nanosecond, time.Nanosecond, 7 * time.Second, -31 * time.Second, 59 * time.Second,
					time.Hour, 24 * time.Hour, -24 * time.Hour}[rng.IntN(8)])
				shown := at.In(zones[rng.IntN(len(zones))])
				if got, want := l.DateTime(shown), l.uncachedDateTime(shown); got != want {
					t.Fatalf("%s %v: %q, written afresh %q", lang, shown, got, want)
				}
				if got, want := l.Date(shown), l.T("format.date", l.dateParts(shown)...); got != want {
					t.Fatalf("%s %v: date %q, written afresh %q", lang, shown, got, want)
				}
			}
		}
		if n := len(l.dateTimes); n == 0 || n > maxDateTimes {
			t.Fatalf("%s: %d texts kept", lang, n)
		}
	}
}

// A minute already shown costs no template run: no allocation but the
// zone's conversion (the kept text is returned as it is).
func TestDateTimeKeptCostsNoTemplateRun(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	l := b.For(VI)
	at := time.Date(2026, 12, 2, 8, 20, 5, 0, time.UTC)
	want := l.DateTime(at)
	if allocs := testing.AllocsPerRun(200, func() {
		if l.DateTime(at.Add(30*time.Second)) != want {
			t.Fatal("another text in the same minute")
		}
	}); allocs > 0 {
		t.Fatalf("DateTime of a minute shown before: %.0f allocations, a template run", allocs)
	}
	day := l.Date(at)
	if allocs := testing.AllocsPerRun(200, func() {
		if l.Date(at.Add(3*time.Hour)) != day {
			t.Fatal("another text on the same day")
		}
	}); allocs > 0 {
		t.Fatalf("Date of a day shown before: %.0f allocations, a template run", allocs)
	}
}

// A text written while a message was missing is not kept: the gap is
// reported each time the minute is shown, as T reports it.
func TestDateTimeWithAMissingMessageIsNotKept(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	reports := 0
	l := b.WithReporter(func(string, string, error) { reports++ }).For(EN)
	l.loc = i18n.NewLocalizer(i18n.NewBundle(language.English), EN) // a catalogue without the formats
	at := time.Date(2026, 12, 2, 8, 20, 5, 0, time.UTC)
	l.DateTime(at)
	first := reports
	if first == 0 {
		t.Fatal("nothing reported: the test lost its case")
	}
	if l.DateTime(at); reports != 2*first {
		t.Fatalf("%d reports the first time, %d in all the second: the text was kept", first, reports)
	}
}

// Requests show times at once: kept texts read and written from many
// goroutines (run with -race) are still the texts written afresh, and
// the clearing when full (a flood of distinct minutes) keeps the bound.
func TestDateTimeKeptUnderConcurrentRequests(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	l := b.For(VI)
	start := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	done := make(chan string)
	for g := range 8 {
		go func() {
			rng := rand.New(rand.NewPCG(uint64(g), 8))
			for range 1500 {
				at := start.Add(time.Duration(rng.IntN(6000)) * time.Minute)
				if got, want := l.DateTime(at), l.uncachedDateTime(at); got != want {
					done <- got + " != " + want
					return
				}
			}
			done <- ""
		}()
	}
	for range 8 {
		if msg := <-done; msg != "" {
			t.Fatal(msg)
		}
	}
	l.dtMu.Lock()
	defer l.dtMu.Unlock()
	if len(l.dateTimes) > maxDateTimes {
		t.Fatalf("%d texts kept", len(l.dateTimes))
	}
}
