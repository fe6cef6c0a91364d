package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"dxready/auth"
	"dxready/store"
)

const (
	profileLink = "https://meet.example.org/chuyen-gia?pwd=AbC123"
	ownLink     = "https://zoom.example/j/98765"
)

// setProfileLink has the advisor save their profile with link, through
// the profile form.
func setProfileLink(t *testing.T, e *env, adv *client, link string) resp {
	t.Helper()
	v := profileValues("08:00-11:45, 13:30-17:00")
	for _, d := range []string{"hours_2", "hours_3", "hours_4", "hours_5"} {
		v.Set(d, "08:00-11:45, 13:30-17:00")
	}
	v.Set("onsite", "1")
	v.Set("meeting_url", link)
	return adv.post(fmt.Sprintf("/advisors/%d/edit", e.fx.Advisor.ID), v)
}

// addFirmUser adds an active, verified user of firm f (kho: another
// association's firm).
func addFirmUser(t *testing.T, e *env, email string, firmID int64, lang string) {
	t.Helper()
	u := &auth.User{Email: email, Name: "Người dùng " + email, Role: auth.RoleFirm, Status: auth.StatusActive, FirmID: firmID, Lang: lang,
		PasswordHash: e.fx.FirmUser.PasswordHash, EmailVerified: true}
	if err := e.st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
}

// The advisor's profile refuses every link that is not a web address over
// https, and keeps a good one.
func TestAdvisorProfileMeetingLink(t *testing.T) {
	e := newEnv(t)
	adv := e.client().login("advisor@test.local")
	for link, msg := range map[string]string{
		"javascript:alert(document.cookie)":                    "phải bắt đầu bằng https://",
		"data:text/html,<script>x</script>":                    "phải bắt đầu bằng https://",
		"http://meet.example.org/x":                            "phải bắt đầu bằng https://",
		"https://an:matkhau@meet.example.org":                  "không được chứa tên đăng nhập",
		"meet.example.org/abc":                                 "Hãy dán đầy đủ đường dẫn họp",
		"https://meet.example.org/" + strings.Repeat("x", 600): "dài quá",
	} {
		must(t, setProfileLink(t, e, adv, link), http.StatusUnprocessableEntity, msg)
		if a, _ := e.st.FindAdvisor(ctx, e.fx.Advisor.ID); a.MeetingURL != "" {
			t.Fatalf("%q was saved", link)
		}
	}
	must(t, setProfileLink(t, e, adv, "  "+profileLink+" "), http.StatusSeeOther)
	if a, _ := e.st.FindAdvisor(ctx, e.fx.Advisor.ID); a.MeetingURL != profileLink {
		t.Fatalf("saved %q", a.MeetingURL)
	}
	must(t, adv.get(fmt.Sprintf("/advisors/%d/edit", e.fx.Advisor.ID)), http.StatusOK, profileLink)
	// Firms see the advisor's public page, never the link: it is for those booked.
	if strings.Contains(e.client().login("firm@test.local").get(fmt.Sprintf("/advisors/%d", e.fx.Advisor.ID)).body, "meet.example.org") {
		t.Fatal("the advisor's public page shows the meeting link")
	}
}

