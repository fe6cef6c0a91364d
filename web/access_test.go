package web

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"dxready/advisors"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

// access is the status each kind of user gets for one request.
type access map[string]int

// routeCase is one request to a route: a concrete path and what each kind
// of user gets.
type routeCase struct {
	path string
	want access
}

var accessUsers = []string{"anonymous", "firm", "lead", "advisor", "admin"}

// Every route of the router against every kind of user: anonymous users are
// sent to log in, signed-in users get the page or a 403/404, never a 500.
// The routes come from the router itself (chi.Walk), so a new route fails
// this test until it has a row; a HEAD to every GET path answers as the
// GET does, with no body.
func TestRouteAccessMatrix(t *testing.T) {
	e := newEnv(t)
	users := map[string]*client{
		"anonymous": e.client(),
		"firm":      e.client().login("firm@test.local"),
		"lead":      e.client().login("lead@test.local"),
		"advisor":   e.client().login("advisor@test.local"),
		"admin":     e.client().login("admin@test.local"),
	}
	want := accessMatrix(t, e)
	mux := e.web.routes().(*chi.Mux)
	routed := map[string]bool{}
	err := chi.Walk(mux, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		key := method + " " + route
		routed[key] = true
		if len(want[key]) == 0 {
			t.Errorf("route %s has no row in the access matrix: add what each kind of user gets", key)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(routed) < 60 {
		t.Fatalf("chi.Walk found only %d routes", len(routed))
	}
	keys := slices.Sorted(maps.Keys(want))
	// Signing out goes last, or the other rows would run signed out.
	keys = append(slices.DeleteFunc(keys, func(k string) bool { return k == "POST /logout" }), "POST /logout")
	for _, key := range keys {
		if !routed[key] {
			t.Errorf("access matrix row %s is not a route of the router", key)
			continue
		}
		method, pattern, _ := strings.Cut(key, " ")
		for _, rc := range want[key] {
			if got := mux.Find(chi.NewRouteContext(), method, strings.Split(rc.path, "?")[0]); got != pattern {
				t.Errorf("%s %s is routed to %q, not to the row's %s", method, rc.path, got, pattern)
			}
			for _, name := range accessUsers {
				checkAccess(t, users[name], name, method, rc)
			}
		}
	}
	for name, c := range users {
		if got := c.get("/no/such/page").status; got != http.StatusNotFound {
			t.Errorf("GET /no/such/page as %s = %d", name, got)
		}
	}
}

// checkAccess sends one request of rc as user name; a GET is repeated as
// HEAD, which must answer the same status with an empty body.
func checkAccess(t *testing.T, c *client, name, method string, rc routeCase) {
	t.Helper()
	want, ok := rc.want[name]
	if !ok {
		t.Errorf("%s %s: no expectation for %s", method, rc.path, name)
		return
	}
	var r resp
	if method == http.MethodGet {
		r = c.get(rc.path)
		req, _ := http.NewRequest(http.MethodHead, c.e.srv.URL+rc.path, nil)
		if h := c.do(req); h.status != r.status || h.body != "" {
			t.Errorf("HEAD %s as %s = %d with %d bytes, GET = %d", rc.path, name, h.status, len(h.body), r.status)
		}
	} else {
		r = c.post(rc.path, nil)
	}
	if r.status != want {
		t.Errorf("%s %s as %s = %d, want %d", method, rc.path, name, r.status, want)
	}
	if r.status >= 500 {
		t.Errorf("%s %s as %s: server error", method, rc.path, name)
	}
}

// accessMatrix is what each kind of user gets from each route, keyed by
// "METHOD pattern" as the router lists it. Unsafe requests are sent with an
// empty form: past the door, a handler answers 4xx for it and changes nothing.
func accessMatrix(t *testing.T, e *env) map[string][]routeCase {
	fx := e.fx
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	const login = 303
	all := func(status int) access {
		return access{"anonymous": status, "firm": status, "lead": status, "advisor": status, "admin": status}
	}
	signedIn := func(status int) access {
		return access{"anonymous": login, "firm": status, "lead": status, "advisor": status, "admin": status}
	}
	firmOnly := func(status int) access {
		return access{"anonymous": login, "firm": status, "lead": 403, "advisor": 403, "admin": 403}
	}
	staff := func(lead, advisor, admin int) access {
		return access{"anonymous": login, "firm": 403, "lead": lead, "advisor": advisor, "admin": admin}
	}
	adminOnly := func(status int) access {
		return access{"anonymous": login, "firm": 403, "lead": 403, "advisor": 403, "admin": status}
	}
	ownFirm := "/firms/" + id(fx.GoDuc.ID)     // firm user's own; member of the lead's association
	otherWood := "/firms/" + id(fx.NoiThat.ID) // another wood member
	logistics := "/firms/" + id(fx.Kho.ID)     // not in the lead's association
	wood := assocPath(fx.Wood.ID, "")
	logi := assocPath(fx.Logistics.ID, "")
	invite := fmt.Sprintf("%s/members/%d/invite", wood, fx.NoiThat.ID)
	inviteOther := fmt.Sprintf("%s/members/%d/invite", logi, fx.Kho.ID)
	own := access{"anonymous": login, "firm": 404, "lead": 200, "advisor": 404, "admin": 200}
	other := access{"anonymous": login, "firm": 404, "lead": 404, "advisor": 404, "admin": 200}
	nine := nineOClock(t, e)
	bk := &store.Booking{AdvisorID: fx.Advisor.ID, FirmID: fx.GoDuc.ID, Period: advisors.Period{Start: nine.UTC(), End: nine.Add(time.Hour).UTC()},
		Mode: "online", Language: "vi", Pillars: []string{"data"}}
	if err := e.st.Book(ctx, bk, advisors.VietnamHolidays(), nil); err != nil {
		t.Fatal(err)
	}
	booking := bookingURL(bk.ID, "")
	advisor := "/advisors/" + id(fx.Advisor.ID)
	bookingParties := access{"anonymous": login, "firm": 200, "lead": 404, "advisor": 200, "admin": 200}
	result, draft := assessmentsFor(t, e)
	firmLinks := access{"anonymous": login, "firm": 404, "lead": 404, "advisor": 404, "admin": 404}
	return map[string][]routeCase{
		"GET /":                              {{"/", all(200)}},
		"GET /contact":                       {{"/contact", all(200)}},
		"GET /glossary":                      {{"/glossary", all(200)}},
		"GET /data/catalog.jsonld":           {{"/data/catalog.jsonld", all(200)}},
		"GET /data/methodology":              {{"/data/methodology", all(200)}},
		"GET /data":                          {{"/data", all(200)}},
		"GET /data/v1/{dataset}":             {{"/data/v1/readiness-by-ward", all(200)}, {"/data/v1/participation-by-size", all(200)}, {"/data/v1/no-such", all(404)}},
		"GET /data/v1/{dataset}.csv":         {{"/data/v1/readiness-by-ward.csv", all(200)}, {"/data/v1/no-such.csv", all(404)}},
		"GET /data/v1/{dataset}.json":        {{"/data/v1/readiness-by-section.json", all(200)}, {"/data/v1/no-such.json", all(404)}},
		"GET /healthz":                       {{"/healthz", all(200)}},
		"GET /static/*":                      {{e.web.assets.URL("css/app.css"), all(200)}, {"/static/x/nope.js", all(404)}},
		"GET /register":                      {{"/register", all(200)}},
		"POST /register":                     {{"/register", all(422)}},
		"GET /login":                         {{"/login", all(200)}},
		"POST /login":                        {{"/login", all(401)}},
		"POST /logout":                       {{"/logout", all(303)}},
		"POST /language":                     {{"/language", all(400)}},
		"GET /profile":                       {{"/profile", firmOnly(200)}},
		"GET /profile/edit":                  {{"/profile/edit", firmOnly(200)}},
		"POST /profile/edit":                 {{"/profile/edit", firmOnly(422)}},
		"GET /profile/size":                  {{"/profile/size?vsic=3100&employees=5&revenue=1&capital=1", firmOnly(200)}},
		"POST /profile/contact":              {{"/profile/contact", firmOnly(422)}},
		"POST /profile/contact/erase":        {{"/profile/contact/erase", firmOnly(303)}},
		"GET /profile/contact/export":        {{"/profile/contact/export", firmOnly(200)}},
		"POST /profile/users/{id}/approve":   {{"/profile/users/999/approve", firmOnly(404)}},
		"POST /profile/users/{id}/report":    {{"/profile/users/999/report", firmOnly(404)}},
		"POST /profile/sharing":              {{"/profile/sharing", firmOnly(400)}},
		"GET /api/v1/openapi.json":           {{"/api/v1/openapi.json", all(200)}},
		"GET /api/v1/indicators":             {{"/api/v1/indicators", all(401)}},
		"GET /api/v1/indicators/{id}":        {{"/api/v1/indicators/overall-mean", all(401)}},
		"GET /api/v1/indicators/{id}/series": {{"/api/v1/indicators/overall-mean/series", all(401)}},
		"GET /api/v1/datasets":               {{"/api/v1/datasets", all(401)}},
		"GET /api/v1/datasets/{id}":          {{"/api/v1/datasets/readiness-by-ward", all(401)}},
		// The fixture firm user is verified: there is no open claim to act on.
		"POST /profile/claim/code":            {{"/profile/claim/code", firmOnly(409)}},
		"POST /profile/claim/verify":          {{"/profile/claim/verify", firmOnly(409)}},
		"GET /verify-email/{token}":           {{"/verify-email/forged", all(410)}},
		"POST /verify-email/{token}":          {{"/verify-email/forged", all(410)}},
		"POST /verify-email/{token}/password": {{"/verify-email/forged/password", all(410)}},
		"GET /verify-email":                   {{"/verify-email", all(200)}},
		"POST /verify-email":                  {{"/verify-email", all(422)}},
		"GET /password/forgot":                {{"/password/forgot", all(200)}},
		"POST /password/forgot":               {{"/password/forgot", all(422)}},
		"GET /password/reset/{token}":         {{"/password/reset/forged", all(410)}},
		"POST /password/reset/{token}":        {{"/password/reset/forged", all(410)}},
		"GET /account":                        {{"/account", signedIn(200)}},
		"POST /account/verify":                {{"/account/verify", signedIn(303)}}, // verified already: back to the account
		"GET /account/password":               {{"/account/password", signedIn(200)}},
		"POST /account/sessions/end":          {{"/account/sessions/end", signedIn(303)}},
		"POST /account/nudges":                {{"/account/nudges", signedIn(303)}},
		// A nudge's opt-out link: signed out or in, a forged one is 404.
		"GET /nudges/stop/{token}":                      {{"/nudges/stop/forged", all(404)}},
		"POST /nudges/stop/{token}":                     {{"/nudges/stop/forged", all(404)}},
		"GET /rate/thanks":                              {{"/rate/thanks", all(200)}},
		"GET /rate/{id}/{token}":                        {{"/rate/1/forged", all(410)}, {"/rate/abc/forged", all(410)}},
		"POST /rate/{id}/{token}":                       {{"/rate/1/forged", all(410)}},
		"POST /account/password":                        {{"/account/password", signedIn(422)}},
		"GET /login/code":                               {{"/login/code", all(303)}},
		"POST /login/code":                              {{"/login/code", all(303)}},
		"GET /account/2fa":                              {{"/account/2fa", staff(200, 200, 200)}},
		"GET /account/2fa/setup":                        {{"/account/2fa/setup", staff(303, 303, 303)}},
		"GET /account/2fa/qr.png":                       {{"/account/2fa/qr.png", staff(303, 303, 303)}},
		"POST /account/2fa/setup":                       {{"/account/2fa/setup", staff(303, 303, 303)}},
		"POST /account/2fa/confirm":                     {{"/account/2fa/confirm", staff(303, 303, 303)}},
		"GET /account/2fa/codes":                        {{"/account/2fa/codes", staff(303, 303, 303)}}, // no fresh codes: back to the page
		"POST /account/2fa/replace":                     {{"/account/2fa/replace", staff(303, 303, 422)}},
		"POST /account/2fa/recovery":                    {{"/account/2fa/recovery", staff(303, 303, 422)}},
		"POST /account/2fa/disable":                     {{"/account/2fa/disable", staff(303, 303, 403)}}, // an admin may not
		"GET /assessment":                               {{"/assessment", firmOnly(303)}},                 // resumes the open draft
		"POST /assessment":                              {{"/assessment", firmOnly(303)}},
		"GET /assessment/{id}/step/{n}":                 {{draft + "/step/1", firmOnly(200)}, {draft + "/step/9", firmOnly(404)}, {"/assessment/999/step/1", firmOnly(404)}},
		"POST /assessment/{id}/step/{n}":                {{draft + "/step/1", firmOnly(303)}, {"/assessment/999/step/1", firmOnly(404)}},
		"POST /assessment/{id}/answer":                  {{draft + "/answer", firmOnly(400)}},
		"GET /assessment/{id}/review":                   {{draft + "/review", firmOnly(200)}, {result + "/review", firmOnly(303)}},
		"POST /assessment/{id}/submit":                  {{draft + "/submit", firmOnly(422)}, {result + "/submit", firmOnly(303)}},
		"GET /assessment/{id}/result":                   {{result + "/result", access{"anonymous": login, "firm": 200, "lead": 404, "advisor": 404, "admin": 200}}, {"/assessment/999/result", signedIn(404)}},
		"GET /assessment/{id}/report":                   {{result + "/report", access{"anonymous": login, "firm": 200, "lead": 404, "advisor": 404, "admin": 200}}, {"/assessment/999/report", signedIn(404)}},
		"GET /associations":                             {{"/associations", access{"anonymous": login, "firm": 403, "lead": 303, "advisor": 403, "admin": 200}}},
		"GET /associations/{id}":                        {{wood, own}, {logi, other}, {"/associations/999", signedIn(404)}},
		"GET /associations/{id}/members":                {{wood + "/members", own}, {logi + "/members", other}},
		"GET /associations/{id}/members.csv":            {{wood + "/members.csv", own}, {logi + "/members.csv", other}},
		"GET /associations/{id}/members.xlsx":           {{wood + "/members.xlsx", own}},
		"GET /associations/{id}/aggregates.csv":         {{wood + "/aggregates.csv", own}},
		"GET /associations/{id}/aggregates.xlsx":        {{wood + "/aggregates.xlsx", own}, {logi + "/aggregates.xlsx", other}},
		"GET /associations/{id}/members/{firm}/invite":  {{invite, own}, {inviteOther, other}},
		"POST /associations/{id}/members/{firm}/invite": {{invite, access{"anonymous": login, "firm": 404, "lead": 422, "advisor": 404, "admin": 422}}, {inviteOther, other422()}},
		// Nothing ticked: refused, nothing sent.
		"POST /associations/{id}/members/invite": {{wood + "/members/invite", access{"anonymous": login, "firm": 404, "lead": 422, "advisor": 404, "admin": 422}},
			{logi + "/members/invite", other422()}},
		"GET /advisors": {{"/advisors", firmOnly(200)}},
		// The advisor and the Center preview an advisor's page as firms see it.
		"GET /advisors/{id}": {{advisor, access{"anonymous": login, "firm": 200, "lead": 403, "advisor": 200, "admin": 200}},
			{"/advisors/999", access{"anonymous": login, "firm": 404, "lead": 403, "advisor": 403, "admin": 404}}},
		// The firm already holds its one open booking with this advisor
		// (fair use): its booking form says so with a 409.
		"GET /advisors/{id}/book":                  {{advisor + "/book?start=" + id(nine.Add(75*time.Minute).Unix()), firmOnly(409)}},
		"POST /advisors/{id}/book":                 {{advisor + "/book", access{"anonymous": login, "firm": 404, "lead": 403, "advisor": 403, "admin": 403}}},
		"GET /advisors/{id}/edit":                  {{advisor + "/edit", access{"anonymous": login, "firm": 403, "lead": 403, "advisor": 200, "admin": 200}}, {"/advisors/999/edit", signedIn(404)}},
		"POST /advisors/{id}/edit":                 {{advisor + "/edit", access{"anonymous": login, "firm": 403, "lead": 403, "advisor": 422, "admin": 422}}},
		"POST /advisors/{id}/leave":                {{advisor + "/leave", access{"anonymous": login, "firm": 403, "lead": 403, "advisor": 422, "admin": 422}}},
		"POST /advisors/{id}/leave/{leave}/delete": {{advisor + "/leave/999/delete", access{"anonymous": login, "firm": 403, "lead": 403, "advisor": 404, "admin": 404}}},
		"GET /bookings":                            {{"/bookings", access{"anonymous": login, "firm": 200, "lead": 403, "advisor": 200, "admin": 200}}},
		"GET /schedule": {{"/schedule", access{"anonymous": login, "firm": 403, "lead": 403, "advisor": 200, "admin": 303}},
			{"/schedule?advisor=" + id(fx.Advisor.ID), access{"anonymous": login, "firm": 403, "lead": 403, "advisor": 200, "admin": 200}}},
		"GET /bookings/{id}":              {{booking, bookingParties}, {"/bookings/999", signedIn(404)}},
		"GET /bookings/{id}/calendar.ics": {{booking + "/calendar.ics", bookingParties}},
		"POST /bookings/{id}/cancel":      {{booking + "/cancel", access{"anonymous": login, "firm": 422, "lead": 404, "advisor": 422, "admin": 422}}},
		"POST /bookings/{id}/reschedule":  {{booking + "/reschedule", access{"anonymous": login, "firm": 422, "lead": 404, "advisor": 422, "admin": 422}}},
		// The booking has not started: recording it is refused by the booking rules (409).
		"POST /bookings/{id}/outcome": {{booking + "/outcome", access{"anonymous": login, "firm": 403, "lead": 404, "advisor": 409, "admin": 409}}},
		"POST /bookings/{id}/actions": {{booking + "/actions", access{"anonymous": login, "firm": 403, "lead": 404, "advisor": 409, "admin": 409}}},
		"POST /bookings/{id}/notes":   {{booking + "/notes", access{"anonymous": login, "firm": 403, "lead": 404, "advisor": 409, "admin": 409}}},
		// An empty link: back to the advisor's (no change, nothing sent).
		"POST /bookings/{id}/link": {{booking + "/link", access{"anonymous": login, "firm": 403, "lead": 404, "advisor": 303, "admin": 303}}},
		"POST /actions/{id}/done":  {{"/actions/999/done", signedIn(404)}},
		// No rating chosen: the firm's form answers 422; nobody else rates.
		"POST /bookings/{id}/rating": {{booking + "/rating", access{"anonymous": login, "firm": 422, "lead": 404, "advisor": 403, "admin": 403}}},
		"GET /firms/{id}": {{ownFirm, signedIn(200)}, {otherWood, access{"anonymous": login, "firm": 404, "lead": 200, "advisor": 200, "admin": 200}},
			{logistics, access{"anonymous": login, "firm": 404, "lead": 404, "advisor": 200, "admin": 200}},
			{"/firms/999999", firmLinks}, {"/firms/abc", firmLinks}},
		"GET /center/funnel":                     {{"/center/funnel", adminOnly(200)}, {"/center/funnel?ward=nope", adminOnly(200)}},
		"GET /center/funnel/{stage}":             {{"/center/funnel/submitted", adminOnly(200)}, {"/center/funnel/nope", adminOnly(404)}},
		"GET /center/funnel/{stage}/export.csv":  {{"/center/funnel/held/export.csv", adminOnly(200)}},
		"GET /center/funnel/{stage}/export.xlsx": {{"/center/funnel/registered/export.xlsx", adminOnly(200)}},
		"GET /center":                            {{"/center", adminOnly(200)}},
		"GET /center/report":                     {{"/center/report", adminOnly(200)}, {"/center/report?quarter=2030-Q1&association=1", adminOnly(200)}},
		"GET /center/report.xlsx":                {{"/center/report.xlsx?association=abc", adminOnly(200)}},
		"GET /center/quality":                    {{"/center/quality", adminOnly(200)}},
		"GET /center/province": {{"/center/province", adminOnly(200)}, {"/center/province?section=C&quarter=2030-Q1", adminOnly(200)},
			{"/center/province?ward=99999&by=park", adminOnly(200)}, {"/center/province?association=abc&by=district", adminOnly(200)}},
		"GET /admin/firms": {{"/admin/firms", adminOnly(200)}, {"/admin/firms?q=a&association=" + id(fx.Wood.ID) + "&size=micro&ward=25813", adminOnly(200)},
			{"/admin/firms?q=ng&association=" + id(fx.Wood.ID) + "&cursor=WyJmaXJtcyIsZmFsc2UsWyJhIiwxXV0", adminOnly(200)}, {"/admin/firms?q=a&cursor=%00", adminOnly(200)}},
		"GET /admin/import":                     {{"/admin/import", adminOnly(200)}},
		"POST /admin/import":                    {{"/admin/import", adminOnly(400)}},
		"GET /admin/associations/{id}":          {{"/admin/associations/" + id(fx.Wood.ID), adminOnly(200)}},
		"POST /admin/associations/{id}/leads":   {{"/admin/associations/" + id(fx.Wood.ID) + "/leads", adminOnly(422)}},
		"POST /admin/associations/{id}/members": {{"/admin/associations/" + id(fx.Wood.ID) + "/members", adminOnly(400)}},
		"GET /admin/advisors":                   {{"/admin/advisors", adminOnly(200)}},
		"POST /admin/advisors":                  {{"/admin/advisors", adminOnly(422)}},
		"POST /admin/advisors/{id}/active":      {{"/admin/advisors/999/active", adminOnly(404)}},
		"GET /admin/outbox":                     {{"/admin/outbox", adminOnly(200)}},
		"GET /admin/apikeys":                    {{"/admin/apikeys", adminOnly(200)}},
		"POST /admin/apikeys":                   {{"/admin/apikeys", adminOnly(422)}},
		"GET /admin/apikeys/issued":             {{"/admin/apikeys/issued", adminOnly(303)}},
		"POST /admin/apikeys/{id}/revoke":       {{"/admin/apikeys/999/revoke", adminOnly(404)}},
		"GET /admin/audit":                      {{"/admin/audit", adminOnly(200)}, {"/admin/audit?from=31/02/2026", adminOnly(422)}},
		"GET /admin/audit.csv":                  {{"/admin/audit.csv", adminOnly(200)}},
		"GET /admin/claims":                     {{"/admin/claims", adminOnly(200)}},
		// Booking on a firm's behalf: the Center only; Kho's form for a free
		// slot, and a post without a slot (404, as on /advisors).
		"GET /admin/firms/{firm}/book": {{"/admin/firms/" + id(fx.Kho.ID) + "/book", adminOnly(200)},
			{"/admin/firms/999999/book", adminOnly(404)}},
		"GET /admin/firms/{firm}/book/{id}":  {{"/admin/firms/" + id(fx.Kho.ID) + "/book/" + id(fx.Advisor.ID) + "?start=" + id(nine.Add(75*time.Minute).Unix()), adminOnly(200)}},
		"POST /admin/firms/{firm}/book/{id}": {{"/admin/firms/" + id(fx.Kho.ID) + "/book/" + id(fx.Advisor.ID), adminOnly(404)}},
		"POST /admin/claims/{id}/decide":     {{"/admin/claims/999/decide", adminOnly(422)}},
		"POST /admin/outbox/{id}/retry":      {{"/admin/outbox/999/retry", adminOnly(404)}},
		"POST /admin/users/{id}/password-reset": {{"/admin/users/999/password-reset", adminOnly(404)},
			{"/admin/users/" + id(fx.FirmUser.ID) + "/password-reset", adminOnly(303)}},
		"GET /admin/users": {{"/admin/users", adminOnly(200)}, {"/admin/users?q=%25_%27&role=root&status=x&cursor=zz", adminOnly(200)}},
		"GET /admin/users/{id}": {{"/admin/users/" + id(fx.Lead.ID), adminOnly(200)}, {"/admin/users/" + id(fx.FirmUser.ID), adminOnly(200)},
			{"/admin/users/999", adminOnly(404)}, {"/admin/users/abc", adminOnly(404)}},
		"POST /admin/users/{id}/status": {{"/admin/users/999/status", adminOnly(404)}, {"/admin/users/" + id(fx.Lead.ID) + "/status", adminOnly(422)}},
		"POST /admin/users/{id}/access": {{"/admin/users/999/access", adminOnly(404)}, {"/admin/users/" + id(fx.Lead.ID) + "/access", adminOnly(422)}},
		"POST /admin/users/{id}/verify": {{"/admin/users/999/verify", adminOnly(404)}, {"/admin/users/" + id(fx.Lead.ID) + "/verify", adminOnly(303)}},
	}
}

func other422() access {
	return access{"anonymous": 303, "firm": 404, "lead": 404, "advisor": 404, "admin": 422}
}

// assessmentsFor gives the fixture firm a submitted result and an open
// draft, and returns their paths ("/assessment/{id}").
func assessmentsFor(t *testing.T, e *env) (result, draft string) {
	t.Helper()
	in := e.web.defaultInstrument()
	p := profileOf(e.fx.GoDuc)
	if err := e.st.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: e.fx.GoDuc.ID, Profile: p,
		Result: scoring.Score(in, p, nil), SubmittedAt: storetest.Clock.Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	subs, err := e.st.Submissions(ctx, e.fx.GoDuc.ID)
	if err != nil || len(subs) != 1 {
		t.Fatalf("submissions: %v %v", subs, err)
	}
	d, err := e.st.Draft(ctx, e.fx.GoDuc.ID, in, p, e.fx.FirmUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("/assessment/%d", subs[0].ResponseID), fmt.Sprintf("/assessment/%d", d.ID)
}

// A lead sees a member firm's record but not its contact person; the
// admin sees both.
func TestContactVisibility(t *testing.T) {
	e := newEnv(t)
	firm := e.client().login("firm@test.local")
	must(t, firm.post("/profile/contact", values("full_name", "Trần Thị Lan", "email", "lan@example.vn", "consent", "yes")), http.StatusSeeOther)
	path := "/firms/" + strconv.FormatInt(e.fx.GoDuc.ID, 10)
	r := e.client().login("lead@test.local").get(path)
	must(t, r, http.StatusOK, "Gỗ Đức Thành")
	if contains(r.body, "lan@example.vn") {
		t.Fatal("a lead sees the contact person")
	}
	must(t, e.client().login("admin@test.local").get(path), http.StatusOK, "lan@example.vn")
}
