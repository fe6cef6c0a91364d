package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dxready/advisors"
	"dxready/auth"
	"dxready/locale"
	"dxready/store"
)

type bookingRow struct {
	ID                     int64
	When, Advisor, Firm    string
	Mode, Status, StatusID string
	URL                    string
	Result                 string // the shared result in one line (advisor and Center views)
}

type actionRow struct {
	ID                       int64
	Pillar, Text, Owner, Due string
	Firm                     string
	Done                     bool
	BookingURL               string
}

type bookingsPage struct {
	page
	Upcoming, Past []bookingRow
	Actions        []actionRow
	IsAdvisor      bool
	ShowResults    bool        // the upcoming list carries each firm's result summary
	Progress       []changeRow // average change since consultations (advisor: own; Center: all)
}

// bookings lists the user's consultations: a firm's own, an advisor's
// schedule (with open action items), every upcoming one for the Center.
func (s *Server) bookings(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	f := store.BookingFilter{}
	switch u.Role {
	case auth.RoleFirm:
		f.FirmID = u.FirmID
	case auth.RoleAdvisor:
		f.AdvisorID = u.ID
	case auth.RoleAdmin:
	default:
		s.fail(w, r, errForbidden)
		return
	}
	if f.FirmID == 0 && u.Role == auth.RoleFirm {
		s.fail(w, r, errForbidden)
		return
	}
	now := s.now()
	loc, l := s.loc(r), lang(r)
	p := bookingsPage{page: s.newPage(w, r, "page.bookings.title"), IsAdvisor: u.Role == auth.RoleAdvisor}
	up := f
	up.From, up.Limit = now.Add(-2*time.Hour), 200
	upcoming, err := s.store.Bookings(r.Context(), up)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	past := f
	past.To, past.Desc, past.Limit = now.Add(-2*time.Hour), true, 50
	pastList, err := s.store.Bookings(r.Context(), past)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, b := range upcoming {
		p.Upcoming = append(p.Upcoming, s.bookingRow(b, loc))
	}
	if u.Role != auth.RoleFirm {
		p.ShowResults = true
		if err := s.addResultSummaries(r, upcoming, p.Upcoming); err != nil {
			s.fail(w, r, err)
			return
		}
		if p.Progress, err = s.programmeProgress(r.Context(), f.AdvisorID, l); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	for _, b := range pastList {
		p.Past = append(p.Past, s.bookingRow(b, loc))
	}
	var items []store.ActionItem
	switch u.Role {
	case auth.RoleFirm:
		items, err = s.store.ActionItemsOfFirm(r.Context(), u.FirmID)
	case auth.RoleAdvisor:
		items, err = s.store.OpenActionItemsOfAdvisor(r.Context(), u.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Actions = s.actionRows(items, loc, l)
	s.render(w, r, http.StatusOK, "bookings", p)
}

// addResultSummaries fills rows[i].Result from bs[i]'s shared result, in
// one query.
func (s *Server) addResultSummaries(r *http.Request, bs []*store.Booking, rows []bookingRow) error {
	ids := make([]int64, 0, len(bs))
	for _, b := range bs {
		if b.ResponseID != 0 {
			ids = append(ids, b.ResponseID)
		}
	}
	subs, err := s.store.SubmissionsByID(r.Context(), ids)
	if err != nil {
		return err
	}
	loc, l := s.loc(r), lang(r)
	for i, b := range bs {
		rows[i].Result = s.resultSummary(subs[b.ResponseID], loc, l)
	}
	return nil
}

func (s *Server) bookingRow(b *store.Booking, loc *locale.Localizer) bookingRow {
	return bookingRow{ID: b.ID, When: slotLabel(b.Period, loc), Advisor: b.AdvisorName, Firm: b.FirmName,
		Mode: loc.T("booking.mode." + b.Mode), Status: loc.T("booking.status." + b.Status), StatusID: b.Status, URL: bookingURL(b.ID, "")}
}

func (s *Server) actionRows(items []store.ActionItem, loc *locale.Localizer, l string) []actionRow {
	in := s.defaultInstrument()
	var out []actionRow
	for _, it := range items {
		row := actionRow{ID: it.ID, Text: it.Text, Owner: loc.T("action.owner." + it.Owner), Firm: it.FirmName, Done: it.Done(),
			BookingURL: bookingURL(it.BookingID, "")}
		if pl, ok := in.Pillar(it.Pillar); ok {
			row.Pillar = pl.Name.In(l)
		}
		if d, err := time.ParseInLocation(time.DateOnly, it.Due, advisors.Zone); err == nil {
			row.Due = loc.Date(d)
		}
		out = append(out, row)
	}
	return out
}

type bookingPage struct {
	page
	Booking               bookingRow
	Pillars               []string
	Note, AdvisorNotes    string
	Reason                string
	ResultURL             string
	CanChange, CanConsult bool
	Started, Open, Held   bool
	Actions               []actionRow
	PillarOptions         []option
	Form                  *form
	Reschedule            []dayView
	Progress              *progressView
}

// bookingView shows one booking with what the user may do to it.
func (s *Server) bookingView(w http.ResponseWriter, r *http.Request) {
	b, err := s.loadBooking(r, auth.ActBookingView)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderBooking(w, r, http.StatusOK, b, newForm())
}

func (s *Server) renderBooking(w http.ResponseWriter, r *http.Request, status int, b *store.Booking, f *form) {
	u, loc, l, in := currentUser(r), s.loc(r), lang(r), s.defaultInstrument()
	t := bookingTarget(b)
	p := bookingPage{page: s.newPage(w, r, "page.booking.title"), Booking: s.bookingRow(b, loc), Note: b.Note,
		AdvisorNotes: b.AdvisorNotes, Reason: b.Reason, Form: f,
		CanChange: auth.Can(u, auth.ActBookingChange, t), CanConsult: auth.Can(u, auth.ActConsultation, t),
		Started: !s.now().Before(b.Start), Open: b.Status == store.BookingConfirmed, Held: b.Status == store.BookingDone}
	p.Pillars = pillarNames(in, b.Pillars, l)
	for _, pl := range in.Pillars {
		p.PillarOptions = append(p.PillarOptions, option{Value: pl.ID, Label: pl.Name.In(l), Selected: f.Get("pillar") == pl.ID})
	}
	if b.ResponseID != 0 && auth.Can(u, auth.ActResultView, t) {
		p.ResultURL = "/assessment/" + strconv.FormatInt(b.ResponseID, 10) + "/result"
	}
	items, err := s.store.ActionItemsOfBooking(r.Context(), b.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Actions = s.actionRows(items, loc, l)
	if p.Progress, err = s.consultationProgress(r.Context(), b, loc, l); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.CanChange && p.Open && !p.Started {
		if a, err := s.store.FindAdvisor(r.Context(), b.AdvisorID); err == nil {
			if sc, err := s.store.Schedule(r.Context(), a, s.holidays); err == nil {
				free := sc.FreeSlots(s.now())
				free = free[:min(12, len(free))]
				views := make([]slotView, len(free))
				for i, fs := range free {
					views[i] = s.slotView(b.AdvisorID, fs, loc, l)
				}
				p.Reschedule = byDay(views, free, loc)
			}
		}
	}
	s.render(w, r, status, "booking", p)
}

// bookingForm parses a form posted to a booking and loads the booking
// for action a; on false the answer has been written.
func (s *Server) bookingForm(w http.ResponseWriter, r *http.Request, a auth.Action, fields ...string) (*form, *store.Booking, bool) {
	f, ok := s.parseForm(w, r, fields...)
	if !ok {
		return nil, nil, false
	}
	b, err := s.loadBooking(r, a)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	return f, b, true
}

// bookingCancelPost cancels with a reason; the slot is free again at once.
func (s *Server) bookingCancelPost(w http.ResponseWriter, r *http.Request) {
	f, b, ok := s.bookingForm(w, r, auth.ActBookingChange, "reason")
	if !ok {
		return
	}
	if reason := f.Get("reason"); reason == "" || utf8.RuneCountInString(reason) > maxNote {
		f.Fail("reason", "error.booking.reason")
		s.renderBooking(w, r, http.StatusUnprocessableEntity, b, f)
		return
	}
	if _, err := s.store.Cancel(r.Context(), b.ID, currentUser(r).ID, f.Get("reason"), s.bookingMessages(r, "cancelled")); err != nil {
		s.bookingFail(w, r, b, f, err)
		return
	}
	s.redirect(w, r, bookingURL(b.ID, ""), "flash.booking_cancelled")
}

// bookingReschedulePost moves the booking to another free slot of the
// same advisor.
func (s *Server) bookingReschedulePost(w http.ResponseWriter, r *http.Request) {
	f, b, ok := s.bookingForm(w, r, auth.ActBookingChange, "start", "reason")
	if !ok {
		return
	}
	sec, err := strconv.ParseInt(f.Get("start"), 10, 64)
	if err != nil || sec <= 0 {
		f.Fail("start", "error.booking.taken")
		s.renderBooking(w, r, http.StatusUnprocessableEntity, b, f)
		return
	}
	st := time.Unix(sec, 0).UTC()
	p := advisors.Period{Start: st, End: st.Add(b.End.Sub(b.Start))}
	if _, err := s.store.Reschedule(r.Context(), b.ID, p, currentUser(r).ID, f.Get("reason"), s.holidays, s.bookingMessages(r, "changed")); err != nil {
		s.bookingFail(w, r, b, f, err)
		return
	}
	s.redirect(w, r, bookingURL(b.ID, ""), "flash.booking_changed")
}

// bookingFail answers the store's refusals of a change in the user's
// language, with the booking as it is now.
func (s *Server) bookingFail(w http.ResponseWriter, r *http.Request, b *store.Booking, f *form, err error) {
	switch {
	case errors.Is(err, store.ErrSlotTaken):
		f.Fail("start", "error.booking.taken")
	case errors.Is(err, store.ErrBookingClosed):
		f.Fail("status", "error.booking.closed")
	default:
		s.fail(w, r, err)
		return
	}
	if now, err := s.store.FindBooking(r.Context(), b.ID); err == nil {
		b = now
	}
	s.renderBooking(w, r, http.StatusConflict, b, f)
}

// bookingOutcomePost: the advisor marks the consultation done or no-show,
// once it has started.
func (s *Server) bookingOutcomePost(w http.ResponseWriter, r *http.Request) {
	f, b, ok := s.bookingForm(w, r, auth.ActConsultation, "outcome")
	if !ok {
		return
	}
	outcome := f.Get("outcome")
	if outcome != store.BookingDone && outcome != store.BookingNoShow {
		f.Fail("outcome", "error.booking.outcome")
		s.renderBooking(w, r, http.StatusUnprocessableEntity, b, f)
		return
	}
	if _, err := s.store.SetOutcome(r.Context(), b.ID, currentUser(r).ID, outcome); err != nil {
		s.bookingFail(w, r, b, f, err)
		return
	}
	s.redirect(w, r, bookingURL(b.ID, ""), "flash.booking_outcome")
}

// bookingNotesPost saves the advisor's notes.
func (s *Server) bookingNotesPost(w http.ResponseWriter, r *http.Request) {
	f, b, ok := s.bookingForm(w, r, auth.ActConsultation, "notes")
	if !ok {
		return
	}
	if utf8.RuneCountInString(f.Get("notes")) > maxNote*5 {
		f.Fail("notes", "error.booking.note_long")
		s.renderBooking(w, r, http.StatusUnprocessableEntity, b, f)
		return
	}
	if err := s.store.SetAdvisorNotes(r.Context(), b.ID, currentUser(r).ID, f.Get("notes")); err != nil {
		s.bookingFail(w, r, b, f, err)
		return
	}
	s.redirect(w, r, bookingURL(b.ID, ""), "flash.saved")
}

// actionAddPost adds an item to the action plan of a held consultation.
func (s *Server) actionAddPost(w http.ResponseWriter, r *http.Request) {
	f, b, ok := s.bookingForm(w, r, auth.ActConsultation, "pillar", "text", "owner", "due")
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
		s.renderBooking(w, r, http.StatusUnprocessableEntity, b, f)
		return
	}
	it := &store.ActionItem{BookingID: b.ID, Pillar: f.Get("pillar"), Text: f.Get("text"), Owner: f.Get("owner"), Due: due.Format(time.DateOnly)}
	if err := s.store.AddActionItem(r.Context(), it, currentUser(r).ID); err != nil {
		s.bookingFail(w, r, b, f, err)
		return
	}
	s.redirect(w, r, bookingURL(b.ID, "")+"#plan", "flash.action_added")
}

// actionTickPost ticks an action item off (done=1) or on again.
func (s *Server) actionTickPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "done", "next")
	if !ok {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, store.ErrNotFound)
		return
	}
	it, err := s.store.FindActionItem(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !auth.Can(currentUser(r), auth.ActActionTick, auth.Target{FirmID: it.FirmID, AdvisorID: it.AdvisorID}) {
		s.fail(w, r, store.ErrNotFound)
		return
	}
	if err := s.store.SetActionItemDone(r.Context(), it.ID, it.FirmID, currentUser(r).ID, f.Get("done") == "1"); err != nil {
		s.fail(w, r, err)
		return
	}
	next := safeNext(f.Get("next"))
	if next == "/" || strings.Contains(next, "#") {
		next = bookingURL(it.BookingID, "")
	}
	s.redirect(w, r, next+"#plan", "flash.saved")
}