// The link of an online booking is on its page, in its .ics (URL and
// LOCATION) and in the confirmation to the firm and the advisor; the
// advisor replaces it for this booking and the firm is told (the advisor,
// who made the change, is not), with a new calendar entry of the same UID.
func TestMeetingLinkReachesTheParties(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BaseURL = "https://dxready.example.vn" })
	adv := e.client().login("advisor@test.local")
	must(t, setProfileLink(t, e, adv, profileLink), http.StatusSeeOther)
	e.fx.AdvisorProfile.MeetingURL = profileLink // bookNine saves the fixture's profile with its hours
	path, _ := bookNine(t, e)
	id := bookingIDOf(t, path)
	firm := e.client().login("firm@test.local")
	must(t, firm.get(path), http.StatusOK, `id="meeting-link"`, profileLink)
	if strings.Contains(firm.get(path).body, `id="meeting"`) {
		t.Fatal("the firm is offered the advisor's link form")
	}
	ics := unfold(firm.get(path + "/calendar.ics").body)
	uid := fmt.Sprintf("UID:booking-%d@dxready.example.vn\r\n", id)
	for _, want := range []string{"\r\nURL:" + profileLink + "\r\n", "\r\nLOCATION:" + profileLink + "\r\n", uid} {
		if !strings.Contains(ics, want) {
			t.Fatalf("the .ics lacks %q:\n%s", want, ics)
		}
	}
	out, _ := e.st.Outbox(ctx, 10)
	if len(out) != 2 {
		t.Fatalf("outbox: %d", len(out))
	}
	for _, m := range out {
		if !strings.Contains(m.Body, "Tham gia trực tuyến: "+profileLink) {
			t.Errorf("the confirmation to %s lacks the link:\n%s", m.To, m.Body)
		}
	}

	// The advisor's own link for this booking: checked like the profile's.
	must(t, adv.get(path), http.StatusOK, `id="meeting"`, profileLink)
	must(t, adv.post(path+"/link", url.Values{"meeting_url": {"javascript:alert(1)"}}), http.StatusUnprocessableEntity, "https://")
	must(t, firm.post(path+"/link", url.Values{"meeting_url": {ownLink}}), http.StatusForbidden)
	must(t, adv.post(path+"/link", url.Values{"meeting_url": {ownLink}}), http.StatusSeeOther)
	must(t, firm.get(path), http.StatusOK, ownLink)
	ics = unfold(firm.get(path + "/calendar.ics").body)
	if !strings.Contains(ics, "URL:"+ownLink+"\r\n") || !strings.Contains(ics, uid) || !strings.Contains(ics, "SEQUENCE:1\r\n") {
		t.Fatalf("after the change:\n%s", ics)
	}
	msgs := byKind(t, e, "booking.link")
	if len(msgs) != 1 || msgs[0].To != "firm@test.local" { // the advisor made the change: only the firm is told
		t.Fatalf("link messages: %+v", msgs)
	}
	att := attachments(t, e)
	for _, m := range msgs {
		if !strings.Contains(m.Body, ownLink) || !strings.Contains(unfold(string(att[m.ID])), "URL:"+ownLink) {
			t.Errorf("the link message to %s:\n%s", m.To, m.Body)
		}
	}
	// The same link again changes nothing and sends nothing.
	must(t, adv.post(path+"/link", url.Values{"meeting_url": {ownLink}}), http.StatusSeeOther)
	if n := len(byKind(t, e, "booking.link")); n != 1 {
		t.Fatalf("link messages after the same link again: %d", n)
	}
}

// ATTACK: the link is the parties' only. Another firm, a lead and a
// stranger get neither the page, nor the .ics, nor the form; another
// advisor neither.
func TestMeetingLinkStaysWithTheParties(t *testing.T) {
	e := newEnv(t)
	path, _ := bookNine(t, e)
	adv := e.client().login("advisor@test.local")
	must(t, setProfileLink(t, e, adv, profileLink), http.StatusSeeOther)
	addFirmUser(t, e, "kho@test.local", e.fx.Kho.ID, "vi")
	e.addBookableAdvisor(t, 2)
	for name, c := range map[string]*client{"another firm": e.client().login("kho@test.local"), "lead": e.client().login("lead@test.local"),
		"another advisor": e.client().login("advisor2@test.local"), "stranger": e.client()} {
		for _, p := range []string{path, path + "/calendar.ics"} {
			r := c.get(p)
			if r.status == http.StatusOK || strings.Contains(r.body, "meet.example.org") {
				t.Errorf("%s: %s answered %d with the link", name, p, r.status)
			}
		}
		if r := c.post(path+"/link", url.Values{"meeting_url": {"https://evil.example/x"}}); r.status == http.StatusSeeOther &&
			!strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Errorf("%s set the link: %d", name, r.status)
		}
	}
	if b, _ := e.st.FindBooking(ctx, bookingIDOf(t, path)); b.MeetingURL != "" {
		t.Fatalf("the link became %q", b.MeetingURL)
	}
	// The Center sees it.
	must(t, e.client().login("admin@test.local").get(path), http.StatusOK, profileLink)
}

