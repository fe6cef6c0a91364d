package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dxready/advisors"
	"dxready/auth"
	"dxready/firms"
	"dxready/store"
)

// Limits of an advisor's profile form.
const (
	maxBio      = 2000
	maxCapacity = 60
)

// weekdays in the order Vietnamese and English calendars print a week.
var weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

type dayHoursField struct {
	Name  string // form field: hours_1 … hours_0
	Label string // message ID of the weekday
	Value string
	Err   string
}

type leaveRow struct {
	ID    int64
	Label string
	Note  string
}

type advisorEditPage struct {
	page
	Advisor      *store.Advisor
	Form         *form
	Pillars      []option
	Sections     []option
	Associations []option
	Languages    []option
	Wards        []option
	Days         []dayHoursField
	Leave        []leaveRow
	LeaveForm    *form
	Manage       bool // the Center admin: may disable the advisor
}

// loadAdvisorFor finds the advisor in the path and checks u may do a on it.
func (s *Server) loadAdvisorFor(r *http.Request, a auth.Action) (*store.Advisor, error) {
	adv, err := s.advisorFromPath(r)
	if err != nil {
		return nil, err
	}
	if !auth.Can(currentUser(r), a, auth.Target{AdvisorID: adv.ID}) {
		return nil, errForbidden
	}
	return adv, nil
}

// advisorEdit shows the advisor's profile, weekly hours and leave for the
// advisor or the Center admin to change.
func (s *Server) advisorEdit(w http.ResponseWriter, r *http.Request) {
	adv, err := s.loadAdvisorFor(r, auth.ActAdvisorProfile)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAdvisorEdit(w, r, http.StatusOK, adv, advisorFormOf(adv), newForm())
}

// advisorFormOf fills the form's single-valued fields from a; the lists
// are read from the advisor itself when rendering.
func advisorFormOf(a *store.Advisor) *form {
	f := newForm()
	f.Values = map[string]string{"bio_vi": a.BioVI, "bio_en": a.BioEN, "capacity": strconv.Itoa(a.WeeklyCapacity),
		"slot": strconv.Itoa(a.Rules.SlotMinutes), "buffer": strconv.Itoa(a.Rules.BufferMinutes),
		"horizon": strconv.Itoa(a.Rules.HorizonDays), "notice": strconv.Itoa(a.Rules.NoticeHours), "meeting_url": a.MeetingURL}
	if a.Online {
		f.Values["online"] = "1"
	}
	if a.OnSite {
		f.Values["onsite"] = "1"
	}
	for _, d := range weekdays {
		f.Values[hoursField(d)] = advisors.FormatDayHours(d, a.Hours)
	}
	return f
}

func hoursField(d time.Weekday) string { return "hours_" + strconv.Itoa(int(d)) }

