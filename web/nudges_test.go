package web

import (
	"database/sql"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"dxready/nudge"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

const nudgeBase = "https://dxready.example.vn"

// draftNow starts GoDuc's shared draft at the clock's time.
func draftNow(t *testing.T, e *env) *survey.Response {
	t.Helper()
	d, err := e.st.Draft(ctx, e.fx.GoDuc.ID, storetest.Instrument(t), survey.Profile{Section: "C", Size: string(e.fx.GoDuc.SizeClass)}, e.fx.FirmUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// nudgesOf returns the outbox's messages of kind ("nudge.draft"…).
func nudgesOf(t *testing.T, e *env, kind string) []store.Message {
	t.Helper()
	all, err := e.st.Outbox(ctx, 500)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Message
	for _, m := range all {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

func runNudges(t *testing.T, s *Server) map[nudge.Kind]int {
	t.Helper()
	n, err := s.QueueNudges(ctx, nudgeBase)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var stopRE = regexp.MustCompile(`/nudges/stop/([A-Za-z0-9_-]+)`)

// A draft untouched for 7 days gets one reminder, in the user's language,
// with its opt-out link in the text and the RFC 8058 header: not before the
// 7 days, not twice however often the worker runs, not after a restart
// (a new Server on the same database), not even when its cursor is lost,
// and not again when the draft is touched and left for 7 more days (the cap).
func TestDraftReminderIsSentOnce(t *testing.T) {
	e := newEnv(t)
	d := draftNow(t, e)
	e.fx.Clock.Add(nudge.StaleAfter - time.Minute)
	if n := runNudges(t, e.web); n[nudge.Draft] != 0 {
		t.Fatalf("a reminder before 7 days: %v", n)
	}
	e.fx.Clock.Add(2 * time.Minute)
	for range 10 {
		runNudges(t, e.web)
	}
	restarted := newEnvOn(t, e)
	runNudges(t, restarted)
	db, err := sql.Open("sqlite", "file:"+e.st.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("DELETE FROM nudge_cursors"); err != nil {
		t.Fatal(err)
	}
	runNudges(t, restarted)
	ms := nudgesOf(t, e, "nudge.draft")
	if len(ms) != 1 {
		t.Fatalf("%d draft reminders after 12 runs and a restart, want 1", len(ms))
	}
	m := ms[0]
	if m.To != "firm@test.local" || m.Lang != "vi" || !strings.Contains(m.Subject, "Bài tự đánh giá") || !strings.Contains(m.Body, "22/11/2026") ||
		!strings.Contains(m.Body, nudgeBase+"/assessment") || !stopRE.MatchString(m.Body) || m.ListUnsubscribe == "" ||
		!strings.Contains(m.Body, m.ListUnsubscribe) {
		t.Fatalf("reminder: %+v", m)
	}
	// Touched again, then left for another 7 days: still one.
	if err := e.st.SaveAnswers(ctx, d.ID, e.fx.GoDuc.ID, map[string]survey.Answer{}, e.fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	e.fx.Clock.Add(nudge.StaleAfter + time.Hour)
	runNudges(t, e.web)
	if n := len(nudgesOf(t, e, "nudge.draft")); n != 1 {
		t.Fatalf("%d reminders for one draft, want 1 (the cap)", n)
	}
}

// newEnvOn is a second portal on e's database: a restart.
func newEnvOn(t *testing.T, e *env) *Server {
	t.Helper()
	cfg := e.web.cfg
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A draft submitted before its 7 days are up gets no reminder, nor does
// one submitted after it was found but before it was decided.
func TestSubmittedDraftGetsNoReminder(t *testing.T) {
	e := newEnv(t)
	d := draftNow(t, e)
	in := storetest.Instrument(t)
	res := scoring.Result{Instrument: in.Key(), Overall: 50, Level: 2, Pillars: []scoring.PillarScore{{PillarID: "customer", Score: 50, Scored: true}}}
	e.fx.Clock.Add(nudge.StaleAfter + time.Hour)
	// Found as a candidate first, submitted before the decision.
	cs, err := e.st.NudgeCandidates(ctx, store.NudgeDraft, store.NudgeWindow{Before: nudge.StaleBefore(e.fx.Clock.Now())}, 0, 10)
	if err != nil || len(cs) != 1 {
		t.Fatalf("candidates: %v %+v", err, cs)
	}
	if err := e.st.SubmitResponse(ctx, d.ID, e.fx.GoDuc.ID, e.fx.FirmUser.ID, d.Version(), res); err != nil {
		t.Fatal(err)
	}
	n, err := e.web.composeNudge(ctx, nudgeBase, cs[0])
	if err != nil {
		t.Fatal(err)
	}
	if q, err := e.st.DecideNudge(ctx, n, nudge.StaleBefore(e.fx.Clock.Now()), nudge.Allowed); err != nil || q != 0 {
		t.Fatalf("a submitted draft was reminded: %d %v", q, err)
	}
	runNudges(t, e.web)
	if ms := nudgesOf(t, e, "nudge.draft"); len(ms) != 0 {
		t.Fatalf("reminders of a submitted draft: %+v", ms)
	}
}

// A user who unticked the reminder on the account page gets none; the
// others of the same kind still do, in their own language (English here).
func TestOptedOutGetsNoNudge(t *testing.T) {
	e := newEnv(t)
	firm := e.client().login("firm@test.local")
	must(t, firm.get("/account"), http.StatusOK, `id="receive-draft"`, "lời nhắc khi bài tự đánh giá còn dang dở")
	must(t, firm.post("/account/nudges", url.Values{"receive_action": {"1"}, "receive_noshow": {"1"}}), http.StatusSeeOther)
	must(t, firm.get("/account"), http.StatusOK, "Đã lưu lựa chọn lời nhắc")
	if err := e.st.SetUserLang(ctx, e.fx.FirmUser.ID, "en"); err != nil {
		t.Fatal(err)
	}
	item := itemDueSoon(t, e)
	draftNow(t, e)
	e.fx.Clock.Add(nudge.StaleAfter + time.Hour)
	runNudges(t, e.web)
	if ms := nudgesOf(t, e, "nudge.draft"); len(ms) != 0 {
		t.Fatalf("an opted-out user was reminded: %+v", ms)
	}
	ms := nudgesOf(t, e, "nudge.action")
	if len(ms) != 1 || ms[0].Lang != "en" || !strings.Contains(ms[0].Subject, "is due on") || !strings.Contains(ms[0].Body, item) ||
		!strings.Contains(ms[0].Body, "reminders of action items due") {
		t.Fatalf("action reminder in English: %+v", ms)
	}
	// Opting in again does not bring back the decided reminder (the cap).
	must(t, firm.post("/account/nudges", url.Values{"receive_draft": {"1"}, "receive_action": {"1"}, "receive_noshow": {"1"}}), http.StatusSeeOther)
	runNudges(t, e.web)
	if ms := nudgesOf(t, e, "nudge.draft"); len(ms) != 0 {
		t.Fatalf("a decided reminder went after opting in again: %+v", ms)
	}
}

// itemDueSoon books, holds and plans a consultation with one firm item due
// two days after the clock's day; it returns the item's text.
func itemDueSoon(t *testing.T, e *env) string {
	t.Helper()
	path, nine := bookNine(t, e)
	e.setNow(nine.Add(90 * time.Minute))
	adv := e.client().login("advisor@test.local")
	must(t, adv.post(path+"/outcome", url.Values{"outcome": {"done"}}), http.StatusSeeOther)
	due := nine.AddDate(0, 0, 2).Format(time.DateOnly)
	must(t, adv.post(path+"/actions", url.Values{"pillar": {"data"}, "text": {"Chọn phần mềm kho"}, "owner": {"firm"}, "due": {due}}), http.StatusSeeOther)
	return "Chọn phần mềm kho"
}

// The opt-out link works signed out, once: it shows what it stops, its
// button (or a mail client's RFC 8058 one-click POST) stops it, and the
// same link again, or a forged one, is refused with a clear message and
// changes nothing.
func TestOptOutLinkWorksOnceAndForgedIsRefused(t *testing.T) {
	e := newEnv(t)
	draftNow(t, e)
	e.fx.Clock.Add(nudge.StaleAfter + time.Hour)
	runNudges(t, e.web)
	ms := nudgesOf(t, e, "nudge.draft")
	if len(ms) != 1 {
		t.Fatalf("%d reminders", len(ms))
	}
	link := "/nudges/stop/" + stopRE.FindStringSubmatch(ms[0].Body)[1]
	anon := e.client()
	must(t, anon.get(link), http.StatusOK, "Dừng nhận lời nhắc khi bài tự đánh giá còn dang dở", `id="nudge-stop"`)
	if out, _ := e.st.NudgeOptOuts(ctx, e.fx.FirmUser.ID); out[store.NudgeDraft] {
		t.Fatal("opening the link (a mail scanner) opted out")
	}
	must(t, anon.post(link, url.Values{"List-Unsubscribe": {"One-Click"}}), http.StatusOK, "Xong: bạn sẽ không nhận lời nhắc khi bài tự đánh giá còn dang dở nữa")
	if out, _ := e.st.NudgeOptOuts(ctx, e.fx.FirmUser.ID); !out[store.NudgeDraft] || out[store.NudgeAction] {
		t.Fatalf("opt-outs after the link: %v", out)
	}
	must(t, anon.post(link, nil), http.StatusGone, "đã được dùng và chỉ dùng được một lần")
	must(t, anon.get(link), http.StatusGone, "đã được dùng")
	forged := link[:len(link)-4] + "AAAA"
	must(t, anon.post(forged, nil), http.StatusNotFound, "Đường dẫn này không hợp lệ")
	must(t, anon.get("/nudges/stop/not-a-token"), http.StatusNotFound, "không hợp lệ")
	if es, _ := e.st.AuditEntries(ctx, "nudge.optout", 10); len(es) != 1 {
		t.Fatalf("audit entries of the opt-out: %+v", es)
	}
}

// An action item due within 3 days is reminded once; a done one is not.
func TestActionItemReminderOncePerItem(t *testing.T) {
	e := newEnv(t)
	itemDueSoon(t, e)
	items, _ := e.st.ActionItemsOfFirm(ctx, e.fx.GoDuc.ID)
	for range 3 {
		runNudges(t, e.web)
	}
	if ms := nudgesOf(t, e, "nudge.action"); len(ms) != 1 || !strings.Contains(ms[0].Body, nudgeBase+"/bookings/") {
		t.Fatalf("action reminders: %+v", ms)
	}
	// A second item, ticked off before it was reminded: nothing more.
	it := &store.ActionItem{BookingID: items[0].BookingID, Pillar: "data", Text: "Sao lưu dữ liệu", Owner: "firm", Due: items[0].Due}
	if err := e.st.AddActionItem(ctx, it, store.Actor{UserID: e.fx.Advisor.ID, Party: "advisor"}); err != nil {
		t.Fatal(err)
	}
	if err := e.st.SetActionItemDone(ctx, it.ID, e.fx.GoDuc.ID, e.fx.FirmUser.ID, true); err != nil {
		t.Fatal(err)
	}
	runNudges(t, e.web)
	if ms := nudgesOf(t, e, "nudge.action"); len(ms) != 1 {
		t.Fatalf("a done item was reminded: %d", len(ms))
	}
}

// After a no-show the firm is offered, once, to book again (the advisor
// list); a firm that has booked again is not.
func TestNoShowOffersToBookAgain(t *testing.T) {
	e := newEnv(t)
	path, nine := bookNine(t, e)
	e.setNow(nine.Add(90 * time.Minute))
	adv := e.client().login("advisor@test.local")
	must(t, adv.post(path+"/outcome", url.Values{"outcome": {"no_show"}}), http.StatusSeeOther)
	e.fx.Clock.Add(time.Hour)
	runNudges(t, e.web)
	runNudges(t, e.web)
	ms := nudgesOf(t, e, "nudge.noshow")
	if len(ms) != 1 || !strings.Contains(ms[0].Body, nudgeBase+"/advisors") || !strings.Contains(ms[0].Body, "24/11/2026") {
		t.Fatalf("no-show offers: %+v", ms)
	}
}

func TestNoShowOfAFirmThatBookedAgainIsNotOffered(t *testing.T) {
	e := newEnv(t)
	path, nine := bookNine(t, e)
	e.setNow(nine.Add(90 * time.Minute))
	adv := e.client().login("advisor@test.local")
	must(t, adv.post(path+"/outcome", url.Values{"outcome": {"no_show"}}), http.StatusSeeOther)
	// Booked again (the following Tuesday) before the worker ran.
	next := nine.AddDate(0, 0, 7)
	must(t, e.client().login("firm@test.local").post(advisorBookPath(e), bookValues(next, "", "data")), http.StatusSeeOther)
	e.fx.Clock.Add(time.Hour)
	runNudges(t, e.web)
	if ms := nudgesOf(t, e, "nudge.noshow"); len(ms) != 0 {
		t.Fatalf("a firm that booked again was offered: %+v", ms)
	}
}

func advisorBookPath(e *env) string {
	return "/advisors/" + strconv.FormatInt(e.fx.Advisor.ID, 10) + "/book"
}
