package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"dxready/advisors"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

// bookNine books the fixture firm with the advisor on Tuesday 24 Nov 09:00
// through the portal and returns the booking's path.
func bookNine(t *testing.T, e *env) (string, time.Time) {
	t.Helper()
	nine := nineOClock(t, e)
	r := e.client().login("firm@test.local").post(fmt.Sprintf("/advisors/%d/book", e.fx.Advisor.ID), bookValues(nine, "", "data"))
	must(t, r, http.StatusSeeOther)
	return r.header.Get("Location"), nine
}

func kinds(t *testing.T, e *env) map[string]int {
	out, err := e.st.Outbox(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, m := range out {
		n[m.Kind]++
	}
	return n
}

// The reminder goes out once the consultation is within 24 hours, once,
// to the firm and the advisor at 09:00 local time; a moved booking gets a
// new one; a cancelled one none.
func TestReminders(t *testing.T) {
	e := newEnv(t)
	path, nine := bookNine(t, e)
	base := "https://dxready.example.vn"
	if n, _, err := e.web.QueueFollowUps(ctx, base); err != nil || n != 0 {
		t.Fatalf("reminders 46 hours ahead: %d %v", n, err)
	}
	e.setNow(nine.Add(-23 * time.Hour).UTC())
	if n, _, err := e.web.QueueFollowUps(ctx, base); err != nil || n != 2 {
		t.Fatalf("reminders: %d %v", n, err)
	}
	if n, _, _ := e.web.QueueFollowUps(ctx, base); n != 0 {
		t.Fatalf("reminders queued again: %d", n)
	}
	out, _ := e.st.OutboxIn(ctx, store.OutboxPending, 100)
	var seen int
	for _, m := range out {
		if m.Kind != "booking.reminder" {
			continue
		}
		seen++
		if !strings.Contains(m.Subject, "Nhắc lịch") || !strings.Contains(m.Subject, "24/11/2026 09:00–10:00 (GMT+7)") ||
			!strings.Contains(m.Body, base+path) || m.AttachmentName == "" || m.CreatedBy != 0 {
			t.Errorf("reminder: %+v", m)
		}
	}
	if seen != 2 {
		t.Fatalf("%d reminders", seen)
	}
	// Cancelled: no more reminders, even after the sequence changes.
	firm := e.client().login("firm@test.local")
	must(t, firm.post(path+"/cancel", url.Values{"reason": {"Ốm"}}), http.StatusSeeOther)
	if n, _, _ := e.web.QueueFollowUps(ctx, base); n != 0 {
		t.Fatalf("reminder for a cancelled booking: %d", n)
	}
}

// Three months after a completed consultation a firm that has not
// re-assessed is invited once; one that has is not.
func TestReassessInvitation(t *testing.T) {
	e := newEnv(t)
	path, nine := bookNine(t, e)
	e.setNow(nine.Add(2 * time.Hour).UTC())
	adv := e.client().login("advisor@test.local") // signed in after the clock moved, so the session is fresh
	must(t, adv.post(path+"/outcome", url.Values{"outcome": {"done"}}), http.StatusSeeOther)
	base := "http://127.0.0.1:8080"
	e.setNow(nine.Add(89 * 24 * time.Hour).UTC())
	if _, n, _ := e.web.QueueFollowUps(ctx, base); n != 0 {
		t.Fatalf("invited before three months: %d", n)
	}
	e.setNow(nine.Add(91 * 24 * time.Hour).UTC())
	if _, n, err := e.web.QueueFollowUps(ctx, base); err != nil || n != 1 {
		t.Fatalf("invitations: %d %v", n, err)
	}
	if _, n, _ := e.web.QueueFollowUps(ctx, base); n != 0 {
		t.Fatalf("invited twice: %d", n)
	}
	out, _ := e.st.Outbox(ctx, 1)
	if out[0].Kind != "reassess" || out[0].To != "firm@test.local" || !strings.Contains(out[0].Body, base+"/assessment") ||
		!strings.Contains(out[0].Body, "24/11/2026") {
		t.Fatalf("invitation: %+v", out[0])
	}
	if k := kinds(t, e); k["reassess"] != 1 {
		t.Fatalf("kinds %v", k)
	}
}

// The outbox page lists messages by state for the admin only, and "send
// now" makes a failing message due.
func TestOutboxPage(t *testing.T) {
	e := newEnv(t)
	bookNine(t, e)
	out, _ := e.st.Outbox(ctx, 10)
	if err := e.st.MarkFailed(ctx, out[0].ID, "550 mailbox unavailable", e.fx.Clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	admin := e.client().login("admin@test.local")
	must(t, admin.get("/admin/outbox"), http.StatusOK, "Hộp thư đi", "Tất cả (2)", "Gửi lỗi, sẽ thử lại (1)", "550 mailbox unavailable",
		"Lịch tư vấn", "24/11/2026 09:00–10:00 (GMT+7)")
	page := admin.get("/admin/outbox?state=failing")
	must(t, page, http.StatusOK, "550 mailbox unavailable")
	if strings.Count(page.body, `class="outbox-`) != 1 {
		t.Fatalf("failing filter shows %d rows", strings.Count(page.body, `class="outbox-`))
	}
	must(t, admin.get("/admin/outbox?state=bogus"), http.StatusOK, "Tất cả (2)")
	must(t, admin.post(fmt.Sprintf("/admin/outbox/%d/retry", out[0].ID), nil), http.StatusSeeOther)
	due, _ := e.st.ClaimDue(ctx, 10, time.Minute)
	if len(due) != 2 {
		t.Fatalf("due after retry: %d", len(due))
	}
	must(t, admin.post("/admin/outbox/999999/retry", nil), http.StatusNotFound)
	must(t, admin.post("/admin/outbox/x/retry", nil), http.StatusNotFound)
	for _, who := range []string{"advisor@test.local", "lead@test.local", "firm@test.local"} {
		must(t, e.client().login(who).get("/admin/outbox"), http.StatusForbidden)
	}
}

// The advisor's week shows the consultation at 09:00 with the firm's
// result in one line; the day view adds the topics; the Center opens any
// advisor's week, another advisor none.
func TestAdvisorSchedule(t *testing.T) {
	e := newEnv(t)
	ids := storetest.SevenWoodFirms(t, e.st, e.fx, storetest.Instrument(t))
	_ = ids
	_, nine := bookNine(t, e)
	adv := e.client().login("advisor@test.local")
	week := adv.get("/schedule")
	must(t, week, http.StatusOK, "Tuần 16/11/2026 – 22/11/2026", "hôm nay")
	week = adv.get("/schedule?week=2026-11-24")
	must(t, week, http.StatusOK, "Tuần 23/11/2026 – 29/11/2026", "09:00–10:00", "Công ty TNHH Gỗ Đức Thành", "Chưa chia sẻ kết quả",
		"Buổi tư vấn: 1", "Không làm việc")
	must(t, adv.get("/schedule?day="+nine.Format(time.DateOnly)), http.StatusOK, "Thứ Ba, 24/11/2026", "Dữ liệu", "Ngày sau")
	must(t, adv.get("/schedule?week=2026-09-01"), http.StatusOK, "Ngày lễ: Quốc khánh")
	other := e.addAdvisor(t, "advisor2@test.local")
	must(t, e.client().login(other.Email).get(fmt.Sprintf("/schedule?advisor=%d", e.fx.Advisor.ID)), http.StatusForbidden)
	must(t, e.client().login("admin@test.local").get(fmt.Sprintf("/schedule?advisor=%d&week=2026-11-24", e.fx.Advisor.ID)), http.StatusOK,
		"Công ty TNHH Gỗ Đức Thành")
	must(t, e.client().login("admin@test.local").get("/schedule?advisor=abc"), http.StatusNotFound)
	must(t, e.client().login("firm@test.local").get("/schedule"), http.StatusForbidden)
	must(t, e.client().login("admin@test.local").get("/schedule"), http.StatusSeeOther)
}

// After the consultation and a re-assessment, firm, advisor and Center
// see the change per pillar since the consultation.
func TestProgressSinceConsultation(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	before := scoring.Result{Instrument: in.Key(), Overall: 20, Level: 1, Pillars: []scoring.PillarScore{
		{PillarID: "data", Score: 15, Scored: true}, {PillarID: "strategy", Score: 30, Scored: true}}}
	if err := e.st.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: e.fx.GoDuc.ID, Result: before, SubmittedAt: storetest.Clock.Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	path, nine := bookNine(t, e)
	e.setNow(nine.Add(2 * time.Hour).UTC())
	adv := e.client().login("advisor@test.local") // signed in after the clock moved, so the session is fresh
	must(t, adv.post(path+"/outcome", url.Values{"outcome": {"done"}}), http.StatusSeeOther)
	must(t, adv.get(path), http.StatusOK, "Thay đổi kể từ buổi tư vấn", "khi doanh nghiệp đánh giá lại")
	after := before
	after.Pillars = []scoring.PillarScore{{PillarID: "data", Score: 40, Scored: true}, {PillarID: "strategy", Score: 25, Scored: true}}
	if err := e.st.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: e.fx.GoDuc.ID, Result: after, SubmittedAt: nine.Add(30 * 24 * time.Hour).UTC()}}); err != nil {
		t.Fatal(err)
	}
	e.setNow(nine.Add(31 * 24 * time.Hour).UTC())
	adv = e.client().login("advisor@test.local") // the clock moved past the session's life
	for _, c := range []*client{adv, e.client().login("firm@test.local"), e.client().login("admin@test.local")} {
		must(t, c.get(path), http.StatusOK, "Thay đổi kể từ buổi tư vấn", "+25,0", "-5,0", "24/12/2026", `class="delta-up"`)
	}
	must(t, adv.get("/bookings"), http.StatusOK, "Tiến bộ của các doanh nghiệp tôi đã tư vấn", "+25,0")
	must(t, e.client().login("admin@test.local").get("/bookings"), http.StatusOK, "mọi chuyên gia", "+25,0")
	subs, _ := e.st.Submissions(ctx, e.fx.GoDuc.ID)
	must(t, e.client().login("firm@test.local").get(fmt.Sprintf("/assessment/%d/result", subs[0].ResponseID)), http.StatusOK,
		"Thay đổi kể từ buổi tư vấn", "+25,0")
	_ = advisors.Zone
}

// setNow moves the portal's one clock (the store's, the web layer's) to t.
func (e *env) setNow(t time.Time) { e.fx.Clock.Set(t) }
