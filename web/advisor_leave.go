package web

import (
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"dxready/advisors"
	"dxready/auth"
	"dxready/locale"
	"dxready/store"
)

// maxLeaveDays is the longest absence one entry may hold.
const maxLeaveDays = 366

// leaveLabel is "24/12/2026 – 02/01/2027" for whole local days (the end
// is exclusive: the day after the last day off).
func leaveLabel(p advisors.Period, loc *locale.Localizer) string {
	last := p.End.Add(-time.Second)
	if loc.Date(p.Start) == loc.Date(last) {
		return loc.Date(p.Start)
	}
	return loc.Date(p.Start) + " – " + loc.Date(last)
}

// advisorLeavePost records whole days off, from one local date to another
// inclusive. Days holding confirmed consultations are refused: those must
// be moved or cancelled first, so no firm is left with an advisor away.
func (s *Server) advisorLeavePost(w http.ResponseWriter, r *http.Request) {
	lf, ok := s.parseForm(w, r, "from", "to", "note")
	if !ok {
		return
	}
	adv, err := s.loadAdvisorFor(r, auth.ActAdvisorProfile)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	from, err1 := time.ParseInLocation(time.DateOnly, lf.Get("from"), advisors.Zone)
	to, err2 := time.ParseInLocation(time.DateOnly, lf.Get("to"), advisors.Zone)
	y, m, d := s.now().In(advisors.Zone).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, advisors.Zone)
	switch {
	case err1 != nil:
		lf.Fail("from", "error.leave.date")
	case err2 != nil:
		lf.Fail("to", "error.leave.date")
	case to.Before(from):
		lf.Fail("to", "error.leave.order")
	case from.Before(today):
		lf.Fail("from", "error.leave.past")
	case to.Sub(from) >= maxLeaveDays*24*time.Hour:
		lf.Fail("to", "error.leave.too_long")
	}
	if utf8.RuneCountInString(lf.Get("note")) > 200 {
		lf.Fail("note", "error.leave.note_long")
	}
	status := http.StatusUnprocessableEntity
	var p advisors.Period
	if lf.Valid() {
		p = advisors.Period{Start: from.UTC(), End: to.AddDate(0, 0, 1).UTC()}
		held, err := s.store.Bookings(r.Context(), store.BookingFilter{AdvisorID: adv.ID, From: p.Start.Add(-24 * time.Hour), To: p.End,
			Statuses: []string{store.BookingConfirmed}})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, b := range held {
			if b.Start.Before(p.End) && p.Start.Before(b.End) {
				lf.Fail("from", "error.leave.bookings")
				status = http.StatusConflict
				break
			}
		}
	}
	if !lf.Valid() {
		s.renderAdvisorEdit(w, r, status, adv, advisorFormOf(adv), lf)
		return
	}
	if err := s.store.AddLeave(r.Context(), adv.ID, p, lf.Get("note")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, advisorEditURL(adv.ID)+"#leave", "flash.leave_added")
}

// advisorLeaveDeletePost removes one absence; its days become bookable.
func (s *Server) advisorLeaveDeletePost(w http.ResponseWriter, r *http.Request) {
	adv, err := s.loadAdvisorFor(r, auth.ActAdvisorProfile)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("leave"), 10, 64)
	if err != nil {
		s.fail(w, r, store.ErrNotFound)
		return
	}
	if err := s.store.DeleteLeave(r.Context(), adv.ID, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, advisorEditURL(adv.ID)+"#leave", "flash.leave_removed")
}
