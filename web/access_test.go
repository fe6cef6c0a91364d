package web

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"dxready/advisors"
	"dxready/store"
)

// Every protected route against every kind of user: anonymous users are
// sent to log in; signed-in users get the page or a 403/404, never a 500.
func TestRouteAccessMatrix(t *testing.T) {
	e := newEnv(t)
	fx := e.fx
	users := map[string]*client{
		"anonymous": e.client(),
		"firm":      e.client().login("firm@test.local"),
		"lead":      e.client().login("lead@test.local"),
		"advisor":   e.client().login("advisor@test.local"),
		"admin":     e.client().login("admin@test.local"),
	}
	ownFirm := "/firms/" + strconv.FormatInt(fx.GoDuc.ID, 10)     // firm user's own; member of the lead's association
	otherWood := "/firms/" + strconv.FormatInt(fx.NoiThat.ID, 10) // another wood member
	logistics := "/firms/" + strconv.FormatInt(fx.Kho.ID, 10)     // not in the lead's association
	const login = 303
	wood := assocPath(fx.Wood.ID, "")
	logi := assocPath(fx.Logistics.ID, "")
	invite := fmt.Sprintf("%s/members/%d/invite", wood, fx.NoiThat.ID)
	inviteOther := fmt.Sprintf("%s/members/%d/invite", logi, fx.Kho.ID)
	own := map[string]int{"anonymous": login, "firm": 404, "lead": 200, "advisor": 404, "admin": 200}
	other := map[string]int{"anonymous": login, "firm": 404, "lead": 404, "advisor": 404, "admin": 200}
	adminOnly := map[string]int{"anonymous": login, "firm": 403, "lead": 403, "advisor": 403, "admin": 200}
	nine := nineOClock(t, e)
	bk := &store.Booking{AdvisorID: fx.Advisor.ID, FirmID: fx.GoDuc.ID, Period: advisors.Period{Start: nine.UTC(), End: nine.Add(time.Hour).UTC()},
		Mode: "online", Language: "vi", Pillars: []string{"data"}}
	if err := e.st.Book(ctx, bk, advisors.VietnamHolidays(), nil); err != nil {
		t.Fatal(err)
	}
	booking := bookingURL(bk.ID, "")
	advisor := "/advisors/" + strconv.FormatInt(fx.Advisor.ID, 10)
	firmOnly := map[string]int{"anonymous": login, "firm": 200, "lead": 403, "advisor": 403, "admin": 403}
	// The firm already holds its one open booking with this advisor (fair
	// use): its booking form says so with a 409.
	bookForm := map[string]int{"anonymous": login, "firm": 409, "lead": 403, "advisor": 403, "admin": 403}
	bookingParties := map[string]int{"anonymous": login, "firm": 200, "lead": 404, "advisor": 200, "admin": 200}
	want := map[string]map[string]int{
		"/advisors": firmOnly,
		advisor:     {"anonymous": login, "firm": 200, "lead": 403, "advisor": 200, "admin": 200}, // the advisor and the Center preview it
		advisor + "/book?start=" + strconv.FormatInt(nine.Add(75*time.Minute).Unix(), 10): bookForm,
		"/advisors/999":           {"anonymous": login, "firm": 404, "lead": 403, "advisor": 403, "admin": 404},
		"/bookings":               {"anonymous": login, "firm": 200, "lead": 403, "advisor": 200, "admin": 200},
		booking:                   bookingParties,
		booking + "/calendar.ics": bookingParties,
		"/bookings/999":           {"anonymous": login, "firm": 404, "lead": 404, "advisor": 404, "admin": 404},
		advisor + "/edit":         {"anonymous": login, "firm": 403, "lead": 403, "advisor": 200, "admin": 200},
		"/advisors/999/edit":      {"anonymous": login, "firm": 404, "lead": 404, "advisor": 404, "admin": 404},
		"/schedule":               {"anonymous": login, "firm": 403, "lead": 403, "advisor": 200, "admin": 303},
		"/schedule?advisor=" + strconv.FormatInt(fx.Advisor.ID, 10): {"anonymous": login, "firm": 403, "lead": 403, "advisor": 200, "admin": 200},
		"/admin/advisors":         adminOnly,
		"/admin/outbox":           adminOnly,
		"/associations":           {"anonymous": login, "firm": 403, "lead": 303, "advisor": 403, "admin": 200},
		wood:                      own,
		wood + "/members":         own,
		wood + "/members.csv":     own,
		wood + "/members.xlsx":    own,
		wood + "/aggregates.csv":  own,
		wood + "/aggregates.xlsx": own,
		invite:                    own,
		logi:                      other,
		logi + "/members":         other,
		logi + "/members.csv":     other,
		logi + "/aggregates.xlsx": other,
		inviteOther:               other,
		"/associations/999":       {"anonymous": login, "firm": 404, "lead": 404, "advisor": 404, "admin": 404},
		"/admin/associations/" + strconv.FormatInt(fx.Wood.ID, 10): adminOnly,
		"/profile":                {"anonymous": login, "firm": 200, "lead": 403, "advisor": 403, "admin": 403},
		"/profile/edit":           {"anonymous": login, "firm": 200, "lead": 403, "advisor": 403, "admin": 403},
		"/profile/contact/export": {"anonymous": login, "firm": 200, "lead": 403, "advisor": 403, "admin": 403},
		ownFirm:                   {"anonymous": login, "firm": 200, "lead": 200, "advisor": 200, "admin": 200},
		otherWood:                 {"anonymous": login, "firm": 404, "lead": 200, "advisor": 200, "admin": 200},
		logistics:                 {"anonymous": login, "firm": 404, "lead": 404, "advisor": 200, "admin": 200},
		"/firms/999999":           {"anonymous": login, "firm": 404, "lead": 404, "advisor": 404, "admin": 404},
		"/firms/abc":              {"anonymous": login, "firm": 404, "lead": 404, "advisor": 404, "admin": 404},
		"/admin/firms":            {"anonymous": login, "firm": 403, "lead": 403, "advisor": 403, "admin": 200},
		"/admin/import":           {"anonymous": login, "firm": 403, "lead": 403, "advisor": 403, "admin": 200},
		"/":                       {"anonymous": 200, "firm": 200, "lead": 200, "advisor": 200, "admin": 200},
		"/no/such/page":           {"anonymous": 404, "firm": 404, "lead": 404, "advisor": 404, "admin": 404},
	}
	for path, byUser := range want {
		for name, c := range users {
			if got := c.get(path).status; got != byUser[name] {
				t.Errorf("GET %s as %s = %d, want %d", path, name, got, byUser[name])
			}
		}
	}
	// Unsafe routes: only the right role gets past the door. The booking
	// has not started: recording it is refused by the booking rules (409).
	posts := map[string]map[string]int{
		advisor + "/book":             {"anonymous": login, "firm": 404, "lead": 403, "advisor": 403, "admin": 403},
		booking + "/cancel":           {"anonymous": login, "firm": 422, "lead": 404, "advisor": 422, "admin": 422},
		booking + "/reschedule":       {"anonymous": login, "firm": 422, "lead": 404, "advisor": 422, "admin": 422},
		booking + "/outcome":          {"anonymous": login, "firm": 403, "lead": 404, "advisor": 409, "admin": 409},
		booking + "/actions":          {"anonymous": login, "firm": 403, "lead": 404, "advisor": 409, "admin": 409},
		booking + "/notes":            {"anonymous": login, "firm": 403, "lead": 404, "advisor": 409, "admin": 409},
		"/actions/999/done":           {"anonymous": login, "firm": 404, "lead": 404, "advisor": 404, "admin": 404},
		advisor + "/edit":             {"anonymous": login, "firm": 403, "lead": 403, "advisor": 422, "admin": 422},
		advisor + "/leave":            {"anonymous": login, "firm": 403, "lead": 403, "advisor": 422, "admin": 422},
		advisor + "/leave/999/delete": {"anonymous": login, "firm": 403, "lead": 403, "advisor": 404, "admin": 404},
		"/admin/advisors":             {"anonymous": login, "firm": 403, "lead": 403, "advisor": 403, "admin": 422},
		"/admin/advisors/999/active":  {"anonymous": login, "firm": 403, "lead": 403, "advisor": 403, "admin": 404},
		"/admin/outbox/999/retry":     {"anonymous": login, "firm": 403, "lead": 403, "advisor": 403, "admin": 404},
		"/profile/contact/erase":      {"anonymous": login, "firm": 303, "lead": 403, "advisor": 403, "admin": 403},
		"/profile/sharing":            {"anonymous": login, "firm": 400, "lead": 403, "advisor": 403, "admin": 403},
		invite:                        {"anonymous": login, "firm": 404, "lead": 422, "advisor": 404, "admin": 422},
		inviteOther:                   {"anonymous": login, "firm": 404, "lead": 404, "advisor": 404, "admin": 422},
		"/admin/associations/" + strconv.FormatInt(fx.Wood.ID, 10) + "/leads":   {"anonymous": login, "firm": 403, "lead": 403, "advisor": 403, "admin": 422},
		"/admin/associations/" + strconv.FormatInt(fx.Wood.ID, 10) + "/members": {"anonymous": login, "firm": 403, "lead": 403, "advisor": 403, "admin": 400},
		"/admin/import": {"anonymous": login, "firm": 403, "lead": 403, "advisor": 403, "admin": 400},
	}
	for path, byUser := range posts {
		for name, c := range users {
			if got := c.post(path, nil).status; got != byUser[name] {
				t.Errorf("POST %s as %s = %d, want %d", path, name, got, byUser[name])
			}
		}
	}
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