func (s *Server) renderAdvisorEdit(w http.ResponseWriter, r *http.Request, status int, a *store.Advisor, f, leaveForm *form) {
	l := lang(r)
	p := &advisorEditPage{page: s.newPage(w, r, "page.advisor_edit.title"), Advisor: a, Form: f, LeaveForm: leaveForm,
		Manage: auth.Can(currentUser(r), auth.ActAdvisorManage, auth.Target{})}
	for _, pl := range s.defaultInstrument().Pillars {
		p.Pillars = append(p.Pillars, option{Value: pl.ID, Label: pl.Name.In(l), Selected: slices.Contains(a.Pillars, pl.ID)})
	}
	for _, sec := range s.ref.Sections(firms.VSICVersion2018) {
		p.Sections = append(p.Sections, option{Value: sec.Code, Label: sec.Code + " – " + sec.Name(l), Selected: slices.Contains(a.Sections, sec.Code)})
	}
	if as, err := s.store.Associations(r.Context()); err == nil {
		for _, as := range as {
			name := as.NameVI
			if l == "en" {
				name = as.NameEN
			}
			p.Associations = append(p.Associations, option{Value: strconv.FormatInt(as.ID, 10), Label: name, Selected: slices.Contains(a.Associations, as.ID)})
		}
	}
	loc := s.bundle.For(l)
	for _, code := range advisors.Languages {
		p.Languages = append(p.Languages, option{Value: code, Label: loc.T("language." + code), Selected: slices.Contains(a.Languages, code)})
	}
	for _, wd := range s.ref.Wards {
		p.Wards = append(p.Wards, option{Value: wd.Code, Label: wd.Name, Selected: slices.Contains(a.Wards, wd.Code)})
	}
	for _, d := range weekdays {
		p.Days = append(p.Days, dayHoursField{Name: hoursField(d), Label: "weekday." + strings.ToLower(d.String()), Value: f.Get(hoursField(d)), Err: f.Err(hoursField(d))})
	}
	leave, err := s.store.LeaveOf(r.Context(), a.ID, s.now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, lv := range leave {
		p.Leave = append(p.Leave, leaveRow{ID: lv.ID, Label: leaveLabel(lv.Period, loc), Note: lv.Note})
	}
	s.render(w, r, status, "advisor_edit", p)
}

// advisorEditPost saves the profile, rules and hours, all or nothing.
func (s *Server) advisorEditPost(w http.ResponseWriter, r *http.Request) {
	names := []string{"bio_vi", "bio_en", "capacity", "slot", "buffer", "horizon", "notice", "online", "onsite", "meeting_url"}
	for _, d := range weekdays {
		names = append(names, hoursField(d))
	}
	f, ok := s.parseForm(w, r, names...)
	if !ok {
		return
	}
	adv, err := s.loadAdvisorFor(r, auth.ActAdvisorProfile)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	next := *adv
	if err := s.readAdvisorForm(r, f, &next); err != nil {
		s.fail(w, r, err)
		return
	}
	if !f.Valid() {
		s.renderAdvisorEdit(w, r, http.StatusUnprocessableEntity, &next, f, newForm())
		return
	}
	entry := store.AuditEntry{UserID: currentUser(r).ID, Action: "advisor.profile", Subject: "advisor:" + strconv.FormatInt(adv.ID, 10)}
	if err := s.store.UpdateAdvisor(r.Context(), &next, entry); err != nil {
		s.fail(w, r, err)
		return
	}
	if next.MeetingURL != adv.MeetingURL { // the bookings that follow the link tell their firms
		s.composeAfterCommit(r.Context(), 0)
	}
	s.redirect(w, r, advisorEditURL(adv.ID), "flash.advisor_saved")
}

func advisorEditURL(id int64) string { return "/advisors/" + strconv.FormatInt(id, 10) + "/edit" }

// readAdvisorForm copies the posted profile into a, recording problems on
// f; an error is the store's, reading the associations.
func (s *Server) readAdvisorForm(r *http.Request, f *form, a *store.Advisor) error {
	if utf8.RuneCountInString(f.Get("bio_vi")) > maxBio {
		f.Fail("bio_vi", "error.advisor.bio_long")
	}
	if utf8.RuneCountInString(f.Get("bio_en")) > maxBio {
		f.Fail("bio_en", "error.advisor.bio_long")
	}
	a.BioVI, a.BioEN = f.Get("bio_vi"), f.Get("bio_en")
	in := s.defaultInstrument()
	a.Pillars = pick(r.PostForm["pillar"], func(v string) bool { _, ok := in.Pillar(v); return ok })
	a.Sections = pick(r.PostForm["section"], func(v string) bool {
		return slices.ContainsFunc(s.ref.Sections(firms.VSICVersion2018), func(i firms.Industry) bool { return i.Code == v })
	})
	a.Languages = pick(r.PostForm["language"], func(v string) bool { return slices.Contains(advisors.Languages, v) })
	a.Wards = pick(r.PostForm["ward"], func(v string) bool { _, ok := s.ref.Ward(v); return ok })
	a.Associations = nil
	known, err := s.store.Associations(r.Context())
	if err != nil {
		return err
	}
	for _, v := range r.PostForm["association"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err == nil && slices.ContainsFunc(known, func(as firms.Association) bool { return as.ID == id }) && !slices.Contains(a.Associations, id) {
			a.Associations = append(a.Associations, id)
		}
	}
	if len(a.Pillars) == 0 {
		f.Fail("pillar", "error.advisor.pillars_required")
	}
	if len(a.Languages) == 0 {
		f.Fail("language", "error.advisor.languages_required")
	}
	a.Online, a.OnSite = f.Get("online") != "", f.Get("onsite") != ""
	if !a.Online && !a.OnSite {
		f.Fail("online", "error.advisor.mode_required")
	}
	link, err := advisors.CheckMeetingLink(f.Get("meeting_url"))
	if err != nil {
		f.Fail("meeting_url", err.Error())
	}
	a.MeetingURL = link
	num := func(field string, lo, hi int) int {
		n, err := strconv.Atoi(f.Get(field))
		if err != nil || n < lo || n > hi {
			f.Fail(field, "error.advisor.number_range")
		}
		return n
	}
	a.WeeklyCapacity = num("capacity", 1, maxCapacity)
	a.Rules = advisors.Rules{SlotMinutes: num("slot", 15, 240), BufferMinutes: num("buffer", 0, 120),
		HorizonDays: num("horizon", 1, 90), NoticeHours: num("notice", 0, 14*24)}
	a.Hours = nil
	for _, d := range weekdays {
		hs, err := advisors.ParseDayHours(d, f.Get(hoursField(d)))
		if err != nil {
			f.Fail(hoursField(d), err.Error())
			continue
		}
		a.Hours = append(a.Hours, hs...)
	}
	return nil
}

// pick keeps the distinct values ok accepts, in the order given.
func pick(vs []string, ok func(string) bool) []string {
	out := []string{}
	for _, v := range vs {
		if ok(v) && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
