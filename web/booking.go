package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"dxready/advisors"
	"dxready/auth"
	"dxready/locale"
	"dxready/store"
)

// maxNote bounds the firm's note and the advisor's notes, in characters.
const maxNote = 2000

type bookPage struct {
	page
	Advisor   advisorCard
	Slot      string
	Start     int64
	Pillars   []option
	Picked    bool // the pillars come ticked from the firm's result (the form's first showing): say so
	Modes     []option
	Languages []option
	Result    string // "Mức 2 – Bắt đầu, nộp 04/11/2026": what will be shared; "" when none
	Form      *form
	Taken     bool
	Next      []slotView // when the slot was just taken
	Refusal   string     // fair use refuses this booking: why, in the user's language
	For       bookingFor // whose booking it is, and where the form posts
}

// bookTarget reads the advisor and the slot a booking form is about. The
// slot must be one of the advisor's slots (free or not: a taken one gets
// the "just taken" answer with the next free ones).
func (s *Server) bookTarget(r *http.Request, start string) (*store.Advisor, advisors.Period, error) {
	a, err := s.advisorFromPath(r)
	if err != nil {
		return nil, advisors.Period{}, err
	}
	sec, err := strconv.ParseInt(start, 10, 64)
	if err != nil || sec <= 0 {
		return nil, advisors.Period{}, store.ErrNotFound
	}
	st := time.Unix(sec, 0).UTC()
	return a, advisors.Period{Start: st, End: st.Add(time.Duration(a.Rules.SlotMinutes) * time.Minute)}, nil
}

