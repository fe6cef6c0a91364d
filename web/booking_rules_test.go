package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"dxready/advisors"
	"dxready/auth"
	"dxready/store"
)

// Once a consultation has started, the firm sees no cancel or reschedule
// button, and a forged POST of either is refused with a clear message and
// changes nothing: not the booking, not the outbox.
func TestNoCancelOrRescheduleAfterTheStart(t *testing.T) {
	e := newEnv(t)
	path, nine := bookNine(t, e)
	firm := e.client().login("firm@test.local")
	must(t, firm.get(path), http.StatusOK, `id="cancel-booking"`, `id="reschedule"`)
	before, _ := e.st.Outbox(ctx, 10)
	for _, at := range []time.Time{nine, nine.Add(30 * time.Minute), nine.Add(26 * time.Hour)} {
		e.setNow(at)
		firm := e.client().login("firm@test.local") // a fresh session at the moved clock
		page := firm.get(path)
		must(t, page, http.StatusOK, "Đã xác nhận")
		for _, button := range []string{`id="cancel-booking"`, `id="reschedule"`, `id="cancel-form"`, `id="mark-done"`} {
			if strings.Contains(page.body, button) {
				t.Errorf("at %v the firm's page draws %s", at, button)
			}
		}
		must(t, firm.post(path+"/cancel", url.Values{"reason": {"Không cần nữa"}}), http.StatusConflict,
			"đã bắt đầu hoặc đã diễn ra nên không thể huỷ hay đổi giờ")
		must(t, firm.post(path+"/reschedule", url.Values{"start": {fmt.Sprint(nine.AddDate(0, 0, 7).Unix())}}), http.StatusConflict,
			"không thể huỷ hay đổi giờ")
		must(t, firm.post(path+"/outcome", url.Values{"outcome": {"no_show"}}), http.StatusForbidden)
	}
	id := bookingIDOf(t, path)
	b, _ := e.st.FindBooking(ctx, id)
	if b.Status != store.BookingConfirmed || !b.Start.Equal(nine.UTC()) || b.Sequence != 0 || b.Reason != "" {
		t.Fatalf("the booking changed: %+v", b)
	}
	if after, _ := e.st.Outbox(ctx, 10); len(after) != len(before) {
		t.Fatalf("messages queued for refused changes: %d → %d", len(before), len(after))
	}
	// The advisor, at the start, records the outcome the firm may not.
	e.setNow(nine.Add(5 * time.Minute))
	adv := e.client().login("advisor@test.local")
	must(t, adv.get(path), http.StatusOK, `id="mark-done"`)
	must(t, adv.post(path+"/cancel", url.Values{"reason": {"Muộn"}}), http.StatusConflict, "không thể huỷ")
}

func bookingIDOf(t *testing.T, path string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(path, "/bookings/%d", &id); err != nil {
		t.Fatalf("booking path %q", path)
	}
	return id
}

// addBookableAdvisor adds an advisor with the fixture's weekday hours.
func (e *env) addBookableAdvisor(t *testing.T, n int) *store.Advisor {
	t.Helper()
	a := store.StarterAdvisor(0)
	a.Languages, a.Pillars = []string{"vi"}, []string{"data"}
	u := &auth.User{Email: fmt.Sprintf("advisor%d@test.local", n), Name: fmt.Sprintf("Chuyên gia %d", n), Status: auth.StatusActive, Lang: "vi",
		PasswordHash: e.fx.Advisor.PasswordHash, EmailVerified: true}
	if err := e.st.CreateAdvisor(ctx, u, a); err != nil {
		t.Fatal(err)
	}
	return a
}

// stormResult counts how a storm of booking attempts ended.
type stormResult struct {
	booked, refused, other int
	otherBodies            []string
	elapsed                time.Duration
}

