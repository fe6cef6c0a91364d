package web

import (
	"encoding/base64"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"dxready/store"
)

var (
	firmRowRe  = regexp.MustCompile(`<td><a href="/firms/(\d+)">`)
	pagerRe    = regexp.MustCompile(`<a href="(/admin/firms\?[^"]+)"`)
	prevLinkRe = regexp.MustCompile(`<a href="([^"]+)" rel="prev"`)
)

// firmPageIDs is the firm ids of an admin search page's rows, its links
// (previous, next, search further: every /admin/firms link it shows) and
// its link onwards: "search further" when it has one, else next.
func firmPageIDs(body string) (ids []int64, links []string, onward string) {
	for _, m := range firmRowRe.FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		ids = append(ids, id)
	}
	for _, m := range pagerRe.FindAllStringSubmatch(body, -1) {
		if strings.Contains(m[1], "cursor=") {
			links = append(links, html.UnescapeString(m[1]))
		}
	}
	if m := furtherRe.FindStringSubmatch(body); m != nil {
		onward = html.UnescapeString(m[1])
	} else if m := nextRe.FindStringSubmatch(body); m != nil {
		onward = html.UnescapeString(m[1])
	}
	return ids, links, onward
}

// followFirms reads an admin search from path on, as c sees it, following
// "search further" and next links to the end: the firms listed, and how
// many pages had "search further".
func followFirms(t *testing.T, c *client, path string) ([]int64, int) {
	t.Helper()
	var all []int64
	further := 0
	for i := 0; path != ""; i++ {
		r := c.get(path)
		must(t, r, http.StatusOK)
		if furtherRe.MatchString(r.body) {
			further++
		}
		ids, _, next := firmPageIDs(r.body)
		all, path = append(all, ids...), next
		if i > 500 {
			t.Fatalf("the links of %s do not end", path)
		}
	}
	return all, further
}

// TestAdminSearchSearchesFurther: with a window of two firms, the admin
// search of a short query with a filter, followed link by link as the
// admin sees it ("search further" where a page stopped at the window),
// lists exactly the firms the full search lists; every link any of its
// pages shows (previous, next, search further) opens a page of those firms
// only; the notes say in both languages that the list is searched in
// parts; a tampered cursor restarts the search with a notice, never a
// 500; another filter's cursor is a position in that filter's list; no
// other role opens the links.
func TestAdminSearchSearchesFurther(t *testing.T) {
	e := newEnv(t)
	addWoodMembers(t, e, 40)
	admin := e.client().login("admin@test.local")
	wood, size, ward := strconv.FormatInt(e.fx.Wood.ID, 10), string(e.fx.NoiThat.SizeClass), e.fx.NoiThat.WardCode
	queries := []string{"q=m&association=" + wood, "q=l&size=" + size, "q=n&ward=" + ward, "q=m&association=" + wood + "&size=" + size,
		"q=g&ward=" + ward + "&size=" + size, "association=" + wood + "&ward=" + ward, "q=38", "q=z&association=" + wood, "q=minh"}
	defer store.SetFewFirms(0)()
	stopped := 0
	for _, q := range queries {
		path := "/admin/firms?lang=en&" + q
		restore := store.SetFirmWindow(0)
		want, _ := followFirms(t, admin, path)
		restore()
		restore = store.SetFirmWindow(2)
		got, further := followFirms(t, admin, path)
		everyLink(t, admin, path, want)
		restore()
		stopped += further
		if !slices.Equal(got, want) {
			t.Errorf("%s: search further lists %v, the full search %v", q, got, want)
		}
	}
	if stopped == 0 {
		t.Fatal("no page stopped at a window of 2")
	}
	defer store.SetFirmWindow(2)()
	q := "/admin/firms?q=m&association=" + wood
	for lang, want := range map[string][]string{
		"en": {"The list is searched in parts: this page looked at the next 2 firms", "Search further", "found among the first 2 firms of the list"},
		"vi": {"Danh sách được tìm theo từng phần: trang này đã xét 2 doanh nghiệp tiếp theo", "Tìm tiếp", "trong 2 doanh nghiệp đầu tiên của danh sách"},
	} {
		must(t, admin.get(q+"&lang="+lang), http.StatusOK, want...)
	}
	link := furtherRe.FindStringSubmatch(admin.get(q + "&lang=en").body)
	if link == nil {
		t.Fatal("no search further link")
	}
	further := html.UnescapeString(link[1])
	u, _ := url.Parse(further)
	cursor := u.Query().Get("cursor")
	// The link's way back: "search further back", in both languages.
	back := prevLinkRe.FindStringSubmatch(admin.get(further).body)
	if back == nil {
		t.Fatal("no previous link after search further")
	}
	for lang, want := range map[string]string{"en": "Search further back", "vi": "Tìm tiếp về phía trước"} {
		must(t, admin.get(html.UnescapeString(back[1])+"&lang="+lang), http.StatusOK, want)
	}
	// Another filter's cursor: a position in that filter's list, its firms only.
	r := admin.get("/admin/firms?q=l&lang=en&cursor=" + url.QueryEscape(cursor))
	must(t, r, http.StatusOK)
	restore := store.SetFirmWindow(0)
	lFirms, _ := followFirms(t, admin, "/admin/firms?q=l")
	restore()
	ids, _, _ := firmPageIDs(r.body)
	for _, id := range ids {
		if !slices.Contains(lFirms, id) {
			t.Errorf("another filter's cursor shows firm %d, not a match of q=l", id)
		}
	}
	b64 := func(s string) string { return url.QueryEscape(base64.RawURLEncoding.EncodeToString([]byte(s))) }
	for _, bad := range []string{cursor[:len(cursor)-2], cursor + "x", "%00", strings.Repeat("A", 20000), "eyJ4Ijoi",
		b64(`["members:name:asc",false,["a",1]]`), b64(`["firms",false,["a","1"]]`), b64(`["firms",false,["a",1,2]]`)} {
		must(t, admin.get(q+"&lang=en&cursor="+bad), http.StatusOK, "The list starts again at its first page")
	}
	for _, who := range []string{"lead@test.local", "advisor@test.local", "firm@test.local"} {
		if r := e.client().login(who).get(further); r.status == http.StatusOK || r.status >= 500 || firmRowRe.MatchString(r.body) {
			t.Errorf("%s opened the admin search's search further link: %d", who, r.status)
		}
	}
}

// everyLink opens every link the pages of path show, and the links of
// those pages, as c: each answers 200 with firms of want only.
func everyLink(t *testing.T, c *client, path string, want []int64) {
	t.Helper()
	seen, queue := map[string]bool{path: true}, []string{path}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		r := c.get(p)
		must(t, r, http.StatusOK)
		ids, links, _ := firmPageIDs(r.body)
		for _, id := range ids {
			if !slices.Contains(want, id) {
				t.Fatalf("%s shows firm %d, not a match", p, id)
			}
		}
		for _, l := range links {
			if !seen[l] && len(seen) < 400 {
				seen[l] = true
				queue = append(queue, l)
			}
		}
	}
}
