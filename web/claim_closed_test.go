package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A claimant whose claim is rejected (two days after it was made) signs
// in: they land on /profile, which shows the decision's time, not the
// claim's; no "Self-assessment" is offered; /assessment says plainly why
// there is none, and their old draft, starting a new one, and its steps
// are closed to them. Both languages.
func TestRejectedClaimantLandsOnTheirClaim(t *testing.T) {
	for _, tc := range []struct{ lang, decided, claimed, closed string }{
		{"en", "decided Thursday 3 December 2026,", "1 December 2026", "rejected or withdrawn"},
		{"vi", "quyết định lúc 03/12/2026", "01/12/2026", "đã bị từ chối hoặc thu hồi"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			e := newEnv(t)
			e.setNow(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC))
			c := registerAs(t, e, "3709000044", "", "mai@example.vn", tc.lang)
			r := c.post("/assessment", nil)
			must(t, r, http.StatusSeeOther)
			draft := r.header.Get("Location")
			e.setNow(time.Date(2026, 12, 3, 8, 30, 0, 0, time.UTC)) // 15:30 in Ho Chi Minh City
			admin := e.client().login("admin@test.local")
			must(t, admin.post("/admin/claims/"+claimIDOf(t, e, "mai@example.vn")+"/decide", values("decision", "reject", "reason", "Không ai biết")),
				http.StatusSeeOther)

			c = e.client()
			r = c.post("/login?lang="+tc.lang, url.Values{"email": {"mai@example.vn"}, "password": {claimPassword}})
			if r.status != http.StatusSeeOther || r.header.Get("Location") != "/profile" {
				t.Fatalf("a rejected claimant lands on %d %s", r.status, r.header.Get("Location"))
			}
			page := c.get("/profile?lang=" + tc.lang)
			must(t, page, http.StatusOK, `data-claim="rejected"`, `id="claim-decided"`, tc.decided+" 15:30 (GMT+7)", `id="claim-contact"`)
			if strings.Contains(page.body, tc.claimed) {
				t.Fatal("the closed claim shows the date it was made")
			}
			if strings.Contains(page.body, `href="/assessment"`) {
				t.Fatal("a rejected claimant is offered the self-assessment")
			}
			must(t, c.get("/assessment?lang="+tc.lang), http.StatusOK, `id="assessment-closed"`, tc.closed)
			must(t, c.post("/assessment", nil), http.StatusOK, `id="assessment-closed"`)
			if r := c.get(draft); r.status != http.StatusNotFound {
				t.Fatalf("the rejected claimant's draft answers %d", r.status)
			}
		})
	}
}
