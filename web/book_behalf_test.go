package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"dxready/store"
)

func behalfPath(e *env, firm int64, suffix string) string {
	return fmt.Sprintf("/admin/firms/%d/book%s", firm, suffix)
}

// Center staff book for a firm from its record: the firm's slots, the
// firm's form, and a booking that says it was made by the Center on the
// firm's behalf, with who did it in the audit log and the firm told
// through the outbox in its user's language.
func TestAdminBooksOnAFirmsBehalf(t *testing.T) {
	e := newEnv(t)
	nine := nineOClock(t, e)
	admin := e.client().login("admin@test.local")
	firmID := e.fx.GoDuc.ID
	must(t, admin.get(fmt.Sprintf("/firms/%d", firmID)), http.StatusOK, `id="book-on-behalf"`, behalfPath(e, firmID, ""))
	must(t, admin.get("/bookings"), http.StatusOK, `id="on-behalf-hint"`)
	start := strconv.FormatInt(nine.Unix(), 10)
	form := behalfPath(e, firmID, fmt.Sprintf("/%d", e.fx.Advisor.ID))
	must(t, admin.get(behalfPath(e, firmID, "")), http.StatusOK, "Thứ Ba, 24/11/2026 09:00–10:00 (GMT+7)", form+"?start="+start)
	must(t, admin.get(form+"?start="+start), http.StatusOK, `id="on-behalf-notice"`, e.fx.GoDuc.Name, `action="`+form+`"`)
	r := admin.post(form, bookValues(nine, "Gọi qua 1022", "data"))
	must(t, r, http.StatusSeeOther)
	path := r.header.Get("Location")
	must(t, admin.get(path), http.StatusOK, `id="booking-on-behalf"`, "Trung tâm, thay mặt doanh nghiệp", "Đã đặt lịch thay mặt doanh nghiệp")
	must(t, e.client().login("firm@test.local").get(path), http.StatusOK, "Trung tâm, thay mặt doanh nghiệp")
	id, _ := strconv.ParseInt(strings.TrimPrefix(path, "/bookings/"), 10, 64)
	b, err := e.st.FindBooking(ctx, id)
	if err != nil || !b.OnBehalf || b.BookedBy != e.fx.Admin.ID || b.FirmID != firmID {
		t.Fatalf("booking: %v %+v", err, b)
	}
	es, _ := e.st.AuditEntries(ctx, "booking.on_behalf", 10)
	if len(es) != 1 || es[0].UserID != e.fx.Admin.ID || es[0].Subject != "booking:"+strconv.FormatInt(id, 10) {
		t.Fatalf("audit: %+v", es)
	}
	var told bool
	for _, m := range nudgesOf(t, e, "booking.confirmed") {
		if m.To == "firm@test.local" {
			told = strings.Contains(m.Body, "Trung tâm Chuyển đổi số đã đặt buổi tư vấn này thay mặt "+e.fx.GoDuc.Name)
		}
	}
	if !told {
		t.Fatal("the firm was not told the Center booked on its behalf")
	}
}

// Nobody but Center staff books on a firm's behalf: a lead, an advisor and
// a firm user (for another firm, or its own) get 403, the signed-out the
// sign-in page; a firm that does not exist is 404.
func TestOnlyTheCenterBooksOnBehalf(t *testing.T) {
	e := newEnv(t)
	nine := nineOClock(t, e)
	other := e.fx.Kho.ID
	form := behalfPath(e, other, fmt.Sprintf("/%d", e.fx.Advisor.ID))
	for _, who := range []string{"lead@test.local", "advisor@test.local", "firm@test.local"} {
		c := e.client().login(who)
		must(t, c.get(behalfPath(e, other, "")), http.StatusForbidden)
		must(t, c.get(form+"?start="+strconv.FormatInt(nine.Unix(), 10)), http.StatusForbidden)
		must(t, c.post(form, bookValues(nine, "", "data")), http.StatusForbidden)
		must(t, c.post(behalfPath(e, e.fx.GoDuc.ID, fmt.Sprintf("/%d", e.fx.Advisor.ID)), bookValues(nine, "", "data")), http.StatusForbidden)
	}
	if r := e.client().post(form, bookValues(nine, "", "data")); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Fatalf("signed out: %d %s", r.status, r.header.Get("Location"))
	}
	if bs, _ := e.st.Bookings(ctx, store.BookingFilter{}); len(bs) != 0 {
		t.Fatalf("bookings made: %d", len(bs))
	}
	admin := e.client().login("admin@test.local")
	must(t, admin.get(behalfPath(e, 999999, "")), http.StatusNotFound)
	must(t, admin.post(behalfPath(e, 999999, fmt.Sprintf("/%d", e.fx.Advisor.ID)), bookValues(nine, "", "data")), http.StatusNotFound)
}

// The firm's fair use still applies to a booking on its behalf: at its
// limit of open bookings the Center is refused with the reason, and a slot
// already taken is refused as it is for the firm.
func TestOnBehalfBookingKeepsTheFirmsRules(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxOpenBookings = 1 })
	nine := nineOClock(t, e)
	admin := e.client().login("admin@test.local")
	form := behalfPath(e, e.fx.GoDuc.ID, fmt.Sprintf("/%d", e.fx.Advisor.ID))
	must(t, e.client().login("firm@test.local").post(advisorBookPath(e), bookValues(nine, "", "data")), http.StatusSeeOther)
	// The same slot: taken.
	must(t, admin.post(behalfPath(e, e.fx.NoiThat.ID, fmt.Sprintf("/%d", e.fx.Advisor.ID)), bookValues(nine, "", "data")), http.StatusConflict)
	// Another slot, but GoDuc is at its limit of one open booking.
	later := nine.Add(75 * time.Minute)
	must(t, admin.post(form, bookValues(later, "", "data")), http.StatusConflict, `id="booking-refused"`)
	must(t, admin.get(form+"?start="+strconv.FormatInt(later.Unix(), 10)), http.StatusConflict, `id="booking-refused"`)
	if bs, _ := e.st.Bookings(ctx, store.BookingFilter{FirmID: e.fx.GoDuc.ID}); len(bs) != 1 {
		t.Fatalf("GoDuc has %d bookings, want 1", len(bs))
	}
	if es, _ := e.st.AuditEntries(ctx, "booking.on_behalf", 10); len(es) != 0 {
		t.Fatalf("refused bookings audited: %+v", es)
	}
}
