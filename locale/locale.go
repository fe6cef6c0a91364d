// Package locale holds the i18n bundle (Vietnamese default, English), the
// choice of language for a request, and Vietnamese-style formats for
// numbers, dates and times. Every user-facing string comes from here.
package locale

import (
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // the zone must resolve on machines without /usr/share/zoneinfo

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

//go:embed locales/*.toml
var localeFS embed.FS

// Supported languages, default first.
const (
	VI = "vi"
	EN = "en"
)

// Languages lists the supported language codes, default first.
var Languages = []string{VI, EN}

var tags = []language.Tag{language.Vietnamese, language.English}

// Bundle is the loaded message catalogue with a Localizer per language.
type Bundle struct {
	bundle   *i18n.Bundle
	matcher  language.Matcher
	locs     map[string]*Localizer
	ids      map[string][]string // lang -> message IDs
	plurals  map[string]bool     // message IDs that have plural forms
	report   Reporter
	glossary []Term
	Zone     *time.Location
}

// Reporter is told of every message a Localizer could not give: its ID is
// not in the catalogue for lang (the page then shows the raw ID), or the
// message failed to fill. err is go-i18n's (*i18n.MessageNotFoundErr for
// a missing ID).
type Reporter func(lang, id string, err error)

// Load parses the embedded catalogues and checks that they agree.
func Load() (*Bundle, error) {
	zone, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return nil, fmt.Errorf("locale: zone: %w", err)
	}
	b := &Bundle{
		bundle:  i18n.NewBundle(language.Vietnamese),
		matcher: language.NewMatcher(tags),
		locs:    map[string]*Localizer{},
		ids:     map[string][]string{},
		plurals: map[string]bool{},
		report:  LogMissing(nil),
		Zone:    zone,
	}
	b.bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, lang := range Languages {
		name := "locales/active." + lang + ".toml"
		data, err := fs.ReadFile(localeFS, name)
		if err != nil {
			return nil, fmt.Errorf("locale: %w", err)
		}
		mf, err := b.bundle.ParseMessageFileBytes(data, path.Base(name))
		if err != nil {
			return nil, fmt.Errorf("locale: %s: %w", name, err)
		}
		for _, m := range mf.Messages {
			b.ids[lang] = append(b.ids[lang], m.ID)
			if m.One != "" || m.Zero != "" || m.Few != "" || m.Many != "" {
				b.plurals[m.ID] = true
			}
		}
		sort.Strings(b.ids[lang])
	}
	if b.glossary, err = parseGlossary(glossaryTOML); err != nil {
		return nil, err
	}
	b.newLocalizers()
	if missing := b.Missing(); len(missing) > 0 {
		return nil, fmt.Errorf("locale: messages not in every language: %s", strings.Join(missing, ", "))
	}
	return b, nil
}

func (b *Bundle) newLocalizers() {
	b.locs = map[string]*Localizer{}
	for i, lang := range Languages {
		b.locs[lang] = newLocalizer(b, lang, tags[i])
	}
}

// WithReporter returns the bundle with report told of every message its
// localizers cannot give, instead of the default (LogMissing on
// slog.Default). The catalogue is shared; b itself is unchanged. The
// server passes a reporter that logs to its logger; tests one that
// records, and fail on what it recorded.
func (b *Bundle) WithReporter(report Reporter) *Bundle {
	nb := *b
	nb.report = report
	nb.newLocalizers()
	return &nb
}

// LogMissing returns a Reporter that logs each message it is told of at
// error level to logger (slog.Default when nil), with the ID and the
// language, once per ID and language: a gap on a busy page is one line,
// not one per request.
func LogMissing(logger *slog.Logger) Reporter {
	var seen sync.Map
	return func(lang, id string, err error) {
		if _, dup := seen.LoadOrStore(lang+":"+id, true); dup {
			return
		}
		l := logger
		if l == nil {
			l = slog.Default()
		}
		l.Error("message not in the catalogue or not filled", "id", id, "lang", lang, "err", err)
	}
}

// Missing lists "lang:id" for every message that exists in one language but
// not in another.
func (b *Bundle) Missing() []string {
	var out []string
	for _, lang := range Languages {
		have := map[string]bool{}
		for _, id := range b.ids[lang] {
			have[id] = true
		}
		for _, other := range Languages {
			for _, id := range b.ids[other] {
				if !have[id] {
					out = append(out, lang+":"+id)
				}
			}
		}
	}
	return out
}

// MessageIDs returns the message IDs of lang, sorted.
func (b *Bundle) MessageIDs(lang string) []string { return b.ids[lang] }

// IsPlural reports whether message id has plural forms.
func (b *Bundle) IsPlural(id string) bool { return b.plurals[id] }

// For returns the Localizer for lang, or for Vietnamese when lang is unknown.
func (b *Bundle) For(lang string) *Localizer {
	if l, ok := b.locs[lang]; ok {
		return l
	}
	return b.locs[VI]
}

