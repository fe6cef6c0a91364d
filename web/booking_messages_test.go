package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

// logBuffer collects what the server logs, safely across goroutines.
type logBuffer = storetest.LogBuffer

func (e *env) captureLog() *logBuffer {
	lb := &logBuffer{}
	e.web.log = slog.New(slog.NewTextHandler(lb, nil))
	return lb
}

// failComposing makes the next n compositions fail as a database read
// would, then composes normally.
func (e *env) failComposing(n int) {
	real := e.web.bookingEventMessages
	var mu sync.Mutex
	e.web.composeBooking = func(ctx context.Context, ev store.BookingEvent) ([]*store.Message, error) {
		mu.Lock()
		defer mu.Unlock()
		if n > 0 {
			n--
			return nil, errors.New("recipients: database is locked")
		}
		return real(ctx, ev)
	}
}

// A composition that fails does not lose the booking's messages: the
// booking commits, the failure is logged with the event, and the retry
// worker queues the messages once composing works again, exactly once.
func TestBookingMessagesAreRetried(t *testing.T) {
	e := newEnv(t)
	logs := e.captureLog()
	e.failComposing(2)
	path, _ := bookNine(t, e)
	id := bookingIDOf(t, path)
	if _, err := e.st.FindBooking(ctx, id); err != nil {
		t.Fatalf("the booking did not commit: %v", err)
	}
	if out, _ := e.st.Outbox(ctx, 10); len(out) != 0 {
		t.Fatalf("messages queued although composing failed: %d", len(out))
	}
	if l := logs.String(); !strings.Contains(l, "compose booking messages") || !strings.Contains(l, fmt.Sprintf("booking=%d", id)) ||
		!strings.Contains(l, "database is locked") || !strings.Contains(l, "level=ERROR") {
		t.Fatalf("the failure is not logged:\n%s", l)
	}
	// Not due again at once: it waits 30 s, then 60 s.
	if n, err := e.web.ComposeBookingMessages(ctx, 0); n != 0 || err != nil {
		t.Fatalf("retried before its time: %d %v", n, err)
	}
	e.setNow(storetest.Clock.Add(31 * time.Second))
	if n, err := e.web.ComposeBookingMessages(ctx, 0); n != 0 || err == nil {
		t.Fatalf("second failure: %d %v", n, err)
	}
	if !strings.Contains(logs.String(), "attempt=2") {
		t.Fatalf("the second attempt is not logged:\n%s", logs.String())
	}
	// The worker, running as serve runs it, queues the messages once due.
	e.setNow(storetest.Clock.Add(2 * time.Minute))
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { e.web.RunBookingMessages(runCtx); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	var out []store.Message
	for time.Now().Before(deadline) {
		if out, _ = e.st.Outbox(ctx, 10); len(out) == 2 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the worker did not stop")
	}
	if len(out) != 2 || out[0].Kind != "booking.confirmed" || out[1].Kind != "booking.confirmed" {
		t.Fatalf("after the retry: %d messages", len(out))
	}
	if n, err := e.web.ComposeBookingMessages(ctx, 0); n != 0 || err != nil {
		t.Fatalf("composed again: %d %v", n, err)
	}
	if out, _ = e.st.Outbox(ctx, 10); len(out) != 2 {
		t.Fatalf("%d messages after another pass", len(out))
	}
}

// Every committed change ends with its messages queued: a booking, a move
// and a cancellation, each composed after its commit.
func TestEveryCommittedChangeQueuesItsMessages(t *testing.T) {
	e := newEnv(t)
	path, nine := bookNine(t, e)
	firm := e.client().login("firm@test.local")
	next := nine.Add(75 * time.Minute)
	must(t, firm.post(path+"/reschedule", bookValues(next, "")), http.StatusSeeOther)
	must(t, firm.post(path+"/cancel", map[string][]string{"reason": {"Đổi kế hoạch"}}), http.StatusSeeOther)
	if got := kinds(t, e); got["booking.confirmed"] != 2 || got["booking.changed"] != 2 || got["booking.cancelled"] != 2 {
		t.Fatalf("messages: %v", got)
	}
	if due, _ := e.st.DueBookingEvents(ctx, 0, 10); len(due) != 0 {
		t.Fatalf("changes left uncomposed: %+v", due)
	}
	// The move's message describes the move, though composed from its row.
	out, _ := e.st.Outbox(ctx, 10)
	for _, m := range out {
		if m.Kind == "booking.changed" && !strings.Contains(m.Subject, "10:15–11:15") {
			t.Errorf("changed message: %q", m.Subject)
		}
	}
}

// forgeHost sends req with the Host header evil.example and c's session
// cookie (the client sends cookies only to the host it believes it talks
// to).
func forgeHost(c *client, req *http.Request) {
	for _, ck := range c.c.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	req.Host = "evil.example"
}

// unfold undoes RFC 5545 line folding.
func unfold(ics string) string { return strings.ReplaceAll(ics, "\r\n ", "") }

var linkRE = regexp.MustCompile(`https?://[^\s/]+/bookings/\d+`)

// Links in messages and calendar files point at --base-url, or without
// it the configured listen address, whatever Host a request claims.
func TestMailLinksIgnoreTheHostHeader(t *testing.T) {
	e := newEnv(t)
	e.web.cfg.ListenAddr = "127.0.0.1:8080"
	firm := e.client().login("firm@test.local")
	nine := nineOClock(t, e)
	req, _ := http.NewRequest("POST", e.srv.URL+fmt.Sprintf("/advisors/%d/book", e.fx.Advisor.ID), strings.NewReader(bookValues(nine, "", "data").Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	forgeHost(firm, req)
	r := firm.do(req)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/bookings/") {
		t.Fatalf("booking with a forged Host: %d %s", r.status, r.header.Get("Location"))
	}
	out, _ := e.st.Outbox(ctx, 10)
	if len(out) != 2 {
		t.Fatalf("%d messages", len(out))
	}
	for _, m := range out {
		links := linkRE.FindAllString(m.Body, -1) // the outbox list leaves attachments out; the .ics is read below
		if len(links) != 1 || strings.Contains(m.Body, "evil") {
			t.Fatalf("links %v in %s", links, m.Body)
		}
		for _, l := range links {
			if !strings.HasPrefix(l, "http://127.0.0.1:8080/bookings/") {
				t.Fatalf("link %s", l)
			}
		}
	}
	claimed, _ := e.st.ClaimDue(ctx, 10, time.Minute) // with their .ics
	for _, m := range claimed {
		if ics := unfold(string(m.Attachment)); !strings.Contains(ics, "http://127.0.0.1:8080/bookings/") || strings.Contains(ics, "evil") {
			t.Fatalf("attached .ics:\n%s", ics)
		}
	}
	if len(claimed) != 2 {
		t.Fatalf("%d claimed", len(claimed))
	}
	e.web.cfg.BaseURL = "https://dxready.example.vn/"
	req, _ = http.NewRequest("GET", e.srv.URL+r.header.Get("Location")+"/calendar.ics", nil)
	forgeHost(firm, req)
	ics := firm.do(req)
	must(t, ics, http.StatusOK)
	if !strings.Contains(unfold(ics.body), "https://dxready.example.vn/bookings/") || strings.Contains(unfold(ics.body), "evil") {
		t.Fatal("the calendar file links to the forged host")
	}
}

var sharedRE = regexp.MustCompile(`href="(/assessment/\d+/result)" id="shared-result"`)

// The advisor follows the booking page's link to the result it shares and
// reads it; another advisor, and the advisor once the booking is
// cancelled, get 404 as for any result not theirs to see.
func TestAdvisorOpensTheSharedResult(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	res := scoring.Result{Instrument: in.Key(), Overall: 42, Level: 2, Pillars: []scoring.PillarScore{{PillarID: "data", Score: 42, Scored: true}}}
	if err := e.st.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: e.fx.GoDuc.ID, Result: res, SubmittedAt: storetest.Clock.Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	path, _ := bookNine(t, e)
	firm := e.client().login("firm@test.local")
	adv := e.client().login("advisor@test.local")
	m := sharedRE.FindStringSubmatch(adv.get(path).body)
	if m == nil {
		t.Fatal("the booking page shows the advisor no shared result")
	}
	must(t, adv.get(m[1]), http.StatusOK, "Kết quả tự đánh giá", `id="level-name"`)
	must(t, firm.get(m[1]), http.StatusOK, "Kết quả tự đánh giá")
	other := e.addBookableAdvisor(t, 2)
	must(t, e.client().login(other.Email).get(m[1]), http.StatusNotFound)
	must(t, e.client().login("lead@test.local").get(m[1]), http.StatusNotFound)
	must(t, firm.post(path+"/cancel", map[string][]string{"reason": {"Đổi kế hoạch"}}), http.StatusSeeOther)
	must(t, adv.get(m[1]), http.StatusNotFound)
	if sharedRE.MatchString(adv.get(path).body) {
		t.Fatal("a cancelled booking still links the advisor to the result")
	}
}

var scheduleLinkRE = regexp.MustCompile(`<a href="(/schedule[^"]*)"[^>]*>`)

// The Center's links on another advisor's schedule (previous, next, this
// week, each day) open that advisor's schedule at the week or day they
// name.
func TestScheduleLinksOfTheCenter(t *testing.T) {
	e := newEnv(t)
	bookNine(t, e)
	admin := e.client().login("admin@test.local")
	start := fmt.Sprintf("/schedule?advisor=%d&week=2026-11-24", e.fx.Advisor.ID)
	page := admin.get(start)
	must(t, page, http.StatusOK, "Chuyên gia", "Tuần 23/11/2026 – 29/11/2026")
	links := scheduleLinkRE.FindAllStringSubmatch(page.body, -1)
	if len(links) != 3+7 {
		t.Fatalf("%d schedule links", len(links))
	}
	want := map[string]string{
		fmt.Sprintf("/schedule?advisor=%d&amp;week=2026-11-16", e.fx.Advisor.ID): "Tuần 16/11/2026 – 22/11/2026",
		fmt.Sprintf("/schedule?advisor=%d&amp;week=2026-11-30", e.fx.Advisor.ID): "Tuần 30/11/2026 – 06/12/2026",
		fmt.Sprintf("/schedule?advisor=%d", e.fx.Advisor.ID):                     "Tuần 16/11/2026 – 22/11/2026",
		fmt.Sprintf("/schedule?advisor=%d&amp;day=2026-11-24", e.fx.Advisor.ID):  "Thứ Ba, 24/11/2026",
	}
	for _, l := range links {
		href := strings.ReplaceAll(l[1], "&amp;", "&")
		if strings.Contains(href, "%3d") || strings.Contains(href, "%26") {
			t.Fatalf("escaped query in %s", l[1])
		}
		r := admin.get(href)
		must(t, r, http.StatusOK, fmt.Sprintf("Lịch làm việc: %s", e.fx.Advisor.Name))
		if heading, ok := want[l[1]]; ok {
			must(t, r, http.StatusOK, `id="schedule-heading">`+heading)
			delete(want, l[1])
		}
	}
	if len(want) != 0 {
		t.Fatalf("links not found: %v", want)
	}
	// The advisor's own links carry no advisor parameter.
	own := e.client().login("advisor@test.local").get("/schedule?week=2026-11-24")
	for _, l := range scheduleLinkRE.FindAllStringSubmatch(own.body, -1) {
		if strings.Contains(l[1], "advisor=") {
			t.Fatalf("own schedule link %s", l[1])
		}
	}
}
