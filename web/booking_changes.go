package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"dxready/advisors"
	"dxready/auth"
	"dxready/store"
)

// bookingChange parses a form posted to change a booking, loads the
// booking and asks the booking rules whether the user may do op to it now;
// the store asks them again inside its transaction. On false the answer
// has been written.
func (s *Server) bookingChange(w http.ResponseWriter, r *http.Request, op advisors.Op, fields ...string) (*form, *store.Booking, store.Actor, bool) {
	f, ok := s.parseForm(w, r, fields...)
	if !ok {
		return nil, nil, store.Actor{}, false
	}
	b, err := s.loadBooking(r, auth.ActBookingView)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, store.Actor{}, false
	}
	by := bookingActor(currentUser(r), b)
	if err := advisors.CanChange(b.Rule(), op, by.Party, s.now()); err != nil {
		s.bookingFail(w, r, b, f, err)
		return nil, nil, store.Actor{}, false
	}
	if !f.Valid() { // text the text rule refuses (plaintext)
		s.renderBooking(w, r, http.StatusUnprocessableEntity, b, f, "")
		return nil, nil, store.Actor{}, false
	}
	return f, b, by, true
}

// bookingFail answers a refused change in the user's language, with the
// booking as it is now: 403 for a party that never may, 409 for a rule of
// time, state or fair use, or a slot taken meanwhile.
func (s *Server) bookingFail(w http.ResponseWriter, r *http.Request, b *store.Booking, f *form, err error) {
	status, refusal, ok := s.refusal(err, s.loc(r))
	switch {
	case ok && status == http.StatusForbidden:
		s.fail(w, r, errForbidden)
		return
	case ok:
	case errors.Is(err, store.ErrSlotTaken):
		status = http.StatusConflict
		f.Fail("start", "error.booking.taken")
	default:
		s.fail(w, r, err)
		return
	}
	if now, err := s.store.FindBooking(r.Context(), b.ID); err == nil {
		b = now
	}
	s.renderBooking(w, r, status, b, f, refusal)
}

// bookingCancelPost cancels with a reason; the slot is free again at once.
func (s *Server) bookingCancelPost(w http.ResponseWriter, r *http.Request) {
	f, b, by, ok := s.bookingChange(w, r, advisors.OpCancel, "reason")
	if !ok {
		return
	}
	if reason := f.Get("reason"); reason == "" || utf8.RuneCountInString(reason) > maxNote {
		f.Fail("reason", "error.booking.reason")
		s.renderBooking(w, r, http.StatusUnprocessableEntity, b, f, "")
		return
	}
	if _, err := s.store.Cancel(r.Context(), b.ID, by, f.Get("reason")); err != nil {
		s.bookingFail(w, r, b, f, err)
		return
	}
	s.composeAfterCommit(r.Context(), b.ID)
	s.redirect(w, r, bookingURL(b.ID, ""), "flash.booking_cancelled")
}

// bookingReschedulePost moves the booking to another free slot of the
// same advisor.
func (s *Server) bookingReschedulePost(w http.ResponseWriter, r *http.Request) {
	f, b, by, ok := s.bookingChange(w, r, advisors.OpReschedule, "start", "reason")
	if !ok {
		return
	}
	sec, err := strconv.ParseInt(f.Get("start"), 10, 64)
	if err != nil || sec <= 0 {
		f.Fail("start", "error.booking.pick_time")
	}
	if utf8.RuneCountInString(f.Get("reason")) > maxNote {
		f.Fail("reason", "error.booking.reason")
	}
	if !f.Valid() {
		s.renderBooking(w, r, http.StatusUnprocessableEntity, b, f, "")
		return
	}
	st := time.Unix(sec, 0).UTC()
	p := advisors.Period{Start: st, End: st.Add(b.End.Sub(b.Start))}
	_, err = s.store.Reschedule(r.Context(), b.ID, p, by, f.Get("reason"), s.holidays, &s.limits)
	if errors.Is(err, store.ErrSameTime) { // nothing changed, and nobody is told it did
		s.redirect(w, r, bookingURL(b.ID, ""), "flash.booking_same_time")
		return
	}
	if err != nil {
		s.bookingFail(w, r, b, f, err)
		return
	}
	s.composeAfterCommit(r.Context(), b.ID)
	s.redirect(w, r, bookingURL(b.ID, ""), "flash.booking_changed")
}

// bookingOutcomePost: the advisor marks the consultation done or no-show,
// once it has started.
func (s *Server) bookingOutcomePost(w http.ResponseWriter, r *http.Request) {
	f, b, by, ok := s.bookingChange(w, r, advisors.OpOutcome, "outcome")
	if !ok {
		return
	}
	outcome := f.Get("outcome")
	if outcome != store.BookingDone && outcome != store.BookingNoShow {
		f.Fail("outcome", "error.booking.outcome")
		s.renderBooking(w, r, http.StatusUnprocessableEntity, b, f, "")
		return
	}
	if _, err := s.store.SetOutcome(r.Context(), b.ID, by, outcome); err != nil {
		s.bookingFail(w, r, b, f, err)
		return
	}
	s.composeAfterCommit(r.Context(), b.ID) // a held consultation asks its firm for a rating
	s.redirect(w, r, bookingURL(b.ID, ""), "flash.booking_outcome")
}

// bookingNotesPost saves the advisor's notes.
func (s *Server) bookingNotesPost(w http.ResponseWriter, r *http.Request) {
	f, b, by, ok := s.bookingChange(w, r, advisors.OpNotes, "notes")
	if !ok {
		return
	}
	if utf8.RuneCountInString(f.Get("notes")) > maxNote*5 {
		f.Fail("notes", "error.booking.note_long")
		s.renderBooking(w, r, http.StatusUnprocessableEntity, b, f, "")
		return
	}
	if err := s.store.SetAdvisorNotes(r.Context(), b.ID, by, f.Get("notes")); err != nil {
		s.bookingFail(w, r, b, f, err)
		return
	}
	s.redirect(w, r, bookingURL(b.ID, ""), "flash.saved")
}

// actionAddPost adds an item to the action plan of a held consultation.
func (s *Server) actionAddPost(w http.ResponseWriter, r *http.Request) {
	f, b, by, ok := s.bookingChange(w, r, advisors.OpActions, "pillar", "text", "owner", "due")
	if !ok {
		return
	}
	if _, ok := s.defaultInstrument().Pillar(f.Get("pillar")); !ok {
		f.Fail("pillar", "error.action.pillar")
	}
	if t := f.Get("text"); t == "" || utf8.RuneCountInString(t) > 500 {
		f.Fail("text", "error.action.text")
	}
	if o := f.Get("owner"); o != "firm" && o != "advisor" {
		f.Fail("owner", "error.action.owner")
	}
	due, err := time.ParseInLocation(time.DateOnly, f.Get("due"), advisors.Zone)
	if err != nil || due.Before(b.Start.In(advisors.Zone).Truncate(24*time.Hour)) {
		f.Fail("due", "error.action.due")
	}
	if !f.Valid() {
		s.renderBooking(w, r, http.StatusUnprocessableEntity, b, f, "")
		return
	}
	it := &store.ActionItem{BookingID: b.ID, Pillar: f.Get("pillar"), Text: f.Get("text"), Owner: f.Get("owner"), Due: due.Format(time.DateOnly)}
	if err := s.store.AddActionItem(r.Context(), it, by); err != nil {
		s.bookingFail(w, r, b, f, err)
		return
	}
	s.redirect(w, r, bookingURL(b.ID, "")+"#plan", "flash.action_added")
}
