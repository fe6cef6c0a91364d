package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

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
	OnBehalf               bool   // booked by the Center on the firm's behalf
}

type actionRow struct {
	ID                       int64
	Pillar, Text, Owner, Due string
	Firm                     string
	Done                     bool
	BookingURL               string
	Back                     string // the page the item is listed on, where ticking it returns
}

// bookingTable is a list of bookings and the columns it has: an advisor's
// own list has no advisor column, a firm's no firm column (each would
// repeat the reader's own name on every row).
type bookingTable struct {
	Rows          []bookingRow
	Advisor, Firm bool
}

type bookingsPage struct {
	page
	Upcoming, Past []bookingRow
	Cancelled      []bookingRow // upcoming ones that were cancelled
	// The three lists as tables, with the columns the user's role needs.
	UpcomingTable, PastTable, CancelledTable bookingTable
	Actions                                  []actionRow
	IsAdvisor                                bool
	BookOnBehalf                             bool        // the user may book for a firm on its behalf (book_behalf.go)
	ShowResults                              bool        // the upcoming list carries each firm's result summary
	Progress                                 []changeRow // average change since consultations (advisor: own; Center: all)
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
	if u.Role == auth.RoleFirm && !auth.Can(u, auth.ActBookingView, auth.Target{FirmID: u.FirmID}) {
		s.fail(w, r, errForbidden) // no firm, or an open claim: a firm's consultations are not a claimant's to see
		return
	}
	now := s.now()
	loc, l := s.loc(r), lang(r)
	p := bookingsPage{page: s.newPage(w, r, "page.bookings.title"), IsAdvisor: u.Role == auth.RoleAdvisor,
		BookOnBehalf: auth.Can(u, auth.ActBookOnBehalf, auth.Target{})}
	up := f
	up.From, up.Limit = now.Add(-2*time.Hour), 200
	up.Statuses = []string{store.BookingConfirmed, store.BookingDone, store.BookingNoShow}
	upcoming, err := s.store.Bookings(r.Context(), up)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	gone := f
	gone.From, gone.Limit, gone.Statuses = now.Add(-2*time.Hour), 50, []string{store.BookingCancelled}
	cancelled, err := s.store.Bookings(r.Context(), gone)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, b := range cancelled {
		p.Cancelled = append(p.Cancelled, s.bookingRow(b, loc))
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
	advisorCol, firmCol := u.Role != auth.RoleAdvisor, u.Role != auth.RoleFirm
	p.UpcomingTable = bookingTable{p.Upcoming, advisorCol, firmCol}
	p.PastTable = bookingTable{p.Past, advisorCol, firmCol}
	p.CancelledTable = bookingTable{p.Cancelled, advisorCol, firmCol}
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
	p.Actions = s.actionRows(r, items)
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
		Mode: loc.T("booking.mode." + b.Mode), Status: loc.T("booking.status." + b.Status), StatusID: b.Status, URL: bookingURL(b.ID, ""),
		OnBehalf: b.OnBehalf}
}

// actionRows are items as the page r shows lists them, in its language;
// ticking one returns to that page.
func (s *Server) actionRows(r *http.Request, items []store.ActionItem) []actionRow {
	in, loc, l, back := s.defaultInstrument(), s.loc(r), lang(r), localURL(pageURL(r), "")
	var out []actionRow
	for _, it := range items {
		row := actionRow{ID: it.ID, Text: it.Text, Owner: loc.T("action.owner." + it.Owner), Firm: it.FirmName, Done: it.Done(),
			BookingURL: bookingURL(it.BookingID, ""), Back: back}
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
	Booking            bookingRow
	Pillars            []string
	Note, AdvisorNotes string
	Reason             string
	ResultURL          string
	// What the user may do to it now, as advisors.CanChange decides: the
	// page draws exactly these buttons.
	CanCancel, CanReschedule, CanOutcome, CanNotes, CanActions bool
	ActionsOnceHeld                                            bool   // the plan can be written once the consultation is marked held
	Refusal                                                    string // why the last change was refused, in the user's language
	Actions                                                    []actionRow
	PillarOptions                                              []option
	Form                                                       *form
	Reschedule                                                 []dayView
	Progress                                                   *progressView
	Meeting                                                    meetingView
	Rating                                                     ratingView
}

// bookingView shows one booking with what the user may do to it.
func (s *Server) bookingView(w http.ResponseWriter, r *http.Request) {
	b, err := s.loadBooking(r, auth.ActBookingView)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderBooking(w, r, http.StatusOK, b, newForm(), "")
}

func (s *Server) renderBooking(w http.ResponseWriter, r *http.Request, status int, b *store.Booking, f *form, refusal string) {
	u, loc, l, in := currentUser(r), s.loc(r), lang(r), s.defaultInstrument()
	t, party, now := bookingTarget(b), bookingActor(u, b).Party, s.now()
	can := func(op advisors.Op) bool { return advisors.CanChange(b.Rule(), op, party, now) == nil }
	p := bookingPage{page: s.newPage(w, r, "page.booking.title"), Booking: s.bookingRow(b, loc), Note: b.Note,
		AdvisorNotes: b.AdvisorNotes, Reason: b.Reason, Form: f, Refusal: refusal,
		CanCancel: can(advisors.OpCancel), CanReschedule: can(advisors.OpReschedule), CanOutcome: can(advisors.OpOutcome),
		CanNotes: can(advisors.OpNotes), CanActions: can(advisors.OpActions), Meeting: meetingOf(u, b, s.now)}
	held := b.Rule() // the rule asked of this booking as it will be once held: may this user write its plan then?
	held.Status = advisors.StatusDone
	p.ActionsOnceHeld = b.Status == store.BookingConfirmed && advisors.CanChange(held, advisors.OpActions, party, b.End) == nil
	if _, posted := f.Values["meeting_url"]; !posted {
		f.Values["meeting_url"] = b.MeetingURL
	}
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
	p.Actions = s.actionRows(r, items)
	if p.Rating, err = s.bookingRating(r.Context(), u, b); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Progress, err = s.consultationProgress(r.Context(), b, loc, l); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.CanReschedule {
		if p.Reschedule, err = s.rescheduleSlots(r, b, loc, l); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, status, "booking", p)
}

// rescheduleSlots are the first free slots of b's advisor, by day.
func (s *Server) rescheduleSlots(r *http.Request, b *store.Booking, loc *locale.Localizer, l string) ([]dayView, error) {
	a, err := s.store.FindAdvisor(r.Context(), b.AdvisorID)
	if err != nil {
		return nil, err
	}
	sc, err := s.store.Schedule(r.Context(), a, s.holidays)
	if err != nil {
		return nil, err
	}
	free := sc.FreeSlots(s.now())
	free = free[:min(12, len(free))]
	views := make([]slotView, len(free))
	for i, fs := range free {
		views[i] = s.slotView(b.AdvisorID, fs, loc, l)
	}
	return byDay(views, free, loc), nil
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
	s.redirect(w, r, tickReturn(f.Get("next"), it), "flash.saved")
}

// tickReturn is where ticking item it returns: next, the page it was
// ticked from, when that is a path on this site (safeNext: never
// "//host", "https://…" or "/\host"), else its booking's page; at the
// item itself.
func tickReturn(next string, it *store.ActionItem) string {
	back := safeNext(next)
	if back == "/" {
		back = bookingURL(it.BookingID, "")
	}
	if i := strings.IndexByte(back, '#'); i >= 0 {
		back = back[:i]
	}
	return back + "#action-" + strconv.FormatInt(it.ID, 10)
}