// Match picks the language for a request: the ?lang= value, then the
// cookie, then Accept-Language, then Vietnamese. Values that do not parse
// or that match neither language are skipped.
func (b *Bundle) Match(query, cookie, acceptLanguage string) string {
	for _, v := range []string{query, cookie} {
		if v == "" {
			continue
		}
		if t, err := language.Parse(v); err == nil {
			if _, idx, conf := b.matcher.Match(t); conf != language.No {
				return Languages[idx]
			}
		}
	}
	if prefs, _, err := language.ParseAcceptLanguage(acceptLanguage); err == nil && len(prefs) > 0 {
		if _, idx, conf := b.matcher.Match(prefs...); conf != language.No {
			return Languages[idx]
		}
	}
	return VI
}

// Localizer translates and formats for one language. It is safe for
// concurrent use.
type Localizer struct {
	Lang    string
	report  Reporter
	loc     *i18n.Localizer
	printer *message.Printer
	zone    *time.Location
	// decimalMark and groupMark are what the printer writes between the
	// integer and fraction digits and between groups of three: Decimal
	// writes them itself.
	decimalMark, groupMark string
	// plain keeps the messages given without arguments, by ID: a page asks
	// for dozens of them, each a go-i18n lookup and template run (2-3% of
	// the server's CPU in the load tool's firm cycle), and they never
	// change. Only messages found are kept, so the map is bounded by the
	// catalogue, and a gap is reported every time it is asked for.
	plain sync.Map
	// dateTimes keeps DateTime's texts by local minute, and Date's by
	// local day: each is one or two go-i18n template runs (some 100 µs),
	// and a page shows the same few minutes and days (the review's
	// changes, a result's submission and the one before) over and over.
	// Bounded by maxDateTimes, cleared when full; a text written while a
	// message was missing (reports moved) is not kept.
	dtMu      sync.Mutex
	dateTimes map[localMinute]string
	reports   atomic.Int64 // messages reported missing so far
}

// localMinute is a minute of the local clock: all DateTime shows.
type localMinute struct {
	year          int
	month         time.Month
	day, hour, mi int
}

// maxDateTimes bounds the DateTime texts kept a language.
const maxDateTimes = 4096

func newLocalizer(b *Bundle, lang string, tag language.Tag) *Localizer {
	l := &Localizer{Lang: lang, report: b.report, loc: i18n.NewLocalizer(b.bundle, lang), printer: message.NewPrinter(tag), zone: b.Zone}
	s := []rune(l.printedDecimal(1234.5, 1)) // 1.234,5 or 1,234.5
	l.decimalMark, l.groupMark = string(s[len(s)-2]), string(s[1])
	return l
}

// T returns message id filled with kv, given as name, value pairs. A pair
// named "Count" selects the plural form and is printed in local digits.
// An unknown id comes back as itself, so a gap shows rather than panics,
// and is reported (see Reporter), so it does not pass unnoticed.
func (l *Localizer) T(id string, kv ...any) string {
	if len(kv) == 0 {
		if s, ok := l.plain.Load(id); ok {
			return s.(string)
		}
	}
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(kv) > 0 {
		data := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			k := fmt.Sprint(kv[i])
			data[k] = kv[i+1]
			if k == "Count" {
				cfg.PluralCount = kv[i+1]
				data[k] = l.formatCount(kv[i+1])
			}
		}
		cfg.TemplateData = data
	}
	s, err := l.loc.Localize(cfg)
	switch {
	case err == nil && len(kv) == 0:
		l.plain.Store(id, s)
	case err != nil:
		l.reports.Add(1)
		l.report(l.Lang, id, err)
		if s == "" {
			return id
		}
	}
	return s
}

func (l *Localizer) formatCount(v any) string {
	switch n := v.(type) {
	case int:
		return l.Int(int64(n))
	case int64:
		return l.Int(n)
	}
	return fmt.Sprint(v)
}

// Int formats n with the language's grouping: 68.000 (vi), 68,000 (en).
func (l *Localizer) Int(n int64) string { return l.printer.Sprint(number.Decimal(n)) }

// Decimal formats f with exactly digits fraction digits (at least 0),
// rounded half to even: 1.234,5 (vi), 1,234.5 (en). It writes what the
// language's x/text printer writes (TestDecimalIsThePrinters), from
// strconv's digits, as the printer does, and the printer's marks: the
// printer took 2.2-6.5 µs and 15 allocations a number (100-600 ns and 1
// allocation now, load 16) and Decimal is on every score of every
// page. Not-a-number, infinities and negative digits go to the printer.
func (l *Localizer) Decimal(f float64, digits int) string {
	if digits < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return l.printedDecimal(f, digits)
	}
	var num [32]byte
	plain := strconv.AppendFloat(num[:0], math.Abs(f), 'f', digits, 64)
	whole := len(plain)
	if digits > 0 {
		whole -= digits + 1
	}
	out := make([]byte, 0, len(plain)+1+(whole/3)*len(l.groupMark)+len(l.decimalMark))
	if f < 0 { // as the printer: -0 has no sign, -0.04 to one digit has
		out = append(out, '-')
	}
	for i := range whole {
		if i > 0 && (whole-i)%3 == 0 {
			out = append(out, l.groupMark...)
		}
		out = append(out, plain[i])
	}
	if digits > 0 {
		out = append(out, l.decimalMark...)
		out = append(out, plain[whole+1:]...)
	}
	return string(out)
}