// storm has one firm's session try every slot in slots, 20 requests at a
// time, and says how each ended.
func storm(t *testing.T, c *client, slots map[string][]advisors.Period, refusals ...string) stormResult {
	t.Helper()
	type attempt struct {
		path  string
		start time.Time
	}
	work := make(chan attempt)
	var mu sync.Mutex
	var res stormResult
	var wg sync.WaitGroup
	began := time.Now()
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range work {
				r := c.post(a.path, bookValues(a.start, "", "data"))
				mu.Lock()
				switch {
				case r.status == http.StatusSeeOther:
					res.booked++
				case r.status == http.StatusConflict && containsAny(r.body, refusals):
					res.refused++
				default:
					res.other++
					res.otherBodies = append(res.otherBodies, fmt.Sprintf("%d %.300s", r.status, r.body))
				}
				mu.Unlock()
			}
		}()
	}
	for path, ps := range slots {
		for _, p := range ps {
			work <- attempt{path, p.Start}
		}
	}
	close(work)
	wg.Wait()
	res.elapsed = time.Since(began)
	return res
}

func containsAny(body string, parts []string) bool {
	for _, p := range parts {
		if strings.Contains(body, p) {
			return true
		}
	}
	return false
}

// One firm tries every free slot of an advisor at once, 20 requests at a
// time: one booking gets through (one open booking per advisor), every
// other attempt hears why in its language, and only the one booking's
// messages are queued. With three advisors, two get through (two open
// bookings per firm).
func TestOneFirmCannotEmptyTheCalendar(t *testing.T) {
	e := newEnv(t)
	firm := e.client().login("firm@test.local")
	free := func(a *store.Advisor) []advisors.Period {
		sc, err := e.st.Schedule(ctx, a, e.web.holidays)
		if err != nil {
			t.Fatal(err)
		}
		return sc.FreeSlots(e.fx.Clock.Now())
	}
	one := map[string][]advisors.Period{fmt.Sprintf("/advisors/%d/book", e.fx.Advisor.ID): free(e.fx.AdvisorProfile)}
	n := len(one[fmt.Sprintf("/advisors/%d/book", e.fx.Advisor.ID)])
	res := storm(t, firm, one, "Doanh nghiệp đã có lịch sắp tới với chuyên gia này (tối đa 1 buổi")
	t.Logf("one advisor: %d free slots tried by 20 workers in %v: %d booked, %d refused, %d other", n, res.elapsed, res.booked, res.refused, res.other)
	if n < 60 || res.booked != 1 || res.refused != n-1 || res.other != 0 {
		t.Fatalf("%d slots: %+v", n, res)
	}
	if out, _ := e.st.Outbox(ctx, 100); len(out) != 2 {
		t.Fatalf("%d messages for one booking", len(out))
	}
	// Two more advisors: every free slot of all three.
	three := map[string][]advisors.Period{}
	added := map[int64]*store.Advisor{}
	for i := range 2 {
		a := e.addBookableAdvisor(t, i+2)
		three[fmt.Sprintf("/advisors/%d/book", a.ID)] = free(a)
		added[a.ID] = a
	}
	three[fmt.Sprintf("/advisors/%d/book", e.fx.Advisor.ID)] = free(e.fx.AdvisorProfile)
	res = storm(t, firm, three, "tối đa 1 buổi với mỗi chuyên gia", "số buổi tư vấn sắp tới tối đa được phép cùng lúc (2)",
		"đã có một buổi tư vấn khác trùng giờ này")
	t.Logf("three advisors: %d booked, %d refused, %d other in %v", res.booked, res.refused, res.other, res.elapsed)
	if res.booked != 1 || res.other != 0 {
		t.Fatalf("three advisors: %+v", res)
	}
	open, _ := e.st.Bookings(ctx, store.BookingFilter{FirmID: e.fx.GoDuc.ID, Statuses: []string{store.BookingConfirmed}})
	if len(open) != 2 || open[0].AdvisorID == open[1].AdvisorID || open[0].Overlaps(open[1].Period) {
		t.Fatalf("open bookings: %d", len(open))
	}
	if out, _ := e.st.Outbox(ctx, 100); len(out) != 4 {
		t.Fatalf("%d messages for two bookings", len(out))
	}
	// The book page of the advisor not booked says so before the form is
	// filled, and draws no form.
	for _, b := range open {
		delete(added, b.AdvisorID)
	}
	if len(added) != 1 {
		t.Fatalf("advisors not booked: %d", len(added))
	}
	var last *store.Advisor
	for _, a := range added {
		last = a
	}
	page := firm.get(fmt.Sprintf("/advisors/%d/book?start=%d", last.ID, free(last)[len(free(last))-1].Start.Unix()))
	must(t, page, http.StatusConflict, `id="booking-refused"`, "tối đa được phép cùng lúc (2)")
	if strings.Contains(page.body, `id="confirm-booking"`) {
		t.Fatal("the page offers a booking fair use refuses")
	}
}

