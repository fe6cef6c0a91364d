package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"dxready/advisors"
	"dxready/auth"
	"dxready/store"
	"dxready/store/storetest"
)

// nineOClock gives the fixture advisor Tuesday hours from 09:00, so that
// Tuesday 24 Nov 2026 09:00 (02:00Z) is a free slot.
func nineOClock(t *testing.T, e *env) time.Time {
	a := e.fx.AdvisorProfile
	a.Hours = append(a.Hours[:0:0], advisors.Hours{Weekday: time.Tuesday, Start: 9 * 60, End: 12 * 60})
	if err := e.st.UpdateAdvisor(ctx, a); err != nil {
		t.Fatal(err)
	}
	return time.Date(2026, 11, 24, 9, 0, 0, 0, advisors.Zone)
}

func bookValues(start time.Time, note string, pillars ...string) url.Values {
	return url.Values{"start": {strconv.FormatInt(start.Unix(), 10)}, "mode": {"online"}, "language": {"vi"}, "note": {note}, "pillar": pillars}
}

// A firm books a suggested advisor; 09:00 in Ho Chi Minh City is 09:00 on
// every page and message, and 02:00Z in the calendar file.
func TestFirmBooksASuggestedAdvisor(t *testing.T) {
	e := newEnv(t)
	nine := nineOClock(t, e)
	firm := e.client().login("firm@test.local")
	must(t, firm.get("/advisors"), http.StatusOK, "Chuyên gia", "phục vụ Hiệp hội Gỗ thử", "Thứ Ba, 24/11/2026 09:00–10:00 (GMT+7)")
	bookURL := fmt.Sprintf("/advisors/%d/book", e.fx.Advisor.ID)
	must(t, firm.get(bookURL+"?start="+strconv.FormatInt(nine.Unix(), 10)), http.StatusOK, "Thứ Ba, 24/11/2026 09:00–10:00 (GMT+7)",
		"chưa có kết quả đánh giá")
	// Nothing chosen to discuss: the form comes back with the note kept.
	must(t, firm.post(bookURL, bookValues(nine, "Kho hàng")), http.StatusUnprocessableEntity, "Hãy chọn ít nhất một nội dung", "Kho hàng")
	r := firm.post(bookURL, bookValues(nine, "Kho hàng", "data", "operations"))
	must(t, r, http.StatusSeeOther)
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, "/bookings/") {
		t.Fatalf("redirect to %q", loc)
	}
	must(t, firm.get(loc), http.StatusOK, "Đã xác nhận", "Thứ Ba, 24/11/2026 09:00–10:00 (GMT+7)", "Dữ liệu", "Kho hàng")
	ics := firm.get(loc + "/calendar.ics")
	must(t, ics, http.StatusOK, "DTSTART:20261124T020000Z\r\n", "DTEND:20261124T030000Z\r\n", "SUMMARY:Tư vấn chuyển đổi số")
	if ct := ics.header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	must(t, firm.get("/bookings"), http.StatusOK, "Thứ Ba, 24/11/2026 09:00–10:00 (GMT+7)")
	adv := e.client().login("advisor@test.local")
	must(t, adv.get("/bookings"), http.StatusOK, "Thứ Ba, 24/11/2026 09:00–10:00 (GMT+7)", "Công ty TNHH Gỗ Đức Thành")
	// The confirmation went to the firm's user and the advisor, at 09:00, with the .ics.
	out, _ := e.st.Outbox(ctx, 10)
	if len(out) != 2 {
		t.Fatalf("outbox: %d messages", len(out))
	}
	for _, m := range out {
		if !strings.Contains(m.Subject, "24/11/2026 09:00–10:00 (GMT+7)") || m.Kind != "booking.confirmed" {
			t.Errorf("message: %s %q", m.To, m.Subject)
		}
	}
	// The slot is gone from the advisor's free times.
	if strings.Contains(firm.get(fmt.Sprintf("/advisors/%d", e.fx.Advisor.ID)).body, "start="+strconv.FormatInt(nine.Unix(), 10)) {
		t.Fatal("a booked slot is still offered")
	}
}