// An onsite consultation has no meeting link anywhere, even when the
// advisor has one.
func TestOnsiteBookingHasNoLink(t *testing.T) {
	e := newEnv(t)
	adv := e.client().login("advisor@test.local")
	must(t, setProfileLink(t, e, adv, profileLink), http.StatusSeeOther)
	e.fx.AdvisorProfile.MeetingURL = profileLink
	nine := nineOClock(t, e)
	v := bookValues(nine, "", "data")
	v.Set("mode", "onsite")
	r := e.client().login("firm@test.local").post(fmt.Sprintf("/advisors/%d/book", e.fx.Advisor.ID), v)
	must(t, r, http.StatusSeeOther)
	path := r.header.Get("Location")
	firm := e.client().login("firm@test.local")
	if body := firm.get(path).body + firm.get(path+"/calendar.ics").body; strings.Contains(body, "meet.example.org") {
		t.Fatal("an onsite booking shows the link")
	}
	must(t, adv.post(path+"/link", url.Values{"meeting_url": {ownLink}}), http.StatusConflict, "tại doanh nghiệp")
}

// Each recipient's calendar entry is in their language: an English firm
// user's message and download are titled in English, the Vietnamese
// advisor's in Vietnamese; the booking page's link names its language.
func TestICSSpeaksTheRecipientsLanguage(t *testing.T) {
	e := newEnv(t)
	if err := e.st.SetUserLang(ctx, e.fx.FirmUser.ID, "en"); err != nil {
		t.Fatal(err)
	}
	path, _ := bookNine(t, e)
	att := attachments(t, e)
	for _, m := range byKind(t, e, "booking.confirmed") {
		ics := unfold(string(att[m.ID]))
		want := map[string]string{"firm@test.local": "SUMMARY:Digital transformation consultation", "advisor@test.local": "SUMMARY:Tư vấn chuyển đổi số"}[m.To]
		if !strings.Contains(ics, want) {
			t.Errorf("%s's .ics lacks %q:\n%s", m.To, want, ics)
		}
	}
	firm := e.client().login("firm@test.local")
	// No language cookie (a calendar app): the account's language.
	must(t, firm.get(path+"/calendar.ics"), http.StatusOK, "SUMMARY:Digital transformation consultation")
	// From the page in Vietnamese: the page's language.
	must(t, firm.get(path+"?lang=vi"), http.StatusOK, "/calendar.ics?lang=vi")
	must(t, firm.get(path+"/calendar.ics?lang=vi"), http.StatusOK, "SUMMARY:Tư vấn chuyển đổi số")
}

// The UID is the booking's on this deployment: two base URLs give two
// UIDs; a change keeps it.
func TestICSUIDPerDeployment(t *testing.T) {
	uids := map[string]bool{}
	for _, base := range []string{"https://dxready.example.vn", "https://test.dxready.example.vn:8443"} {
		e := newEnv(t, func(c *Config) { c.BaseURL = base })
		path, nine := bookNine(t, e)
		firm := e.client().login("firm@test.local")
		uid := uidOf(t, firm.get(path+"/calendar.ics").body)
		must(t, firm.post(path+"/reschedule", url.Values{"start": {fmt.Sprint(nine.Add(75 * time.Minute).Unix())}, "reason": {"bận"}}), http.StatusSeeOther)
		if again := uidOf(t, firm.get(path+"/calendar.ics").body); again != uid {
			t.Fatalf("the UID changed with the booking: %q → %q", uid, again)
		}
		if strings.Contains(uid, "@dxready\r") || !strings.Contains(uid, strings.TrimPrefix(base, "https://")) {
			t.Fatalf("UID %q for %s", uid, base)
		}
		uids[uid] = true
	}
	if len(uids) != 2 {
		t.Fatalf("two deployments share a UID: %v", uids)
	}
}

func uidOf(t *testing.T, ics string) string {
	t.Helper()
	for _, l := range strings.Split(unfold(ics), "\r\n") {
		if strings.HasPrefix(l, "UID:") {
			return l
		}
	}
	t.Fatalf("no UID in\n%s", ics)
	return ""
}

// byKind are the outbox's messages of kind.
func byKind(t *testing.T, e *env, kind string) []store.Message {
	t.Helper()
	out, err := e.st.Outbox(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var ms []store.Message
	for _, m := range out {
		if m.Kind == kind {
			ms = append(ms, m)
		}
	}
	return ms
}

// attachments are the attachments of the outbox's unsent messages, by
// message ID (read once per test: reading claims them).
func attachments(t *testing.T, e *env) map[int64][]byte {
	t.Helper()
	ms, err := e.st.ClaimDue(ctx, 200, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64][]byte{}
	for _, m := range ms {
		out[m.ID] = m.Attachment
	}
	return out
}
