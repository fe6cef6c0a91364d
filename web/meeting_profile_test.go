package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"dxready/store"
)

// An online booking made before the advisor had a link says on its page
// how the link will come. When the advisor then sets the link on their
// profile, the firm gets the "booking.link" message in its own language
// with the new calendar entry; the advisor, who made the change, gets
// nothing. A second change is news again; saving the profile with the same
// link is not; a booking with its own link does not follow the profile.
func TestProfileLinkTellsUpcomingBookings(t *testing.T) {
	e := newEnv(t)
	if err := e.st.SetUserLang(ctx, e.fx.FirmUser.ID, "en"); err != nil {
		t.Fatal(err)
	}
	path, _ := bookNine(t, e)
	firm, adv := e.client().login("firm@test.local"), e.client().login("advisor@test.local")
	must(t, firm.get(path+"?lang=vi"), http.StatusOK, `id="meeting-pending"`, "Chuyên gia sẽ đặt đường dẫn họp trực tuyến")
	must(t, firm.get(path+"?lang=en"), http.StatusOK, "The advisor will set the online meeting link. It will appear on this page and come to you by message.")
	if strings.Contains(adv.get(path).body, `id="meeting-pending"`) {
		t.Fatal("the advisor, who sets the link, is told to wait for it")
	}

	must(t, setProfileLink(t, e, adv, profileLink), http.StatusSeeOther)
	msgs := byKind(t, e, "booking.link")
	if len(msgs) != 1 || msgs[0].To != "firm@test.local" || msgs[0].Lang != "en" {
		t.Fatalf("after the profile link: %+v", msgs)
	}
	if !strings.Contains(msgs[0].Body, profileLink) || !strings.Contains(msgs[0].Body, "has updated the online meeting link") {
		t.Fatalf("the message:\n%s", msgs[0].Body)
	}
	ics := unfold(string(attachments(t, e)[msgs[0].ID]))
	if !strings.Contains(ics, "URL:"+profileLink+"\r\n") || !strings.Contains(ics, "SEQUENCE:1\r\n") {
		t.Fatalf("the calendar entry:\n%s", ics)
	}
	if strings.Contains(firm.get(path).body, `id="meeting-pending"`) {
		t.Fatal("the page still waits for a link it has")
	}

	// The same link again: nothing. Another link: news, with the next sequence.
	must(t, setProfileLink(t, e, adv, profileLink), http.StatusSeeOther)
	if n := len(byKind(t, e, "booking.link")); n != 1 {
		t.Fatalf("the same profile link again sent messages: %d", n)
	}
	const other = "https://meet.example.org/phong-moi"
	must(t, setProfileLink(t, e, adv, other), http.StatusSeeOther)
	if msgs = byKind(t, e, "booking.link"); len(msgs) != 2 || !strings.Contains(msgs[0].Body+msgs[1].Body, other) {
		t.Fatalf("after a second link: %+v", msgs)
	}

	// A booking with its own link keeps it: the profile's changes are not its news.
	must(t, adv.post(path+"/link", url.Values{"meeting_url": {ownLink}}), http.StatusSeeOther)
	before := len(byKind(t, e, "booking.link"))
	must(t, setProfileLink(t, e, adv, profileLink), http.StatusSeeOther)
	if n := len(byKind(t, e, "booking.link")); n != before {
		t.Fatalf("a booking with its own link was told of the profile's: %d → %d", before, n)
	}
	for _, m := range byKind(t, e, "booking.link") {
		if m.To == "advisor@test.local" {
			t.Fatalf("the advisor was told of their own change: %s", m.Body)
		}
	}
	if b, _ := e.st.FindBooking(ctx, bookingIDOf(t, path)); b.Status != store.BookingConfirmed || b.Link() != ownLink {
		t.Fatalf("booking: %s %q", b.Status, b.Link())
	}
}

// The advisor's schedule says of each consultation whether it is online or
// at the firm: they need to know where to be.
func TestScheduleShowsWhereTheConsultationIs(t *testing.T) {
	e := newEnv(t)
	_, nine := bookNine(t, e)
	week := "/schedule?week=" + nine.In(time.FixedZone("ICT", 7*3600)).Format("2006-01-02")
	must(t, e.client().login("advisor@test.local").get(week), http.StatusOK, `<span class="mode">Trực tuyến</span>`)
}