// A second firm trying the same slot hears it was just taken, keeps what
// it typed, and is offered the next free slots; a time that is no slot at
// all is refused the same way.
func TestTakenSlot(t *testing.T) {
	e := newEnv(t)
	nine := nineOClock(t, e)
	b := &store.Booking{AdvisorID: e.fx.Advisor.ID, FirmID: e.fx.NoiThat.ID, Period: advisors.Period{Start: nine.UTC(), End: nine.Add(time.Hour).UTC()},
		Mode: "online", Language: "vi", Pillars: []string{"data"}}
	if err := e.st.Book(ctx, b, advisors.VietnamHolidays(), nil); err != nil {
		t.Fatal(err)
	}
	firm := e.client().login("firm@test.local")
	bookURL := fmt.Sprintf("/advisors/%d/book", e.fx.Advisor.ID)
	must(t, firm.get(bookURL+"?start="+strconv.FormatInt(nine.Unix(), 10)), http.StatusConflict, "vừa có doanh nghiệp khác đặt",
		"Thứ Ba, 24/11/2026 10:15–11:15 (GMT+7)")
	must(t, firm.post(bookURL, bookValues(nine, "Ghi chú giữ lại", "data")), http.StatusConflict,
		"vừa có doanh nghiệp khác đặt", "Ghi chú giữ lại", "Thứ Ba, 24/11/2026 10:15–11:15 (GMT+7)")
	must(t, firm.post(bookURL, bookValues(nine.Add(7*time.Minute), "", "data")), http.StatusConflict, "vừa có doanh nghiệp khác đặt")
	must(t, firm.post("/advisors/99999/book", bookValues(nine, "", "data")), http.StatusNotFound)
	must(t, firm.post(bookURL, url.Values{"start": {"abc"}, "pillar": {"data"}}), http.StatusNotFound)
	if list, _ := e.st.Bookings(ctx, store.BookingFilter{AdvisorID: e.fx.Advisor.ID}); len(list) != 1 {
		t.Fatalf("%d bookings", len(list))
	}
}

// After the consultation the advisor marks it done and agrees an action
// item, which the firm sees and ticks off; other firms and leads cannot
// reach the booking.
func TestConsultationLoop(t *testing.T) {
	e := newEnv(t)
	nine := nineOClock(t, e)
	firm := e.client().login("firm@test.local")
	r := firm.post(fmt.Sprintf("/advisors/%d/book", e.fx.Advisor.ID), bookValues(nine, "", "data"))
	must(t, r, http.StatusSeeOther)
	path := r.header.Get("Location")
	adv := e.client().login("advisor@test.local")
	must(t, adv.post(path+"/outcome", url.Values{"outcome": {"done"}}), http.StatusConflict, "chưa bắt đầu")

	other := &auth.User{Email: "kho@test.local", Name: "Kho", Role: auth.RoleFirm, Status: auth.StatusActive, FirmID: e.fx.Kho.ID, Lang: "vi",
		PasswordHash: e.fx.FirmUser.PasswordHash, EmailVerified: true}
	if err := e.st.CreateUser(ctx, other); err != nil {
		t.Fatal(err)
	}
	kho := e.client().login("kho@test.local")
	lead := e.client().login("lead@test.local")
	for _, c := range []*client{kho, lead} {
		must(t, c.get(path), http.StatusNotFound)
		must(t, c.get(path+"/calendar.ics"), http.StatusNotFound)
		must(t, c.post(path+"/cancel", url.Values{"reason": {"x"}}), http.StatusNotFound)
	}
	must(t, firm.post(path+"/outcome", url.Values{"outcome": {"done"}}), http.StatusForbidden)

	e.setNow(nine.Add(90 * time.Minute))
	// A day passed on the one clock: the sessions went idle, so sign in again.
	firm, kho, adv = e.client().login("firm@test.local"), e.client().login("kho@test.local"), e.client().login("advisor@test.local")
	must(t, adv.post(path+"/outcome", url.Values{"outcome": {"maybe"}}), http.StatusUnprocessableEntity, "Hãy chọn đã tư vấn")
	must(t, adv.post(path+"/outcome", url.Values{"outcome": {"done"}}), http.StatusSeeOther)
	must(t, adv.post(path+"/notes", url.Values{"notes": {"Bắt đầu từ dữ liệu kho"}}), http.StatusSeeOther)
	must(t, adv.post(path+"/actions", url.Values{"pillar": {"data"}, "text": {"Chọn phần mềm quản lý kho"}, "owner": {"firm"}, "due": {"2026-11-01"}}),
		http.StatusUnprocessableEntity, "Hãy chọn hạn hoàn thành")
	must(t, adv.post(path+"/actions", url.Values{"pillar": {"data"}, "text": {"Chọn phần mềm quản lý kho"}, "owner": {"firm"}, "due": {"2026-12-15"}}),
		http.StatusSeeOther)
	page := firm.get("/bookings")
	must(t, page, http.StatusOK, "Kế hoạch hành động", "Chọn phần mềm quản lý kho", "hạn 15/12/2026", "Đã tư vấn")
	items, _ := e.st.ActionItemsOfFirm(ctx, e.fx.GoDuc.ID)
	if len(items) != 1 {
		t.Fatalf("items: %+v", items)
	}
	tick := fmt.Sprintf("/actions/%d/done", items[0].ID)
	must(t, kho.post(tick, url.Values{"done": {"1"}}), http.StatusNotFound)
	must(t, firm.post(tick, url.Values{"done": {"1"}}), http.StatusSeeOther)
	if items, _ = e.st.ActionItemsOfFirm(ctx, e.fx.GoDuc.ID); !items[0].Done() {
		t.Fatal("not ticked")
	}
	must(t, adv.get("/bookings"), http.StatusOK)
	if open, _ := e.st.OpenActionItemsOfAdvisor(ctx, e.fx.Advisor.ID); len(open) != 0 {
		t.Fatalf("open items: %+v", open)
	}
}