// A firm never holds two consultations at the same time, even with two
// advisors; the refusal is in the firm's language.
func TestTwoAdvisorsAtTheSameHour(t *testing.T) {
	e := newEnv(t)
	_, nine := bookNine(t, e)
	firm := e.client().login("firm@test.local")
	other := e.addBookableAdvisor(t, 2) // slots at 08:00, 09:15, 10:30…
	path := fmt.Sprintf("/advisors/%d/book", other.ID)
	quarterPast := nine.Add(15 * time.Minute) // 09:15–10:15, across the firm's 09:00–10:00
	must(t, firm.get(fmt.Sprintf("%s?start=%d", path, quarterPast.Unix())), http.StatusConflict, "đã có một buổi tư vấn khác trùng giờ này")
	must(t, firm.post(path, bookValues(quarterPast, "", "data")), http.StatusConflict, "đã có một buổi tư vấn khác trùng giờ này")
	if list, _ := e.st.Bookings(ctx, store.BookingFilter{FirmID: e.fx.GoDuc.ID}); len(list) != 1 {
		t.Fatalf("%d bookings", len(list))
	}
	// The pages offer only what the rule allows: the other advisor's slot
	// across the firm's consultation is not offered, and the advisor the
	// firm holds a booking with offers none, saying why.
	page := firm.get(fmt.Sprintf("/advisors/%d", other.ID))
	must(t, page, http.StatusOK, fmt.Sprintf("start=%d", nine.Add(90*time.Minute).Unix()))
	if strings.Contains(page.body, fmt.Sprintf("start=%d", quarterPast.Unix())) {
		t.Fatal("a slot across the firm's consultation is offered")
	}
	page = firm.get(fmt.Sprintf("/advisors/%d", e.fx.Advisor.ID))
	must(t, page, http.StatusOK, `id="booking-refused"`, "đã có lịch sắp tới với chuyên gia này")
	if strings.Contains(page.body, "/book?start=") {
		t.Fatal("the advisor the firm holds a booking with still offers slots")
	}
	must(t, firm.get("/advisors"), http.StatusOK, "đã có lịch sắp tới với chuyên gia này")
	must(t, firm.post(path, bookValues(nine.Add(90*time.Minute), "", "data")), http.StatusSeeOther)
	// Two open bookings: no advisor offers a slot any more, a third not
	// booked yet included.
	e.addBookableAdvisor(t, 3)
	if list := firm.get("/advisors"); strings.Contains(list.body, "/book?start=") || !strings.Contains(list.body, "tối đa được phép cùng lúc (2)") {
		t.Fatal("the advisors page offers slots beyond the limit")
	}
	// In English too.
	must(t, firm.post(path+"?lang=en", bookValues(quarterPast, "", "data")), http.StatusConflict, "already has another consultation at this time")
}

// The advisor and the Center preview the page firms see, with the slots
// shown but not offered, and a way back to the profile form.
func TestAdvisorPreviewsItsPublicPage(t *testing.T) {
	e := newEnv(t)
	path := fmt.Sprintf("/advisors/%d", e.fx.Advisor.ID)
	for _, email := range []string{"advisor@test.local", "admin@test.local"} {
		page := e.client().login(email).get(path)
		must(t, page, http.StatusOK, `id="advisor-preview"`, `class="slot"`, fmt.Sprintf(`href="%s/edit"`, path))
		if strings.Contains(page.body, "/book?start=") || strings.Contains(page.body, `href="/advisors"`) {
			t.Fatalf("%s is offered links it cannot follow", email)
		}
	}
	other := e.addBookableAdvisor(t, 2)
	must(t, e.client().login(other.Email).get(path), http.StatusForbidden)
}
