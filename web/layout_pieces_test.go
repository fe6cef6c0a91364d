package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"dxready/auth"
	"dxready/locale"
	"dxready/store/storetest"
)

// checkJoinedLayout fails t when a page joined from its layout's pieces is
// not, byte for byte, the page the whole template renders.
func checkJoinedLayout(t *testing.T) func(name, joined, whole string, err error) {
	return func(name, joined, whole string, err error) {
		if err != nil {
			t.Errorf("page %s: joined, but the whole template fails: %v", name, err)
		} else if joined != whole {
			t.Errorf("page %s joined from pieces differs from the whole template's:\n%s", name, firstDifference(joined, whole))
		}
	}
}

// firstDifference shows where a and b part.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-120)
	return "joined: …" + a[from:min(len(a), i+120)] + "\nwhole:  …" + b[from:min(len(b), i+120)]
}

// layoutUsers are the users the layout tells apart: signed out, each
// role, a firm's verified and open claims, an address not confirmed, a
// second factor due, a pending account, and addresses needing escapes.
func layoutUsers() []*auth.User {
	active := func(u auth.User) *auth.User {
		u.Status, u.EmailVerified = auth.StatusActive, true
		if u.Role != auth.RoleFirm {
			u.TwoFactor = true
		}
		return &u
	}
	unconfirmed := active(auth.User{ID: 4, Role: auth.RoleFirm, FirmID: 2, FirmVerified: true, Email: `x+y"<b>'&@a.test`})
	unconfirmed.EmailVerified = false
	due := active(auth.User{ID: 5, Role: auth.RoleAdmin, Email: "due@a.test"})
	due.TwoFactor = false
	pending := active(auth.User{ID: 6, Role: auth.RoleFirm, FirmID: 3, Email: "p\x00\xff@a.test"})
	pending.Status = auth.StatusPending
	return []*auth.User{nil,
		active(auth.User{ID: 1, Role: auth.RoleFirm, FirmID: 1, FirmVerified: true, Email: "firm@a.test"}),
		active(auth.User{ID: 2, Role: auth.RoleFirm, FirmID: 1, Email: "claim@a.test"}),
		unconfirmed, due, pending,
		active(auth.User{ID: 7, Role: auth.RoleAdvisor, Email: "adv@a.test"}),
		active(auth.User{ID: 8, Role: auth.RoleLead, AssociationID: 1, Email: "lead@a.test"}),
		active(auth.User{ID: 9, Role: auth.RoleAdmin, Email: "admin@a.test"}),
	}
}

// layoutURLs are the pages' addresses: usual ones, and paths and queries
// with characters that need escaping in an attribute or a URL.
var layoutURLs = []string{"/", "/assessment/12/step/3?check=1&from=review&changed=q1.2", "/advisors/7/edit", "/admin/firms?q=c%C3%B4ng+ty&lang=en",
	`/a%20b/%22q'%3C%3E&+?x=%3Cscript%3E&y=%zz&lang=vi`, "//evil.test/x?next=javascript:alert(1)", `/\evil/é?q=é+x#frag`}

// layoutPages are the page data of the firm cycle's pages with page p.
func layoutPages(p page) map[string]any {
	return map[string]any{"assessment_step": stepPage{page: p, Step: 2, Steps: 6}, "assessment_review": reviewPage{page: p},
		"assessment_result": resultPage{page: p}}
}

func TestLayoutJoinedIsTheWholeTemplatesPageOverEveryUserAndPath(t *testing.T) {
	e := newEnv(t)
	s, pages := e.web, 0
	for _, l := range locale.Languages {
		for _, u := range layoutUsers() {
			for _, raw := range layoutURLs {
				at, err := url.Parse(raw)
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range layoutVariants(l, u, at) {
					for name, data := range layoutPages(p) {
						compareLayout(t, s, l, name, data)
						pages++
					}
				}
			}
		}
	}
	t.Logf("%d pages compared", pages)
}

// layoutVariants are the pages of user u at address at in language l:
// with and without a flash and the demo banner, with the assessment taken
// from the links (a closed claim), and with values no handler makes:
// scripts in the addresses and links, quotes, NUL and broken UTF-8.
func layoutVariants(l string, u *auth.User, at *url.URL) []page {
	other := locale.EN
	if l == locale.EN {
		other = locale.VI
	}
	base := page{Lang: l, OtherLang: other, Here: localURL(at, ""), LangURL: localURL(at, other), User: u, Path: at.Path,
		Title: "page.assessment.title", Nav: navFor(u, at.Path)}
	var out []page
	for i := range 16 {
		p := base
		p.Demo = i&1 != 0
		if i&2 != 0 {
			p.Flash, p.Title = "flash.reset_sent", "page.book_behalf.title"
		}
		if i&4 != 0 {
			p.Nav = withoutAssessment(p.Nav)
		}
		if i&8 != 0 {
			p.Here, p.LangURL, p.Lang = `" onclick="x'&+`+"\x00\xff", "JavaScript:alert(1)", `vi"`
			p.Nav = append(p.Nav[:len(p.Nav):len(p.Nav)], navItem{Href: "javascript:x", Label: "nav.home"}, navItem{Href: "/a b?c=<'\"&+%41%zz>", Label: "nav.data", Current: true})
		}
		out = append(out, p)
	}
	return out
}

