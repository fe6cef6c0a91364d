package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"dxready/auth"
	"dxready/locale"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// benchBrowser sends requests straight to a handler, keeping cookies and
// following each 303 with a GET, as `dxready load`'s clients do, without
// the network.
type benchBrowser struct {
	b   testing.TB
	h   http.Handler
	jar *cookiejar.Jar
}

var benchURL, _ = url.Parse("http://portal.test/")

// send sends method path (form as its body when not nil) and, on a 303,
// GETs where it leads; it returns the last status and body.
func (c *benchBrowser) send(method, path string, form url.Values) (int, string) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, "http://portal.test"+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, ck := range c.jar.Cookies(benchURL) {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	res := rec.Result()
	c.jar.SetCookies(benchURL, res.Cookies())
	if res.StatusCode == http.StatusSeeOther {
		to, _, _ := strings.Cut(res.Header.Get("Location"), "#")
		return c.send(http.MethodGet, to, nil)
	}
	return res.StatusCode, rec.Body.String()
}

var benchVersion = regexp.MustCompile(`name="version" value="([0-9a-f]{32})"`)

// cycle is the load tool's whole firm cycle: start, every step, submit,
// each shown the page it leads to.
func (c *benchBrowser) cycle(in *survey.Instrument) {
	status, body := c.send(http.MethodPost, "/assessment", url.Values{})
	m := regexp.MustCompile(`action="/assessment/(\d+)/step/1"`).FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		c.b.Fatalf("start: %d %.300s", status, body)
	}
	for pi, pl := range in.Pillars {
		form := url.Values{"nav": {"next"}}
		for _, q := range pl.Questions {
			form.Set("q."+q.ID, q.Options[0].ID) // a follow-up that does not apply is dropped
			if q.When == nil {
				form.Add("asked", q.ID)
			}
			if q.Type == survey.Multi {
				form.Add("shown", q.ID)
			}
		}
		if status, body = c.send(http.MethodPost, fmt.Sprintf("/assessment/%s/step/%d", m[1], pi+1), form); status != http.StatusOK {
			c.b.Fatalf("step %d: %d", pi+1, status)
		}
	}
	v := benchVersion.FindStringSubmatch(body)
	if v == nil {
		c.b.Fatalf("no version on the review: %.300s", body)
	}
	if status, _ = c.send(http.MethodPost, "/assessment/"+m[1]+"/submit", url.Values{"version": {v[1]}}); status != http.StatusOK {
		c.b.Fatalf("submit: %d", status)
	}
}

// benchPortal is the portal on the fixtures' database with seven firms of
// an association that have results, each with a signed-in browser.
func benchPortal(b testing.TB) ([]*benchBrowser, *survey.Instrument) {
	cs, in, _ := benchPortalStore(b)
	return cs, in
}

// benchPortalStore is benchPortal with its store.
func benchPortalStore(b testing.TB) ([]*benchBrowser, *survey.Instrument, *store.Store) {
	st, fx := storetest.OpenWith(b, store.Options{})
	bundle, err := locale.Load()
	if err != nil {
		b.Fatal(err)
	}
	ins, err := survey.LoadEmbedded()
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(Config{Store: st, Bundle: bundle, Ref: fx.Ref, Hasher: auth.NewHasher(storetest.Cheap, 2), Instruments: ins,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Demo: true, Now: fx.Clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	in, _ := survey.Latest(ins, survey.DefaultID)
	var cs []*benchBrowser
	for i, id := range storetest.SevenWoodFirms(b, st, fx, in) {
		email := fmt.Sprintf("bench%d@test.local", i)
		storetest.FirmUser(b, st, email, id)
		jar, _ := cookiejar.New(nil)
		c := &benchBrowser{b: b, h: s.Handler(), jar: jar}
		if status, _ := c.send(http.MethodPost, "/login", url.Values{"email": {email}, "password": {storetest.Password}}); status != http.StatusOK {
			b.Fatalf("sign-in: %d", status)
		}
		cs = append(cs, c)
	}
	return cs, in, st
}

// BenchmarkFirmCycle is one firm's whole cycle (16 requests: 8 posts, each
// followed to its page) through the portal's handler on the fixtures'
// database: the server's own cost of what `dxready load` calls a cycle.
// Seven firms take turns, so that each firm's history grows as slowly as a
// load client's does and the result page has groups to compare with.
func BenchmarkFirmCycle(b *testing.B) {
	cs, in := benchPortal(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		cs[i%len(cs)].cycle(in)
		i++
	}
}

// BenchmarkDraftPages shows a half-answered draft's first step and its
// review page, as the cycle does after each step post: what the pages
// cost apart from the writes.
func BenchmarkDraftPages(b *testing.B) {
	cs, in := benchPortal(b)
	c := cs[0]
	status, body := c.send(http.MethodPost, "/assessment", url.Values{})
	m := regexp.MustCompile(`action="/assessment/(\d+)/step/1"`).FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		b.Fatalf("start: %d", status)
	}
	form := url.Values{"nav": {"next"}}
	for i, q := range in.Pillars[0].Questions {
		if q.When == nil && i%2 == 0 {
			form.Set("q."+q.ID, q.Options[1].ID)
		}
	}
	c.send(http.MethodPost, "/assessment/"+m[1]+"/step/1", form)
	for _, page := range []string{"step/1", "review"} {
		b.Run(page, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if status, _ := c.send(http.MethodGet, "/assessment/"+m[1]+"/"+page, nil); status != http.StatusOK {
					b.Fatalf("%s: %d", page, status)
				}
			}
		})
	}
}

// BenchmarkResultPage shows a firm's latest result after it has taken the
// assessment once and 40 times: a page that reads the firm's history grows
// with it.
func BenchmarkResultPage(b *testing.B) {
	cs, in := benchPortal(b)
	c, done := cs[0], 0
	for _, n := range []int{1, 40} {
		for ; done < n; done++ {
			c.cycle(in)
		}
		_, prof := c.send(http.MethodGet, "/profile", nil) // the latest result first
		m := regexp.MustCompile(`/assessment/(\d+)/result`).FindStringSubmatch(prof)
		if m == nil {
			b.Fatal("no result on the profile")
		}
		b.Run(fmt.Sprint("submissions=", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if status, _ := c.send(http.MethodGet, "/assessment/"+m[1]+"/result", nil); status != http.StatusOK {
					b.Fatalf("result: %d", status)
				}
			}
		})
	}
}
