package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"dxready/auth"
	"dxready/store"
	"dxready/store/storetest"
)

var (
	memberRowRe = regexp.MustCompile(`<tr id="member-(\d+)"`)
	furtherRe   = regexp.MustCompile(`<a href="([^"]+)" id="search-further">`)
	nextRe      = regexp.MustCompile(`<a href="([^"]+)" rel="next"`)
	// tokenRe: what differs between two renderings of one page (the form
	// token, a script nonce).
	tokenRe = regexp.MustCompile(`(value|nonce|content)="[A-Za-z0-9_\-+/=]{20,}"`)
)

// memberPageIDs is the firm ids of a member list page's rows, and its link
// onwards: "search further" when the page has one, else its next page.
func memberPageIDs(t *testing.T, body string) ([]int64, string, bool) {
	t.Helper()
	var ids []int64
	for _, m := range memberRowRe.FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		ids = append(ids, id)
	}
	if m := furtherRe.FindStringSubmatch(body); m != nil {
		return ids, html.UnescapeString(m[1]), true
	}
	if m := nextRe.FindStringSubmatch(body); m != nil {
		return ids, html.UnescapeString(m[1]), false
	}
	return ids, "", false
}

// followMembers reads a member list from path on, as the lead sees it,
// following "search further" and next links to the end, and returns the
// members listed and how many pages had "search further".
func followMembers(t *testing.T, c *client, path string) ([]int64, int) {
	t.Helper()
	var all []int64
	further := 0
	for i := 0; path != ""; i++ {
		r := c.get(path)
		must(t, r, http.StatusOK)
		ids, next, f := memberPageIDs(t, r.body)
		if f {
			further++
		}
		all, path = append(all, ids...), next
		if i > 200 {
			t.Fatalf("the links of %s do not end", path)
		}
	}
	return all, further
}

// TestMemberListSearchesFurther: with a window of two members, a member
// list of a one-letter filter, followed link by link as the lead sees it
// ("search further" where a page stopped at the window), lists exactly
// the members the full walk lists, and says in both languages that it is
// searched in parts; pages the window does not stop are byte for byte the
// full walk's; another association's lead gets none of these members from
// the links; a link's cursor under another filter or association is a
// position there; a tampered one restarts the list with a notice.
func TestMemberListSearchesFurther(t *testing.T) {
	e := newEnv(t)
	storetest.SevenWoodFirms(t, e.st, e.fx, storetest.Instrument(t))
	lead := e.client().login("lead@test.local")
	queries := []string{"q=g", "q=d", "q=z", "q=ty", "q=go&sort=score&desc=1", "q=a&status=none", "q=n&sort=status", "q=c&sort=submitted&desc=1",
		"q=cong", "size=" + string(e.fx.NoiThat.SizeClass), "q=o&status=submitted&sort=status&desc=1", ""}
	for _, q := range queries {
		path := assocPath(e.fx.Wood.ID, "/members?lang=en&"+q)
		restore := store.SetMemberWindow(0)
		want, _ := followMembers(t, lead, path)
		whole := lead.get(path).body
		restore()
		restore = store.SetMemberWindow(2)
		got, further := followMembers(t, lead, path)
		restore()
		if !slices.Equal(got, want) {
			t.Errorf("%s: search further lists %v, the full walk %v", q, got, want)
		}
		if q == "q=g" && further == 0 {
			t.Errorf("%s: no page stopped at a window of 2", q)
		}
		// The default window (20,000) does not stop a list this short: the
		// page is the full walk's, byte for byte.
		if now := lead.get(path).body; tokenRe.ReplaceAllString(now, "") != tokenRe.ReplaceAllString(whole, "") {
			t.Errorf("%s: the page differs from the full walk's", q)
		}
	}
	defer store.SetMemberWindow(2)()
	for lang, want := range map[string][]string{
		"en": {"The list is searched in parts: this page looked at the next 2 members", "Search further", "found among the list’s first 2 members"},
		"vi": {"Danh sách được tìm theo từng phần: trang này đã xét 2 hội viên tiếp theo", "Tìm tiếp", "trong 2 hội viên đầu tiên"},
	} {
		must(t, lead.get(assocPath(e.fx.Wood.ID, "/members?q=z&lang="+lang)), http.StatusOK, want...)
	}
	r := lead.get(assocPath(e.fx.Wood.ID, "/members?q=z&lang=en"))
	_, link, ok := memberPageIDs(t, r.body)
	if !ok {
		t.Fatalf("no search further link: %.2000s", r.body)
	}
	u, _ := url.Parse(link)
	cursor := u.Query().Get("cursor")
	otherLead(t, e, cursor, link)
	// Another filter's cursor: a position in that filter's list.
	must(t, lead.get(assocPath(e.fx.Wood.ID, "/members?q=a&lang=en&cursor="+url.QueryEscape(cursor))), http.StatusOK)
	for _, bad := range []string{cursor[:len(cursor)-2], cursor + "x", "%00", strings.Repeat("A", 5000), "eyJ4Ijoi"} {
		r := lead.get(assocPath(e.fx.Wood.ID, "/members?q=z&lang=en&cursor="+url.QueryEscape(bad)))
		must(t, r, http.StatusOK, "The list starts again at its first page")
	}
}

// otherLead: the lead of another association, given the wood list's
// "search further" link, is refused it, and its cursor on their own list
// shows their members only.
func otherLead(t *testing.T, e *env, cursor, link string) {
	t.Helper()
	hash, err := auth.NewHasher(storetest.Cheap, 1).Hash(ctx, storetest.Password)
	if err != nil {
		t.Fatal(err)
	}
	u := &auth.User{Email: "lead-logistics@test.local", Name: "Trưởng hội khác", Role: auth.RoleLead, AssociationID: e.fx.Logistics.ID,
		Status: auth.StatusActive, Lang: "en", PasswordHash: hash, EmailVerified: true}
	if err := e.st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	other := e.client().login(u.Email)
	if r := other.get(link); r.status == http.StatusOK || r.status >= 500 || memberRowRe.MatchString(r.body) {
		t.Errorf("another association's lead opened the wood list's link: %d", r.status)
	}
	r := other.get(assocPath(e.fx.Logistics.ID, "/members?q=z&lang=en&cursor="+url.QueryEscape(cursor)))
	must(t, r, http.StatusOK)
	ids, _, _ := memberPageIDs(t, r.body)
	for _, id := range ids {
		if id != e.fx.Kho.ID {
			t.Errorf("another association's lead sees member %d", id)
		}
	}
	for q := ""; ; {
		ids, next, _ := memberPageIDs(t, other.get(assocPath(e.fx.Logistics.ID, "/members?lang=en&"+q)).body)
		if slices.ContainsFunc(ids, func(id int64) bool { return id != e.fx.Kho.ID }) {
			t.Errorf("another association's list holds %v", ids)
		}
		if next == "" {
			break
		}
		q = next[strings.Index(next, "?")+1:]
	}
}