// compareLayout renders page name both ways and fails t when they differ
// or the page could not be joined.
func compareLayout(t *testing.T, s *Server, l, name string, data any) {
	t.Helper()
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(context.WithValue(r.Context(), langKey, l))
	tmpl := mustPage(t, s.pages, l, name)
	var joined, whole bytes.Buffer
	if !s.renderJoined(&joined, r, tmpl, name, data) {
		t.Fatalf("%s %s: not joined from pieces", l, name)
	}
	if err := tmpl.ExecuteTemplate(&whole, "base", data); err != nil {
		t.Fatal(err)
	}
	if joined.String() != whole.String() {
		t.Fatalf("%s %s (%+v): joined differs from whole:\n%s", l, name, data.(layoutData).layoutPage(), firstDifference(joined.String(), whole.String()))
	}
}

// Pieces cut by requests at once, each the first of its shape, are the
// whole template's pages (run with -race: the cut and the reads of the
// shapes kept share a lock).
func TestLayoutPiecesCutByRequestsAtOnce(t *testing.T) {
	e := newEnv(t)
	users := layoutUsers()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i, u := range users {
				at, _ := url.Parse(layoutURLs[(g+i)%len(layoutURLs)])
				l := locale.Languages[g%2]
				for _, p := range layoutVariants(l, u, at) {
					compareLayoutAsync(t, e.web, l, "assessment_step", stepPage{page: p, Step: 1, Steps: 6})
				}
			}
		})
	}
	wg.Wait()
}

// compareLayoutAsync is compareLayout for goroutines (Errorf, not Fatal).
func compareLayoutAsync(t *testing.T, s *Server, l, name string, data any) {
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(context.WithValue(r.Context(), langKey, l))
	tmpl := mustPage(t, s.pages, l, name)
	var joined, whole bytes.Buffer
	ok := s.renderJoined(&joined, r, tmpl, name, data)
	if err := tmpl.ExecuteTemplate(&whole, "base", data); err != nil || !ok || joined.String() != whole.String() {
		t.Errorf("%s %s: joined %v, err %v, equal %v", l, name, ok, err, joined.String() == whole.String())
	}
}

// The firm cycle's pages over HTTP, in both languages, with and without
// the demo banner, after a post's flash, at addresses whose queries need
// escaping: each page the server sends is the whole template's (newEnv's
// layoutCheck compares them) and the layout's values are escaped.
func TestLayoutOfTheCyclesPagesOverHTTP(t *testing.T) {
	for _, demo := range []bool{true, false} {
		e := newEnv(t, func(c *Config) { c.Demo = demo })
		c := e.client().login("firm@test.local")
		id := startAssessment(t, c)
		odd := `?from=review&changed=%22%3E%3Cb%3E'%26%2B&x=%zz&y=javascript:alert(1)&z=%C3%A9`
		for _, l := range []string{"en", "vi"} {
			for _, p := range []string{"/step/1" + odd, "/step/2?check=1&opened=q%22" + odd[1:], "/review" + odd} {
				r := c.get(fmt.Sprintf("/assessment/%d%s&lang=%s", id, p, l))
				must(t, r, http.StatusOK, `<html lang="`+l+`">`)
				if strings.Contains(r.body, `"><b>`) || strings.Contains(r.body, "javascript:alert") && !strings.Contains(r.body, "javascript:alert(1)&amp;") {
					t.Errorf("%s %s: a value unescaped", l, p)
				}
				if demo != strings.Contains(r.body, `class="demo-banner"`) {
					t.Errorf("%s %s: demo banner %v", l, p, !demo)
				}
			}
		}
		in := storetest.Instrument(t)
		for pi := range in.Pillars {
			step := fmt.Sprintf("/assessment/%d/step/%d", id, pi+1)
			r := c.post(step, stepForm(in, pi, c.get(step).body, 1, "next"))
			if loc := r.header.Get("Location"); strings.Contains(loc, "opened=") { // a follow-up opened on the step
				r = c.post(step, stepForm(in, pi, c.get(loc).body, 1, "next"))
			}
			if r.status != http.StatusSeeOther {
				t.Fatalf("step %d: %d", pi+1, r.status)
			}
		}
		if r := submitReviewed(t, c, id); r.status != http.StatusSeeOther {
			t.Fatalf("submit: %d", r.status)
		}
		r := c.get(fmt.Sprintf("/assessment/%d/result%s&lang=en", id, odd))
		must(t, r, http.StatusOK, `<p class="flash" role="status">`, `<html lang="en">`)
		must(t, c.get(fmt.Sprintf("/assessment/%d/result%s&lang=vi", id, odd)), http.StatusOK, `<html lang="vi">`)
	}
}
