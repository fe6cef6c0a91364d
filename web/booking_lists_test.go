package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"dxready/advisors"
	"dxready/store"
)

// A reschedule posted without a new time says to choose one (not that a
// slot was taken) and changes nothing; a cancelled consultation leaves the
// upcoming list for its own, with its reason labelled as a cancellation.
func TestRescheduleNeedsATimeAndCancelledLeavesUpcoming(t *testing.T) {
	e := newEnv(t)
	nine := nineOClock(t, e)
	bk := &store.Booking{AdvisorID: e.fx.Advisor.ID, FirmID: e.fx.GoDuc.ID, Period: advisors.Period{Start: nine.UTC(), End: nine.Add(time.Hour).UTC()},
		Mode: "online", Language: "vi", Pillars: []string{"data"}}
	if err := e.st.Book(ctx, bk, advisors.VietnamHolidays(), nil); err != nil {
		t.Fatal(err)
	}
	firm := e.client().login("firm@test.local")
	path := bookingURL(bk.ID, "")
	r := firm.post(path+"/reschedule", url.Values{"reason": {"Bận"}})
	must(t, r, http.StatusUnprocessableEntity, "Hãy chọn giờ mới cho buổi tư vấn.")
	if strings.Contains(r.body, "vừa có doanh nghiệp khác đặt") {
		t.Fatal("a missing time is reported as a slot taken")
	}
	if got, _ := e.st.FindBooking(ctx, bk.ID); !got.Start.Equal(bk.Start) || got.Sequence != 0 {
		t.Fatalf("the booking changed: %+v", got)
	}
	must(t, firm.post(path+"/cancel", url.Values{"reason": {"Trùng lịch họp"}}), http.StatusSeeOther)
	list := firm.get("/bookings")
	must(t, list, http.StatusOK, `id="cancelled"`, "Chưa có buổi tư vấn nào sắp tới.")
	if i, j := strings.Index(list.body, `id="cancelled"`), strings.Index(list.body, path); j < i {
		t.Fatal("the cancelled consultation is listed before the cancelled heading, under upcoming")
	}
	must(t, firm.get(path), http.StatusOK, "Lý do huỷ", "Trùng lịch họp")
}
