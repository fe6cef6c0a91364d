package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"dxready/advisors"
	"dxready/auth"
	"dxready/locale"
	"dxready/store"
)

type scheduleEvent struct {
	Time, Firm, Status, StatusID string
	Mode                         string // online or at the firm, in the user's language
	Result                       string
	Topics                       string
	Note                         string
	URL                          string
}

type scheduleDay struct {
	Label   string
	Date    string // 2006-01-02
	URL     string // the day view
	Today   bool
	Hours   string // "08:00–11:45, 13:30–17:00"; "" when closed
	Holiday string
	Leave   []string
	Events  []scheduleEvent
}

type schedulePage struct {
	page
	AdvisorID   int64
	AdvisorName string
	Other       bool // the Center's view of another advisor
	DayView     bool
	Heading     string
	// The links to the previous and next week or day and to this week,
	// built whole here: a template that pastes a query into an href
	// escapes its = and &.
	PrevURL, NextURL, ThisWeekURL string
	Days                          []scheduleDay
	Booked, Free                  int         // consultations this period; free slots left in it
	Ratings                       *ownRatings // the advisor's own ratings; nil on another advisor's schedule
	MinRatings                    int         // advisors.MinRatings: from how many ratings a mean is shown
}

// scheduleURL is the schedule page of advisor (0: the user's own) at the
// week or day key=date (no key: this week).
func scheduleURL(advisor int64, key, date string) string {
	q := url.Values{}
	if advisor != 0 {
		q.Set("advisor", strconv.FormatInt(advisor, 10))
	}
	if key != "" {
		q.Set(key, date)
	}
	if len(q) == 0 {
		return "/schedule"
	}
	return "/schedule?" + q.Encode()
}

// schedule is an advisor's calendar, by week (default) or by day: hours,
// holidays, leave and each consultation with the firm's result in one
// line. The Center opens any advisor's with ?advisor=ID.
func (s *Server) schedule(w http.ResponseWriter, r *http.Request) {
	u, q := currentUser(r), r.URL.Query()
	id := u.ID
	if v := q.Get("advisor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.fail(w, r, store.ErrNotFound)
			return
		}
		id = n
	} else if u.Role == auth.RoleAdmin {
		http.Redirect(w, r, "/admin/advisors", http.StatusSeeOther) // the Center picks an advisor there
		return
	}
	if !auth.Can(u, auth.ActBookingView, auth.Target{AdvisorID: id}) {
		s.fail(w, r, errForbidden)
		return
	}
	adv, err := s.store.FindAdvisor(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc, l := s.loc(r), lang(r)
	now := s.now().In(advisors.Zone)
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, advisors.Zone)
	p := &schedulePage{page: s.newPage(w, r, "page.schedule.title"), AdvisorID: adv.ID, AdvisorName: adv.Name, Other: id != u.ID,
		MinRatings: advisors.MinRatings}
	var other int64
	if p.Other {
		other = id
	}
	from, days := mondayOf(today), 7
	if v, err := time.ParseInLocation(time.DateOnly, q.Get("week"), advisors.Zone); err == nil {
		from = mondayOf(v)
	}
	if v, err := time.ParseInLocation(time.DateOnly, q.Get("day"), advisors.Zone); err == nil {
		from, days, p.DayView = v, 1, true
	}
	to := from.AddDate(0, 0, days)
	key := "week"
	if p.DayView {
		key = "day"
	}
	p.PrevURL = scheduleURL(other, key, from.AddDate(0, 0, -days).Format(time.DateOnly))
	p.NextURL = scheduleURL(other, key, to.Format(time.DateOnly))
	p.ThisWeekURL = scheduleURL(other, "", "")
	if p.DayView {
		p.Heading = dayLabel(from, loc)
	} else {
		p.Heading = loc.T("page.schedule.week_of", "From", loc.Date(from), "To", loc.Date(to.AddDate(0, 0, -1)))
	}
	if err := s.fillSchedule(r, p, adv, other, from, to, today, loc, l); err != nil {
		s.fail(w, r, err)
		return
	}
	if !p.Other && auth.Can(u, auth.ActRatingsView, auth.Target{AdvisorID: adv.ID}) {
		if p.Ratings, err = s.ownRatings(r, adv.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "schedule", p)
}

// fillSchedule lays the advisor's hours, holidays, leave and bookings of
// [from, to) out by local day; other is the advisor the Center looks at
// (0: the user's own schedule), for the day links.
func (s *Server) fillSchedule(r *http.Request, p *schedulePage, adv *store.Advisor, other int64, from, to, today time.Time, loc *locale.Localizer, l string) error {
	ctx := r.Context()
	bs, err := s.store.Bookings(ctx, store.BookingFilter{AdvisorID: adv.ID, From: from.UTC(), To: to.UTC(),
		Statuses: []string{store.BookingConfirmed, store.BookingDone, store.BookingNoShow}})
	if err != nil {
		return err
	}
	rows := make([]bookingRow, len(bs))
	if err := s.addResultSummaries(r, bs, rows); err != nil {
		return err
	}
	leave, err := s.store.LeaveOf(ctx, adv.ID, from.UTC())
	if err != nil {
		return err
	}
	in := s.defaultInstrument()
	for day := from; day.Before(to); day = day.AddDate(0, 0, 1) {
		key := day.Format(time.DateOnly)
		sd := scheduleDay{Label: dayLabel(day, loc), Date: key, URL: scheduleURL(other, "day", key), Today: day.Equal(today),
			Hours: advisors.FormatDayHours(day.Weekday(), adv.Hours)}
		if h, ok := s.holidays[key]; ok {
			sd.Holiday = h.NameVI
			if l == locale.EN {
				sd.Holiday = h.NameEN
			}
		}
		next := day.AddDate(0, 0, 1)
		for _, lv := range leave {
			if lv.Start.Before(next) && day.Before(lv.End) {
				sd.Leave = append(sd.Leave, lv.Note)
			}
		}
		for i, b := range bs {
			if b.Start.In(advisors.Zone).Format(time.DateOnly) != key {
				continue
			}
			topics := pillarNames(in, b.Pillars, l)
			sd.Events = append(sd.Events, scheduleEvent{Time: b.Start.In(advisors.Zone).Format("15:04") + "–" + b.End.In(advisors.Zone).Format("15:04"),
				Firm: b.FirmName, Status: loc.T("booking.status." + b.Status), StatusID: b.Status, Result: rows[i].Result,
				Mode: loc.T("booking.mode." + b.Mode), Topics: strings.Join(topics, ", "), Note: b.Note, URL: bookingURL(b.ID, "")})
			if b.Status != store.BookingNoShow {
				p.Booked++
			}
		}
		p.Days = append(p.Days, sd)
	}
	sc, err := s.store.Schedule(ctx, adv, s.holidays)
	if err != nil {
		return err
	}
	for _, f := range sc.FreeSlots(s.now()) {
		if !f.Start.Before(from) && f.Start.Before(to) {
			p.Free++
		}
	}
	return nil
}

// mondayOf is the local midnight starting t's week (Monday).
func mondayOf(t time.Time) time.Time {
	y, m, d := t.In(advisors.Zone).Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, advisors.Zone)
	return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
}

func dayLabel(t time.Time, loc *locale.Localizer) string {
	return loc.Day(t)
}
