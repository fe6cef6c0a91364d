package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"dxready/advisors"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// Every link a page shows works for the one who sees it. For each role the
// crawl signs in, starts where sign-in lands, and follows every same-origin
// link and GET form (with its default values) breadth first, up to a bound.
// It fails on a 403, 404 or 5xx for any link the portal itself offered, on
// a link whose query was escaped into one garbled parameter (it lands on
// another page), and on a redirect that is not one of the portal's known
// hand-overs.
func TestEveryLinkWorksForItsViewer(t *testing.T) {
	e := newEnv(t)
	storetest.SevenWoodFirms(t, e.st, e.fx, storetest.Instrument(t))
	crawlFixture(t, e)
	for _, role := range []struct{ name, email string }{
		{"firm with a result and a booking", "firm@test.local"},
		{"firm without anything yet", "firm2@test.local"},
		{"lead", "lead@test.local"},
		{"advisor with a booking", "advisor@test.local"},
		{"admin", "admin@test.local"},
	} {
		t.Run(role.name, func(t *testing.T) {
			c := e.client()
			r := c.post("/login", url.Values{"email": {role.email}, "password": {storetest.Password}})
			if r.status != http.StatusSeeOther {
				t.Fatalf("login: %d", r.status)
			}
			n := crawl(t, c, r.header.Get("Location"), 300)
			t.Logf("%d pages and files followed", n)
		})
	}
}

// crawlFixture gives the fixture firm a submitted self-assessment and a
// booking with the advisor that shares it, and adds a second firm user
// with nothing yet.
func crawlFixture(t *testing.T, e *env) {
	t.Helper()
	in := storetest.Instrument(t)
	c := e.client().login("firm@test.local")
	id := startAssessment(t, c)
	answers := map[string]survey.Answer{}
	for _, q := range in.Questions() {
		answers[q.ID] = survey.Answer{Options: []string{q.Options[len(q.Options)/2].ID}}
	}
	if err := e.st.SaveAnswers(ctx, id, e.fx.GoDuc.ID, answers, e.fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	must(t, submitReviewed(t, c, id), http.StatusSeeOther)
	nine := nineOClock(t, e)
	bk := &store.Booking{AdvisorID: e.fx.Advisor.ID, FirmID: e.fx.GoDuc.ID, Period: advisors.Period{Start: nine.UTC(), End: nine.Add(time.Hour).UTC()},
		Mode: "online", Language: "vi", Pillars: []string{"data"}}
	if err := e.st.Book(ctx, bk, advisors.VietnamHolidays(), nil); err != nil {
		t.Fatal(err)
	}
	storetest.FirmUser(t, e.st, "firm2@test.local", e.fx.NoiThat.ID)
}

// knownRedirects are links that hand over to another page by design.
var knownRedirects = map[string]bool{
	"/associations": true, // a lead goes to their own association's dashboard
	"/schedule":     true, // the admin picks an advisor first
}

// crawl follows links from start breadth first, at most limit requests,
// and at most four variants (queries) of one path, and returns how many
// it followed.
func crawl(t *testing.T, c *client, start string, limit int) int {
	t.Helper()
	return crawlEach(t, c, start, limit, nil)
}

// crawlEach is crawl handing each answer, and the link it came from, to
// seen (when not nil).
func crawlEach(t *testing.T, c *client, start string, limit int, each func(link string, r resp)) int {
	t.Helper()
	seen, variants := map[string]string{start: "sign-in"}, map[string]int{}
	queue := []string{start}
	n := 0
	for len(queue) > 0 && n < limit {
		link := queue[0]
		queue = queue[1:]
		n++
		r := c.get(link)
		if each != nil {
			each(link, r)
		}
		if testing.Verbose() {
			t.Logf("%d %s", r.status, link)
		}
		switch {
		case r.status == http.StatusForbidden || r.status == http.StatusNotFound || r.status >= 500:
			t.Errorf("GET %s (linked from %s) answers %d", link, seen[link], r.status)
			continue
		case r.status >= 300 && r.status < 400:
			u, _ := url.Parse(link)
			if !knownRedirects[u.Path] {
				t.Errorf("GET %s (linked from %s) redirects to %s", link, seen[link], r.header.Get("Location"))
			}
			queue = enqueue(queue, seen, variants, link, r.header.Get("Location"))
			continue
		case r.status != http.StatusOK:
			t.Errorf("GET %s (linked from %s) answers %d", link, seen[link], r.status)
			continue
		}
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			continue
		}
		for _, next := range pageLinks(t, link, r.body) {
			queue = enqueue(queue, seen, variants, link, next)
		}
	}
	return n
}

// enqueue adds link, found on page from, when it is same-origin, new, not
// a static asset and not one variant too many of its path.
func enqueue(queue []string, seen map[string]string, variants map[string]int, from, link string) []string {
	u, err := url.Parse(link)
	if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(link, "//") {
		return queue
	}
	u.Fragment = ""
	key := u.String()
	if seen[key] != "" || strings.HasPrefix(u.Path, "/static/") || variants[u.Path] >= 4 {
		return queue
	}
	seen[key] = from
	variants[u.Path]++
	return append(queue, key)
}

// pageLinks returns the href of every link and the URL of every GET form,
// filled with its fields' default values, of page (which was at base). A
// link whose query escaped its own separators fails the test.
func pageLinks(t *testing.T, base, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("%s: %v", base, err)
	}
	var out []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "a":
			if href := attr(n, "href"); href != "" {
				checkQuery(t, base, href)
				out = append(out, resolve(base, href))
			}
		case "form":
			if strings.EqualFold(attr(n, "method"), "get") {
				out = append(out, formURL(base, n))
			}
		}
	}
	return out
}

// checkQuery fails on a query whose '=' or '&' were escaped into one key:
// the link would land on another page than it names.
func checkQuery(t *testing.T, base, href string) {
	u, err := url.Parse(href)
	if err != nil {
		t.Errorf("%s links to %q: %v", base, href, err)
		return
	}
	for k := range u.Query() {
		if strings.ContainsAny(k, "=&") {
			t.Errorf("%s links to %q: its query was escaped into the parameter %q", base, href, k)
		}
	}
}

func resolve(base, href string) string {
	b, _ := url.Parse(base)
	h, err := url.Parse(href)
	if err != nil {
		return ""
	}
	r := b.ResolveReference(h)
	if r.Host != b.Host { // another site (open data's licence): left absolute, so enqueue leaves it aside
		return r.String()
	}
	return r.RequestURI()
}

// formURL is a GET form's action with its fields' default values.
func formURL(base string, form *html.Node) string {
	v := url.Values{}
	for n := range form.Descendants() {
		if n.Type != html.ElementNode || attr(n, "name") == "" || hasAttr(n, "disabled") {
			continue
		}
		switch n.Data {
		case "input":
			typ := strings.ToLower(attr(n, "type"))
			if (typ == "checkbox" || typ == "radio") && !hasAttr(n, "checked") || typ == "submit" {
				continue
			}
			v.Add(attr(n, "name"), attr(n, "value"))
		case "select":
			v.Add(attr(n, "name"), selectedValue(n))
		}
	}
	action := attr(form, "action")
	if action == "" {
		action = base
	}
	u, _ := url.Parse(resolve(base, action))
	q := u.Query()
	for k, vs := range v {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

func selectedValue(sel *html.Node) string {
	first := ""
	for n := range sel.Descendants() {
		if n.Type != html.ElementNode || n.Data != "option" {
			continue
		}
		val := attr(n, "value")
		if hasAttr(n, "selected") {
			return val
		}
		if first == "" {
			first = val
		}
	}
	return first
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == key })
}
