package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"dxready/store/storetest"
)

// Each role lands on its own start page, and that page opens for it: the
// redirect is followed as the user who gets it.
func TestEachRoleLandsOnItsStartPage(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		email, want, shows string
	}{
		{e.fx.FirmUser.Email, "/profile", e.fx.GoDuc.Name},
		{e.fx.Lead.Email, "/associations/" + strconv.FormatInt(e.fx.Wood.ID, 10), `id="members-link"`},
		{e.fx.Advisor.Email, "/schedule", `id="schedule"`},
		{e.fx.Admin.Email, "/center", `id="center-cards"`},
	}
	for _, tc := range cases {
		c := e.client()
		r := c.signIn(tc.email, "") // the admin's after its code
		if r.status != http.StatusSeeOther || r.header.Get("Location") != tc.want {
			t.Errorf("%s lands on %d %q, want %q", tc.email, r.status, r.header.Get("Location"), tc.want)
			continue
		}
		must(t, c.get(tc.want), http.StatusOK, tc.shows)
	}
}

// A firm with a draft under way goes straight back to it; a page asked for
// before signing in wins over any start page.
func TestFirmWithADraftResumesItAndNextWins(t *testing.T) {
	e := newEnv(t)
	c := e.client().login(e.fx.FirmUser.Email)
	must(t, c.post("/assessment", nil), http.StatusSeeOther)
	c2 := e.client()
	r := c2.post("/login", url.Values{"email": {e.fx.FirmUser.Email}, "password": {storetest.Password}})
	if loc := r.header.Get("Location"); loc != "/assessment" {
		t.Fatalf("with a draft, the firm lands on %q, want /assessment", loc)
	}
	if loc := c2.get("/assessment").header.Get("Location"); !strings.Contains(loc, "/step/") {
		t.Fatalf("/assessment does not resume the draft: %q", loc)
	}
	r = e.client().signIn(e.fx.Admin.Email, "/admin/outbox") // next survives the second step
	if loc := r.header.Get("Location"); loc != "/admin/outbox" {
		t.Fatalf("next is ignored: %q", loc)
	}
}

// The Center's page counts what it says, and an open claim shows up there
// with the way to its queue.
func TestCenterPageCounts(t *testing.T) {
	e := newEnv(t)
	c := e.client().login(e.fx.Admin.Email)
	r := c.get("/center")
	must(t, r, http.StatusOK, "Trung tâm Chuyển đổi số", `href="/admin/outbox?state=failing"`, `href="/admin/claims"`,
		"0 yêu cầu đại diện doanh nghiệp đang chờ")
	registerAs(t, e, "3709000037", "", "la@example.vn", "vi")
	must(t, c.get("/center"), http.StatusOK, "1 yêu cầu đại diện doanh nghiệp đang chờ")
	n, err := e.st.CountFirms(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if want := "Danh bạ có " + e.web.bundle.For("vi").Int(int64(n)) + " doanh nghiệp."; !strings.Contains(r.body, want) {
		t.Fatalf("center page lacks %q", want)
	}
}
