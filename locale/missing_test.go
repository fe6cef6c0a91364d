package locale

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// A missing message ID still shows as itself, and is reported with its
// language; a known one is not reported. The bundle it came from is
// unchanged.
func TestMissingIDIsReported(t *testing.T) {
	b := load(t)
	var mu sync.Mutex
	var got []string
	rb := b.WithReporter(func(lang, id string, err error) {
		var nf *i18n.MessageNotFoundErr
		if !errors.As(err, &nf) {
			t.Errorf("%s:%s reported with %v", lang, id, err)
		}
		mu.Lock()
		got = append(got, lang+":"+id)
		mu.Unlock()
	})
	if s := rb.For(EN).T("page.no_such_message"); s != "page.no_such_message" {
		t.Fatalf("missing ID shown as %q", s)
	}
	if s := rb.For(VI).T("nav.home"); s == "nav.home" || s == "" {
		t.Fatalf("known ID shown as %q", s)
	}
	if len(got) != 1 || got[0] != "en:page.no_such_message" {
		t.Fatalf("reported %v", got)
	}
	if b.report == nil || b.For(VI).report == nil {
		t.Fatal("the original bundle lost its reporter")
	}
}

// The default reporter logs a missing ID at error with its ID and
// language, once per ID and language.
func TestLogMissingLogsOnce(t *testing.T) {
	var buf bytes.Buffer
	rb := load(t).WithReporter(LogMissing(slog.New(slog.NewTextHandler(&buf, nil))))
	for range 3 {
		rb.For(VI).T("page.gone")
	}
	rb.For(EN).T("page.gone")
	log := buf.String()
	if n := strings.Count(log, "id=page.gone"); n != 2 {
		t.Fatalf("logged %d times, want once per language:\n%s", n, log)
	}
	for _, want := range []string{"level=ERROR", "id=page.gone", "lang=vi", "lang=en"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

// Messages without arguments are kept once given: asked again they are
// the same text in each language, a gap is still reported every time it
// is asked for (so it never becomes a kept "message"), and messages with
// arguments still fill them each time.
func TestKeptMessagesStayPerLanguageAndGapsStayReported(t *testing.T) {
	var mu sync.Mutex
	reported := 0
	b := load(t).WithReporter(func(string, string, error) { mu.Lock(); reported++; mu.Unlock() })
	vi, en := b.For(VI).T("nav.home"), b.For(EN).T("nav.home")
	for range 3 {
		if got := b.For(VI).T("nav.home"); got != vi {
			t.Fatalf("vi nav.home asked again: %q, first %q", got, vi)
		}
		if got := b.For(EN).T("nav.home"); got != en || got == vi {
			t.Fatalf("en nav.home asked again: %q (vi %q)", got, vi)
		}
		if got := b.For(EN).T("page.no_such_message"); got != "page.no_such_message" {
			t.Fatalf("gap shown as %q", got)
		}
	}
	if reported != 3 {
		t.Fatalf("the gap was reported %d times in 3 asks", reported)
	}
	one := b.For(EN).T("page.assessment.progress", "Answered", 1, "Total", 42)
	two := b.For(EN).T("page.assessment.progress", "Answered", 2, "Total", 42)
	if one == two || !strings.Contains(two, "2") {
		t.Fatalf("arguments not filled each time: %q, %q", one, two)
	}
}