// bookForm asks what the consultation is about and says what booking
// shares, before anything is written.
func (s *Server) bookForm(w http.ResponseWriter, r *http.Request) {
	bf, err := s.bookingParty(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, slot, err := s.bookTarget(r, r.URL.Query().Get("start"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := newForm()
	need, _, err := s.firmNeed(r, bf.FirmID, s.defaultInstrument())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Values["mode"], f.Values["language"] = "online", need.Language
	if !a.Online {
		f.Values["mode"] = "onsite"
	}
	chosen := need.Weakest[:min(2, len(need.Weakest))]
	// A link to a slot taken since the list was shown says so at once,
	// before the firm fills the form in; so does a booking fair use would
	// refuse, asked of the same rule the booking transaction asks.
	status, refusal := http.StatusOK, ""
	if sc, err := s.store.Schedule(r.Context(), a, s.holidays); err != nil {
		s.fail(w, r, err)
		return
	} else if !a.Active || !sc.IsFree(s.now(), slot) {
		status = http.StatusConflict
	} else if check, err := s.fairUse(r, bf.FirmID); err != nil {
		s.fail(w, r, err)
		return
	} else if err := check(a.ID, slot); err != nil {
		status, refusal, _ = s.refusal(err, s.loc(r))
	}
	s.renderBook(w, r, bf, status, a, slot, f, chosen, refusal)
}

// refusal turns a booking rule's refusal into its answer: the status (403
// for a party that never may, else 409) and the reason in loc's language,
// with the limit that applies. ok is false for any other error.
func (s *Server) refusal(err error, loc *locale.Localizer) (status int, text string, ok bool) {
	var r advisors.Refusal
	if !errors.As(err, &r) {
		return 0, "", false
	}
	switch r {
	case advisors.ErrNotAllowed:
		return http.StatusForbidden, loc.T(string(r)), true
	case advisors.ErrFirmLimit:
		return http.StatusConflict, loc.T(string(r), "Max", s.limits.PerFirm), true
	case advisors.ErrAdvisorLimit:
		return http.StatusConflict, loc.T(string(r), "Max", s.limits.PerFirmAdvisor), true
	}
	return http.StatusConflict, loc.T(string(r)), true
}

func (s *Server) renderBook(w http.ResponseWriter, r *http.Request, bf bookingFor, status int, a *store.Advisor, slot advisors.Period, f *form, pillars []string, refusal string) {
	loc, l, in := s.loc(r), lang(r), s.defaultInstrument()
	p := bookPage{page: s.newPage(w, r, "page.book.title"), Advisor: s.advisorCard(a, loc, l, in), Slot: slotLabel(slot, loc),
		Start: slot.Start.Unix(), Form: f, Refusal: refusal, Picked: r.Method == http.MethodGet && len(pillars) > 0, For: bf}
	for _, pl := range in.Pillars {
		p.Pillars = append(p.Pillars, option{Value: pl.ID, Label: pl.Name.In(l), Selected: slices.Contains(pillars, pl.ID)})
	}
	for _, m := range []struct {
		v  string
		ok bool
	}{{"online", a.Online}, {"onsite", a.OnSite}} {
		if m.ok {
			p.Modes = append(p.Modes, option{Value: m.v, Label: loc.T("booking.mode." + m.v), Selected: f.Get("mode") == m.v})
		}
	}
	for _, code := range a.Languages {
		p.Languages = append(p.Languages, option{Value: code, Label: loc.T("language." + code), Selected: f.Get("language") == code})
	}
	if subs, err := s.store.Submissions(r.Context(), bf.FirmID); err == nil && len(subs) > 0 {
		if sin, ok := s.cfg.Instruments[subs[0].Instrument]; ok && subs[0].Level < len(sin.Levels) {
			p.Result = loc.T("page.book.shared_result", "Level", subs[0].Level, "Name", sin.Levels[subs[0].Level].Name.In(l),
				"Date", loc.Date(subs[0].SubmittedAt))
		}
	}
	if status == http.StatusConflict && refusal == "" {
		p.Taken = true
		if sc, err := s.store.Schedule(r.Context(), a, s.holidays); err == nil {
			free := sc.FreeSlots(s.now())
			for _, fs := range free[:min(5, len(free))] {
				v := s.slotView(a.ID, fs, loc, l)
				v.URL = bf.slotURL(a.ID, fs)
				p.Next = append(p.Next, v)
			}
		}
	}
	s.render(w, r, status, "book", p)
}

// bookPost books the slot if it is still free. A slot taken in the
// meantime answers 409 with the advisor's next free slots; nothing the
// firm typed is lost, the form comes back filled.
func (s *Server) bookPost(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r, "start", "mode", "language", "note")
	if !ok {
		return
	}
	bf, err := s.bookingParty(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, slot, err := s.bookTarget(r, f.Get("start"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := s.defaultInstrument()
	var pillars []string
	for _, id := range r.PostForm["pillar"] {
		if _, ok := in.Pillar(id); ok && !slices.Contains(pillars, id) {
			pillars = append(pillars, id)
		}
	}
	if len(pillars) == 0 {
		f.Fail("pillar", "error.booking.pillars")
	}
	if m := f.Get("mode"); !(m == "online" && a.Online) && !(m == "onsite" && a.OnSite) {
		f.Fail("mode", "error.booking.mode")
	}
	if !slices.Contains(a.Languages, f.Get("language")) {
		f.Fail("language", "error.booking.language")
	}
	if utf8.RuneCountInString(f.Get("note")) > maxNote {
		f.Fail("note", "error.booking.note_long")
	}
	if !f.Valid() {
		s.renderBook(w, r, bf, http.StatusUnprocessableEntity, a, slot, f, pillars, "")
		return
	}
	u := currentUser(r)
	b := &store.Booking{AdvisorID: a.ID, FirmID: bf.FirmID, BookedBy: u.ID, OnBehalf: bf.OnBehalf, Period: slot, Mode: f.Get("mode"),
		Language: f.Get("language"), Pillars: pillars, Note: f.Get("note")}
	err = s.store.Book(r.Context(), b, s.holidays, &s.limits, bf.audit(u, a.ID)...)
	if status, refusal, ok := s.refusal(err, s.loc(r)); ok {
		s.renderBook(w, r, bf, status, a, slot, f, pillars, refusal)
		return
	}
	switch {
	case errors.Is(err, store.ErrAlreadyBooked): // the form sent twice: the consultation it booked
		s.redirect(w, r, bookingURL(b.ID, ""), "flash.booking_already")
	case errors.Is(err, store.ErrSlotTaken):
		f.Fail("start", "error.booking.taken")
		s.renderBook(w, r, bf, http.StatusConflict, a, slot, f, pillars, "")
	case err != nil:
		s.fail(w, r, err)
	default:
		s.composeAfterCommit(r.Context(), b.ID)
		flash := "flash.booking_confirmed"
		if bf.OnBehalf {
			flash = "flash.booking_on_behalf"
		}
		s.redirect(w, r, bookingURL(b.ID, ""), flash)
	}
}

func bookingURL(id int64, suffix string) string {
	return "/bookings/" + strconv.FormatInt(id, 10) + suffix
}

// loadBooking reads {id} and checks the user may do a to it. Bookings
// the user may not see answer 404, as if they did not exist.
func (s *Server) loadBooking(r *http.Request, a auth.Action) (*store.Booking, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, store.ErrNotFound
	}
	b, err := s.store.FindBooking(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !auth.Can(currentUser(r), a, bookingTarget(b)) {
		if auth.Can(currentUser(r), auth.ActBookingView, bookingTarget(b)) {
			return nil, errForbidden
		}
		return nil, store.ErrNotFound
	}
	return b, nil
}

// bookingTarget is b for auth.Can: its firm, its advisor, and the advisor
// its shared result is shared with while it is not cancelled (as
// store.AdvisorsSharedWith finds it from the result's side).
func bookingTarget(b *store.Booking) auth.Target {
	t := auth.Target{FirmID: b.FirmID, AdvisorID: b.AdvisorID}
	if b.Status != store.BookingCancelled {
		t.AdvisedBy = []int64{b.AdvisorID}
	}
	return t
}

// bookingActor is u as a party to b, for the booking rules: the firm's
// user, its advisor, or Center staff. Only a user auth.Can lets see b gets
// this far; anyone else is no party and the rules refuse them.
func bookingActor(u *auth.User, b *store.Booking) store.Actor {
	a := store.Actor{UserID: u.ID}
	switch {
	case u.Role == auth.RoleAdmin:
		a.Party = advisors.PartyCenter
	case u.Role == auth.RoleAdvisor && u.ID == b.AdvisorID:
		a.Party = advisors.PartyAdvisor
	case u.Role == auth.RoleFirm && u.FirmID != 0 && u.FirmID == b.FirmID:
		a.Party = advisors.PartyFirm
	}
	return a
}

// bookingICS serves the booking as a calendar file.
func (s *Server) bookingICS(w http.ResponseWriter, r *http.Request) {
	b, err := s.loadBooking(r, auth.ActBookingView)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+icsName(b)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(s.bookingEvent(s.linkBase(), b, s.bundle.For(icsLang(r))))
}

// icsLang is the language of a downloaded calendar entry: the one the link
// names (the booking page links it in the page's language), else the
// downloading user's own (their account's, which messages use too: a
// calendar app fetching the file has no language cookie), else the
// request's.
func icsLang(r *http.Request) string {
	if r.URL.Query().Get("lang") != "" {
		return lang(r)
	}
	if u := currentUser(r); u != nil && slices.Contains(locale.Languages, u.Lang) {
		return u.Lang
	}
	return lang(r)
}

func icsName(b *store.Booking) string {
	return "dxready-booking-" + strconv.FormatInt(b.ID, 10) + ".ics"
}