// printedDecimal is Decimal as x/text's printer writes it.
func (l *Localizer) printedDecimal(f float64, digits int) string {
	return l.printer.Sprint(number.Decimal(f, number.MaxFractionDigits(digits), number.MinFractionDigits(digits)))
}

// Separators are the decimal and grouping marks Decimal writes: "," and
// "." in Vietnamese, "." and "," in English (for pages that format numbers
// in the browser, such as charts).
func (l *Localizer) Separators() (decimal, group string) {
	return l.decimalMark, l.groupMark
}

// Percent formats a share (0.685) as 68,5% (vi).
func (l *Localizer) Percent(share float64, digits int) string {
	return l.printer.Sprint(number.Percent(share, number.MaxFractionDigits(digits)))
}

// VND formats an amount in đồng the Vietnamese way: 1.234.567 ₫.
func (l *Localizer) VND(v int64) string { return l.Int(v) + " ₫" }

// Date formats the local day of t (Asia/Ho_Chi_Minh): "01/12/2026" in
// Vietnamese, "Tuesday 1 December 2026" in English.
func (l *Localizer) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	y, mo, d := t.In(l.zone).Date()
	key := localMinute{y, mo, d, -1, -1} // a day: kept beside DateTime's minutes
	if s, ok := l.keptTime(key); ok {
		return s
	}
	reports := l.reports.Load()
	s := l.T("format.date", l.dateParts(t)...)
	l.keepTime(key, s, reports)
	return s
}

// Day is Date with the weekday in every language: "Thứ Ba, 01/12/2026",
// "Tuesday 1 December 2026".
func (l *Localizer) Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.T("format.day", l.dateParts(t)...)
}

// DateTime formats t in Asia/Ho_Chi_Minh with the zone written, 24-hour:
// "22/11/2026 14:05 (GMT+7)", "Sunday 22 November 2026, 14:05 (GMT+7)".
func (l *Localizer) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	lt := t.In(l.zone)
	y, mo, d := lt.Date()
	h, mi, _ := lt.Clock()
	key := localMinute{y, mo, d, h, mi}
	if s, ok := l.keptTime(key); ok {
		return s
	}
	reports := l.reports.Load()
	s := l.T("format.date_time", "Date", l.Date(t), "Time", lt.Format("15:04")) + " " + l.T("format.zone")
	l.keepTime(key, s, reports)
	return s
}

// keptTime is the text kept for key (a local minute, or a day: hour and
// minute -1).
func (l *Localizer) keptTime(key localMinute) (string, bool) {
	l.dtMu.Lock()
	s, ok := l.dateTimes[key]
	l.dtMu.Unlock()
	return s, ok
}

// keepTime keeps s for key, unless a message went missing (was reported)
// since reports was read: then the gap is reported again next time.
func (l *Localizer) keepTime(key localMinute, s string, reports int64) {
	if l.reports.Load() != reports {
		return
	}
	l.dtMu.Lock()
	if l.dateTimes == nil || len(l.dateTimes) >= maxDateTimes {
		l.dateTimes = map[localMinute]string{}
	}
	l.dateTimes[key] = s
	l.dtMu.Unlock()
}

// DateTimeSeconds is DateTime to the second, for records such as the
// audit log: "22/11/2026 14:05:09 (GMT+7)".
func (l *Localizer) DateTimeSeconds(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.T("format.date_time", "Date", l.Date(t), "Time", t.In(l.zone).Format("15:04:05")) + " " + l.T("format.zone")
}

// Span formats a period within one day with its weekday and the zone:
// "Thứ Hai, 23/11/2026 13:30–14:30 (GMT+7)", "Monday 23 November 2026,
// 13:30–14:30 (GMT+7)".
func (l *Localizer) Span(start, end time.Time) string {
	st, en := start.In(l.zone), end.In(l.zone)
	return l.T("format.span", "Day", l.Day(st), "From", st.Format("15:04"), "To", en.Format("15:04")) + " " + l.T("format.zone")
}

// dateParts are the names a date format may use, for t's local day.
func (l *Localizer) dateParts(t time.Time) []any {
	t = t.In(l.zone)
	return []any{"Weekday", l.T("weekday." + strings.ToLower(t.Weekday().String())),
		"Day", t.Day(), "DD", t.Format("02"), "Month", l.T("month." + strings.ToLower(t.Month().String())),
		"MM", t.Format("01"), "Year", t.Format("2006")}
}
