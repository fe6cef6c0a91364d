package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"dxready/store"
)

// The booking form sent twice (a double click, or back and send again)
// is a walkthrough's finding: the second answered 409 "another firm just
// took this slot", about the firm's own booking. It now leads to the
// booking the first made, says so, and books, writes and sends nothing
// more; another firm sending the same slot is still told it is taken.
func TestBookingFormSentTwiceLeadsToTheBookingMade(t *testing.T) {
	e := newEnv(t)
	nine := nineOClock(t, e)
	firm := e.client().login("firm@test.local")
	bookURL := fmt.Sprintf("/advisors/%d/book", e.fx.Advisor.ID)
	first := firm.post(bookURL, bookValues(nine, "Kho hàng", "data"))
	must(t, first, http.StatusSeeOther)
	path := first.header.Get("Location")
	again := firm.post(bookURL+"?lang=en", bookValues(nine, "Kho hàng", "data"))
	must(t, again, http.StatusSeeOther)
	if got := again.header.Get("Location"); got != path {
		t.Fatalf("the form sent again led to %q, want the booking made, %q", got, path)
	}
	must(t, firm.get(path+"?lang=en"), http.StatusOK, "already booked for this firm")
	if list, _ := e.st.Bookings(ctx, store.BookingFilter{AdvisorID: e.fx.Advisor.ID}); len(list) != 1 {
		t.Fatalf("%d bookings after the form was sent twice", len(list))
	}
	if got := kinds(t, e); got["booking.confirmed"] != 2 || len(got) != 1 {
		t.Fatalf("messages after the form was sent twice: %v, want one confirmation to each side", got)
	}
	// The firm's own cancelled booking does not count: the slot is booked anew.
	must(t, firm.post(path+"/cancel", map[string][]string{"reason": {"Nhầm"}}), http.StatusSeeOther)
	anew := firm.post(bookURL, bookValues(nine, "", "data"))
	must(t, anew, http.StatusSeeOther)
	if anew.header.Get("Location") == path {
		t.Fatal("booking a slot again after cancelling it led to the cancelled booking")
	}
}

// A reschedule to the time the booking already has (the form sent twice,
// or the current time picked) changed nothing, yet told both sides "the
// consultation has a new time" (a walkthrough's finding). It now says
// nothing changed, and writes no event and no message.
func TestRescheduleToTheSameTimeChangesNothing(t *testing.T) {
	e := newEnv(t)
	path, nine := bookNine(t, e)
	firm := e.client().login("firm@test.local")
	for _, at := range []time.Time{nine, nine} {
		r := firm.post(path+"/reschedule", bookValues(at, ""))
		must(t, r, http.StatusSeeOther)
		must(t, firm.get(r.header.Get("Location")), http.StatusOK, "không có gì thay đổi")
	}
	next := nine.Add(75 * time.Minute)
	for range 2 { // moved, then the same move sent again
		must(t, firm.post(path+"/reschedule", bookValues(next, "")), http.StatusSeeOther)
	}
	if got := kinds(t, e); got["booking.confirmed"] != 2 || got["booking.changed"] != 2 {
		t.Fatalf("messages: %v, want the confirmation and one move, each to both sides", got)
	}
	b, err := e.st.FindBooking(ctx, bookingIDOf(t, path))
	if err != nil || b.Sequence != 1 || !b.Start.Equal(next.UTC()) {
		t.Fatalf("booking after a move and three sends of no change: %+v, %v", b, err)
	}
}

// A submitted assessment sent again (back to the review page, then
// submit) answered a bare 409 page whose one way out was the home page (a
// walkthrough's finding): it now leads to its result, saying it was not
// submitted twice, and stores nothing more.
func TestSubmittedAssessmentSentAgainLeadsToItsResult(t *testing.T) {
	e := newEnv(t)
	result, _ := assessmentsFor(t, e)
	firm := e.client().login("firm@test.local")
	before, _ := e.st.Submissions(ctx, e.fx.GoDuc.ID)
	r := firm.post(result+"/submit?lang=en", url.Values{"version": {"any"}})
	must(t, r, http.StatusSeeOther)
	if got, want := r.header.Get("Location"), result+"/result"; got != want {
		t.Fatalf("a submitted assessment sent again led to %q, want its result %q", got, want)
	}
	must(t, firm.get(r.header.Get("Location")), http.StatusOK, "had already been submitted, so it was not submitted again")
	if after, _ := e.st.Submissions(ctx, e.fx.GoDuc.ID); len(after) != len(before) {
		t.Fatalf("submissions %d → %d after sending a submitted assessment again", len(before), len(after))
	}
	// Nobody else may send it: a lead is refused, as the access matrix says.
	other := e.client().login("lead@test.local")
	must(t, other.post(result+"/submit", url.Values{"version": {"any"}}), http.StatusForbidden)
}

// Each role's bookings list has the columns it needs: an advisor's has no
// advisor column and a firm's no firm column, each of which repeated the
// reader's own name on every row (a walkthrough's finding); the Center's
// has both.
func TestBookingListsShowTheColumnsEachRoleNeeds(t *testing.T) {
	e := newEnv(t)
	bookNine(t, e)
	advisorName, firmName := e.fx.Advisor.Name, e.fx.GoDuc.Name
	for _, c := range []struct {
		email               string
		advisorCol, firmCol bool
	}{{"advisor@test.local", false, true}, {"firm@test.local", true, false}, {"admin@test.local", true, true}} {
		body := e.client().login(c.email).get("/bookings").body
		table := between(body, `<table class="bookings">`, `</table>`)
		if table == "" {
			t.Fatalf("%s: no bookings table", c.email)
		}
		if got := strings.Contains(table, ">"+advisorName+"<"); got != c.advisorCol {
			t.Errorf("%s: the advisor's name in the list: %v, want %v", c.email, got, c.advisorCol)
		}
		if got := strings.Contains(table, ">"+firmName); got != c.firmCol {
			t.Errorf("%s: the firm's name in the list: %v, want %v", c.email, got, c.firmCol)
		}
		if heads, cells := strings.Count(table, "<th scope=\"col\">"), strings.Count(between(table, "<tbody>", "</tr>"), "<td"); heads != cells {
			t.Errorf("%s: %d column heads, %d cells in a row", c.email, heads, cells)
		}
	}
}
