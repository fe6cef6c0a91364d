package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"dxready/auth"
	"dxready/store"
)

// ATTACK (issue 13, point 2): the report names "the advisor of the firm's
// latest or next consultation" to whoever may read the result. An advisor
// the firm booked once reads the report and learns that the firm went to
// another advisor, and when: a booking that is not theirs (auth.Can
// ActBookingView is the booking's advisor's only).
func TestReportNamesOnlyTheReadersBooking(t *testing.T) {
	e := newEnv(t)
	firm := e.client().login("firm@test.local")
	id, _ := submitWorst(t, e, firm)
	report := fmt.Sprintf("/assessment/%d/report", id)
	bookNine(t, e)
	other := e.addBookableAdvisor(t, 2)
	fc := e.client().login("firm@test.local")
	page := fc.get(fmt.Sprintf("/advisors/%d", other.ID)).body
	all := regexp.MustCompile(`book\?start=(\d+)`).FindAllStringSubmatch(page, -1)
	if len(all) == 0 {
		t.Fatalf("no free slot of advisor 2: %.800s", between(page, "<main", "</main>"))
	}
	v := bookValues(time.Now(), "", "data")
	v.Set("start", all[len(all)-1][1]) // the latest offered: after advisor 1's
	must(t, fc.post(fmt.Sprintf("/advisors/%d/book", other.ID), v), http.StatusSeeOther)
	adv1 := e.client().login("advisor@test.local")
	if strings.Contains(adv1.get(fmt.Sprintf("/assessment/%d/result", id)).body, "Chuyên gia 2") {
		t.Log("(the result page names advisor 2 too)")
	}
	body := adv1.get(report).body
	if strings.Contains(body, "Chuyên gia 2") {
		t.Fatal("advisor 1 reads on the firm's report that it booked advisor 2, and when")
	}
	// Advisor 1 reads their own consultation; the firm, the Center and
	// advisor 2 read the firm's latest, advisor 2's.
	if got := between(body, `id="report-advisor"`, "</section>"); !strings.Contains(got, "Chuyên gia") {
		t.Errorf("advisor 1 does not read their own consultation: %q", got)
	}
	for _, who := range []string{"firm@test.local", "admin@test.local", "advisor2@test.local"} {
		got := between(e.client().login(who).get(report).body, `id="report-advisor"`, "</section>")
		if !strings.Contains(got, "Chuyên gia 2") {
			t.Errorf("%s reads %q, not the firm's latest consultation", who, got)
		}
	}
}

// The rule the report names a consultation by, as a matrix: of the firm's
// consultations (newest first), the first the reader may see.
func TestReportBookingIsTheReaders(t *testing.T) {
	const firmID, adv1, adv2, adv3 = 7, 101, 102, 103
	newer := &store.Booking{ID: 2, FirmID: firmID, AdvisorID: adv2, Status: store.BookingConfirmed}
	older := &store.Booking{ID: 1, FirmID: firmID, AdvisorID: adv1, Status: store.BookingDone}
	bs := []*store.Booking{newer, older}
	active := func(u auth.User) *auth.User { u.Status = auth.StatusActive; return &u }
	for name, c := range map[string]struct {
		u    *auth.User
		want *store.Booking
	}{
		"the firm":            {active(auth.User{ID: 1, Role: auth.RoleFirm, FirmID: firmID, FirmVerified: true}), newer},
		"the Center":          {active(auth.User{ID: 2, Role: auth.RoleAdmin}), newer},
		"the newer's advisor": {active(auth.User{ID: adv2, Role: auth.RoleAdvisor}), newer},
		"the older's advisor": {active(auth.User{ID: adv1, Role: auth.RoleAdvisor}), older},
		"another advisor":     {active(auth.User{ID: adv3, Role: auth.RoleAdvisor}), nil},
		"another firm":        {active(auth.User{ID: 3, Role: auth.RoleFirm, FirmID: firmID + 1, FirmVerified: true}), nil},
		"an open claim":       {active(auth.User{ID: 4, Role: auth.RoleFirm, FirmID: firmID}), nil},
		"a lead":              {active(auth.User{ID: 5, Role: auth.RoleLead, AssociationID: 1}), nil},
		"a disabled advisor":  {&auth.User{ID: adv2, Role: auth.RoleAdvisor, Status: auth.StatusDisabled}, nil},
		"nobody signed in":    {nil, nil},
	} {
		if got := reportBooking(c.u, bs); got != c.want {
			t.Errorf("%s: booking %v, want %v", name, got, c.want)
		}
	}
	if got := reportBooking(&auth.User{ID: 2, Role: auth.RoleAdmin, Status: auth.StatusActive}, nil); got != nil {
		t.Errorf("no consultation: %v", got)
	}
}