// Cancelling needs a reason, frees the slot and tells both sides.
func TestCancelBooking(t *testing.T) {
	e := newEnv(t)
	nine := nineOClock(t, e)
	firm := e.client().login("firm@test.local")
	r := firm.post(fmt.Sprintf("/advisors/%d/book", e.fx.Advisor.ID), bookValues(nine, "", "data"))
	path := r.header.Get("Location")
	must(t, firm.post(path+"/cancel", url.Values{"reason": {""}}), http.StatusUnprocessableEntity, "Hãy ghi lý do")
	must(t, firm.post(path+"/cancel", url.Values{"reason": {"Trùng lịch họp"}}), http.StatusSeeOther)
	must(t, firm.get(path), http.StatusOK, "Đã huỷ", "Trùng lịch họp")
	must(t, firm.get(path+"/calendar.ics"), http.StatusOK, "METHOD:CANCEL", "STATUS:CANCELLED", "SEQUENCE:1")
	out, _ := e.st.Outbox(ctx, 10)
	if len(out) != 4 || out[0].Kind != "booking.cancelled" || !strings.Contains(out[0].Body, "Trùng lịch họp") {
		t.Fatalf("outbox: %d, %+v", len(out), out[0])
	}
	must(t, firm.post(path+"/cancel", url.Values{"reason": {"lần nữa"}}), http.StatusConflict)
	// The slot is bookable again.
	must(t, firm.post(fmt.Sprintf("/advisors/%d/book", e.fx.Advisor.ID), bookValues(nine, "", "data")), http.StatusSeeOther)
	_ = storetest.Clock
}

// The booking form comes with the result's priorities ticked and says so,
// so that a firm clicking one to choose it knows it unticks it; the form
// shown again after a refused press shows the firm's own choice, unsaid.
func TestBookFormSaysWhatIsTicked(t *testing.T) {
	e := newEnv(t)
	nine := nineOClock(t, e)
	firm := e.client().login("firm@test.local")
	submitWorst(t, e, firm)
	bookURL := fmt.Sprintf("/advisors/%d/book", e.fx.Advisor.ID)
	page := firm.get(bookURL + "?start=" + strconv.FormatInt(nine.Unix(), 10))
	must(t, page, http.StatusOK, `id="pillars-picked"`, "Đã chọn sẵn theo kết quả tự đánh giá", `aria-describedby="pillars-picked pillar-error"`)
	if !strings.Contains(page.body, " checked>") {
		t.Fatal("nothing is ticked from the result")
	}
	if r := firm.post(bookURL, bookValues(nine, "Kho hàng")); strings.Contains(r.body, `id="pillars-picked"`) {
		t.Fatal("the form shown again claims the firm's choice came from the result")
	}
}
