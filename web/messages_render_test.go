package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"dxready/auth"
	"dxready/locale"
	"dxready/store/storetest"
	"dxready/survey"
)

// Every role's main pages, in both languages, use only messages the
// catalogue has: newEnv's reporter fails the test on any other (as it
// does in every web test that renders a page).
func TestPagesUseOnlyKnownMessages(t *testing.T) {
	e := newEnv(t)
	wood := fmt.Sprintf("/associations/%d", e.fx.Wood.ID)
	pages := map[string][]string{
		"":                   {"/", "/login", "/register", "/no/such/page"},
		"firm@test.local":    {"/", "/assessment", "/advisors", "/bookings", "/profile"},
		"lead@test.local":    {"/", wood, wood + "/members"},
		"advisor@test.local": {"/", "/schedule", "/bookings"},
		"admin@test.local":   {"/associations", "/admin/firms", "/admin/import", "/admin/advisors", "/admin/outbox", "/bookings"},
	}
	for who, paths := range pages {
		c := e.client()
		if who != "" {
			c.login(who)
		}
		for _, lang := range locale.Languages {
			for _, p := range paths {
				r := c.get(p+"?lang="+lang, "Accept-Language", lang)
				if r.status >= 500 || (r.status != http.StatusOK && p != "/no/such/page") {
					t.Errorf("%s %s (%s): status %d", who, p, lang, r.status)
				}
			}
		}
	}
}

// The check above can fail: a page that asks for a message the catalogue
// lacks shows the raw ID, and the server's reporter is told, with the
// language.
func TestMissingMessageOnAPageIsReported(t *testing.T) {
	st, fx := storetest.Open(t)
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	ins, err := survey.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	b = b.WithReporter(func(lang, id string, _ error) {
		mu.Lock()
		got = append(got, lang+":"+id)
		mu.Unlock()
	})
	s, err := New(Config{Store: st, Bundle: b, Ref: fx.Ref, Hasher: auth.NewHasher(storetest.Cheap, 2), Instruments: ins,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: fx.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	s.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/?lang=en", nil)) // known messages only
	if len(got) != 0 {
		t.Fatalf("known messages reported: %v", got)
	}
	rec := httptest.NewRecorder()
	s.renderError(rec, httptest.NewRequest("GET", "/", nil), http.StatusNotFound, "error.no_such_message")
	if !strings.Contains(rec.Body.String(), "error.no_such_message") {
		t.Fatalf("the raw ID is not on the page: %.500s", rec.Body.String())
	}
	if len(got) != 1 || got[0] != "vi:error.no_such_message" {
		t.Fatalf("reported %v, want vi:error.no_such_message", got)
	}
}
