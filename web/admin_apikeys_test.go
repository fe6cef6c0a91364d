package web

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var shownKey = regexp.MustCompile(`<code class="mono" id="apikey-secret">(dxr_[A-Za-z0-9_-]{43})</code>`)

// The Center's admin issues a key: it is shown once (a reload, or another
// session, no longer shows it), opens the feed at once, is listed by its
// prefix only, and once revoked opens nothing; both steps are audited.
func TestAdminIssuesShowsOnceAndRevokesAKey(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login("admin@test.local")
	r := admin.post("/admin/apikeys", url.Values{"name": {"IOC dashboard"}, "owner": {"Sở KH&CN – anh Nam"}})
	if r.status != 303 || r.header.Get("Location") != "/admin/apikeys/issued" {
		t.Fatalf("issue: %d %s", r.status, r.header.Get("Location"))
	}
	other := e.client().login("admin@test.local")
	if r := other.get("/admin/apikeys/issued"); r.status != 303 {
		t.Errorf("another session of the same admin sees the key: %d", r.status)
	}
	page := admin.get("/admin/apikeys/issued")
	m := shownKey.FindStringSubmatch(page.body)
	if page.status != 200 || m == nil || page.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("the issued page: %d, key found %v", page.status, m != nil)
	}
	key := m[1]
	if again := admin.get("/admin/apikeys/issued"); again.status != 303 || strings.Contains(again.body, key) {
		t.Errorf("the key shown twice: %d", again.status)
	}
	list := admin.get("/admin/apikeys")
	if list.status != 200 || strings.Contains(list.body, key) || !strings.Contains(list.body, key[:12]+"…") ||
		!strings.Contains(html.UnescapeString(list.body), "Sở KH&CN – anh Nam") {
		t.Errorf("the list shows the secret or not the prefix and owner")
	}
	if r := e.apiGet("/api/v1/indicators", key); r.status != 200 {
		t.Fatalf("the issued key: %d", r.status)
	}
	keys, err := e.st.APIKeys(ctx)
	if err != nil || len(keys) != 1 {
		t.Fatalf("keys %v %v", keys, err)
	}
	r = admin.post("/admin/apikeys/"+itoa(keys[0].ID)+"/revoke", nil)
	if r.status != 303 {
		t.Fatalf("revoke: %d", r.status)
	}
	if r := e.apiGet("/api/v1/indicators", key); r.status != 401 {
		t.Errorf("a revoked key still opens the feed: %d", r.status)
	}
	if r := admin.post("/admin/apikeys/"+itoa(keys[0].ID)+"/revoke", nil); r.status != 303 {
		t.Errorf("revoking twice: %d", r.status)
	}
	for _, action := range []string{"apikey.issue", "apikey.revoke"} {
		es, err := e.st.AuditEntries(ctx, action, 5)
		if err != nil || len(es) != 1 || es[0].UserID != e.fx.Admin.ID || strings.Contains(es[0].Detail, key[12:]) {
			t.Errorf("audit %s: %+v %v", action, es, err)
		}
	}
}

// A key needs a name and a receiver within their lengths; the form comes
// back with its messages and no key is made.
func TestAdminAPIKeyFormProblems(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login("admin@test.local")
	for _, f := range []url.Values{
		{"name": {""}, "owner": {"IOC"}},
		{"name": {"IOC"}, "owner": {"  "}},
		{"name": {strings.Repeat("n", 81)}, "owner": {"IOC"}},
		{"name": {"IOC"}, "owner": {strings.Repeat("o", 161)}},
		{"name": {"IOC\x00"}, "owner": {"IOC"}},
	} {
		if r := admin.post("/admin/apikeys", f); r.status != 422 || !strings.Contains(r.body, `aria-invalid="true"`) {
			t.Errorf("%q: %d", f, r.status)
		}
	}
	if keys, _ := e.st.APIKeys(ctx); len(keys) != 0 {
		t.Errorf("%d keys made from bad forms", len(keys))
	}
	for _, who := range []string{"lead@test.local", "advisor@test.local", "firm@test.local"} {
		if r := e.client().login(who).post("/admin/apikeys", url.Values{"name": {"x"}, "owner": {"y"}}); r.status != 403 {
			t.Errorf("%s issues a key: %d", who, r.status)
		}
	}
}
