package web

import (
	"net/http"
	"time"

	"dxready/advisors"
	"dxready/auth"
	"dxready/store"
)

// meetingView is what the booking page shows of the meeting link: the
// link itself to the booking's parties (its firm, its advisor, the Center:
// whoever auth.Can lets see the booking), and the advisor's form to set
// the booking's own.
type meetingView struct {
	Link       string // the link that applies (advisors.MeetingLink); "" none
	CanSet     bool   // the user may set the booking's own link now
	AdvisorURL string // the advisor's profile link, which an empty field falls back to
	Pending    bool   // an online consultation still without a link, seen by one who cannot set it: say how it will come
}

// meetingOf is b's meeting link for u; nothing for anyone auth.Can does
// not let see the booking, whatever page asks.
func meetingOf(u *auth.User, b *store.Booking, now func() time.Time) meetingView {
	if !auth.Can(u, auth.ActBookingView, bookingTarget(b)) {
		return meetingView{}
	}
	v := meetingView{Link: b.Link(), AdvisorURL: b.AdvisorURL}
	v.CanSet = b.Mode == "online" && advisors.CanChange(b.Rule(), advisors.OpLink, bookingActor(u, b).Party, now()) == nil
	v.Pending = b.Mode == "online" && v.Link == "" && b.Status == store.BookingConfirmed && !v.CanSet
	return v
}

// bookingLinkPost sets the booking's own meeting link (its advisor or the
// Center); an empty field goes back to the advisor's profile link. The
// firm and the advisor are told, with the calendar entry updated.
func (s *Server) bookingLinkPost(w http.ResponseWriter, r *http.Request) {
	f, b, by, ok := s.bookingChange(w, r, advisors.OpLink, "meeting_url")
	if !ok {
		return
	}
	if b.Mode != "online" {
		s.renderBooking(w, r, http.StatusConflict, b, f, s.loc(r).T("error.meeting.not_online"))
		return
	}
	link, err := advisors.CheckMeetingLink(f.Get("meeting_url"))
	if err != nil {
		f.Fail("meeting_url", err.Error())
		s.renderBooking(w, r, http.StatusUnprocessableEntity, b, f, "")
		return
	}
	if _, err := s.store.SetMeetingLink(r.Context(), b.ID, by, link); err != nil {
		s.bookingFail(w, r, b, f, err)
		return
	}
	s.composeAfterCommit(r.Context(), b.ID)
	s.redirect(w, r, bookingURL(b.ID, "#meeting"), "flash.meeting_saved")
}
