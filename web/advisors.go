package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"dxready/advisors"
	"dxready/auth"
	"dxready/firms"
	"dxready/locale"
	"dxready/store"
	"dxready/survey"
)

// slotsShown is how many next free slots a suggestion shows.
const slotsShown = 3

type slotView struct {
	Label string // "Thứ Hai, 23/11/2026 13:30–14:30 (GMT+7)"
	Time  string // "13:30"
	Start int64  // Unix seconds: the value a form posts
	URL   string // the booking form for this slot; "" in a preview
}

type dayView struct {
	Label string
	Slots []slotView
}

type advisorCard struct {
	ID        int64
	Name, Bio string
	Pillars   []string
	Languages []string
	Online    bool
	OnSite    bool
	Reason    string
	Full      bool
	Next      []slotView
	Refusal   string // why the firm may not book this advisor now (fair use)
}

type advisorsPage struct {
	page
	HasResult bool
	Suggested []advisorCard
	Others    []advisorCard
	Languages []option
	OnSite    bool
}

// firmNeed is what matching needs of the signed-in firm: its profile,
// associations and latest result's weakest pillars.
func (s *Server) firmNeed(r *http.Request, firmID int64, in *survey.Instrument) (advisors.Need, *store.Submission, error) {
	ctx := r.Context()
	f, err := s.store.FindFirmByID(ctx, firmID)
	if err != nil {
		return advisors.Need{}, nil, err
	}
	assocs, err := s.store.FirmAssociationIDs(ctx, firmID)
	if err != nil {
		return advisors.Need{}, nil, err
	}
	need := advisors.Need{Section: f.Section, Associations: assocs, Ward: f.WardCode, Language: lang(r)}
	if l := r.URL.Query().Get("consult_lang"); slices.Contains(advisors.Languages, l) {
		need.Language = l
	}
	need.OnSite = r.URL.Query().Get("mode") == "onsite"
	subs, err := s.store.Submissions(ctx, firmID)
	if err != nil || len(subs) == 0 {
		return need, nil, err
	}
	latest := subs[0]
	need.Weakest = weakest(in, latest.Pillars)
	return need, &latest, nil
}

// advisorsIndex proposes advisors to a firm, best first, each with the
// reason and the next free slots, then lists every other advisor.
func (s *Server) advisorsIndex(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if !canBook(u) {
		s.fail(w, r, errForbidden)
		return
	}
	in := s.defaultInstrument()
	need, latest, err := s.firmNeed(r, u.FirmID, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all, err := s.store.Advisors(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loads, err := s.store.Loads(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	byID := map[int64]*store.Advisor{}
	profiles := make([]advisors.Profile, 0, len(all))
	for _, a := range all {
		byID[a.ID] = a
		profiles = append(profiles, a.Profile)
	}
	ranked := advisors.Rank(need, profiles, loads)
	scheds, err := s.store.Schedules(r.Context(), all, s.holidays)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc, l := s.loc(r), lang(r)
	assocs, err := s.store.Associations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	assocNames := map[string]string{}
	for _, a := range assocs {
		assocNames[strconv.FormatInt(a.ID, 10)] = a.Name(l)
	}
	p := advisorsPage{page: s.newPage(w, r, "page.advisors.title"), HasResult: latest != nil, OnSite: need.OnSite}
	for _, code := range advisors.Languages {
		p.Languages = append(p.Languages, option{Value: code, Label: loc.T("language." + code), Selected: code == need.Language})
	}
	check, err := s.fairUse(r, u.FirmID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	for i, sg := range ranked {
		a := byID[sg.Advisor.ID]
		card := s.advisorCard(a, loc, l, in)
		card.Reason, card.Full = s.reasonText(sg.Reasons, assocNames, loc, l, in), sg.Full
		var free []advisors.Period
		free, card.Refusal = s.bookable(check, a.ID, scheds[a.ID].FreeSlots(now), slotsShown, loc)
		for _, f := range free {
			card.Next = append(card.Next, s.slotView(a.ID, f, loc, l))
		}
		if i < 3 {
			p.Suggested = append(p.Suggested, card)
		} else {
			p.Others = append(p.Others, card)
		}
	}
	s.render(w, r, http.StatusOK, "advisors", p)
}

func (s *Server) advisorCard(a *store.Advisor, loc *locale.Localizer, l string, in *survey.Instrument) advisorCard {
	c := advisorCard{ID: a.ID, Name: a.Name, Bio: a.BioVI, Online: a.Online, OnSite: a.OnSite}
	if l == locale.EN && a.BioEN != "" {
		c.Bio = a.BioEN
	}
	for _, pl := range in.Pillars {
		if slices.Contains(a.Pillars, pl.ID) {
			c.Pillars = append(c.Pillars, pl.Name.In(l))
		}
	}
	for _, code := range a.Languages {
		c.Languages = append(c.Languages, loc.T("language."+code))
	}
	return c
}

// pillarReasonMessage words a pillar reason by its rank among the firm's
// weakest pillars.
var pillarReasonMessage = map[string]string{
	advisors.ReasonPillar:  "advisor.reason.pillar",
	advisors.ReasonPillar2: "advisor.reason.pillar2",
	advisors.ReasonPillar3: "advisor.reason.pillar3",
}

// reasonText words a suggestion's reasons in the user's language:
// "Hiệp hội Gỗ; trụ cột yếu nhất của bạn: Dữ liệu".
// assocNames maps association IDs (as text) to names in the user's language.
func (s *Server) reasonText(rs []advisors.Reason, assocNames map[string]string, loc *locale.Localizer, l string, in *survey.Instrument) string {
	var parts []string
	for _, r := range rs {
		switch r.Kind {
		case advisors.ReasonAssociation:
			if name, ok := assocNames[r.Value]; ok {
				parts = append(parts, loc.T("advisor.reason.association", "Name", name))
			}
		case advisors.ReasonPillar, advisors.ReasonPillar2, advisors.ReasonPillar3:
			if pl, ok := in.Pillar(r.Value); ok {
				parts = append(parts, loc.T(pillarReasonMessage[r.Kind], "Name", pl.Name.In(l)))
			}
		case advisors.ReasonSection:
			parts = append(parts, loc.T("advisor.reason.section", "Name", s.sectionName(r.Value, l)))
		case advisors.ReasonLanguage:
			parts = append(parts, loc.T("advisor.reason.language", "Name", loc.T("language."+r.Value)))
		case advisors.ReasonArea:
			name := r.Value
			if w, ok := s.ref.Ward(r.Value); ok {
				name = w.Name
			}
			parts = append(parts, loc.T("advisor.reason.area", "Name", name))
		default:
			parts = append(parts, loc.T("advisor.reason.available"))
		}
	}
	return strings.Join(parts, "; ")
}

// slotView labels a free slot and links to its booking form.
func (s *Server) slotView(advisorID int64, p advisors.Period, loc *locale.Localizer, l string) slotView {
	return slotView{Label: slotLabel(p, loc), Time: p.Start.In(advisors.Zone).Format("15:04"), Start: p.Start.Unix(),
		URL: "/advisors/" + strconv.FormatInt(advisorID, 10) + "/book?start=" + strconv.FormatInt(p.Start.Unix(), 10)}
}

// slotLabel is "Thứ Hai, 23/11/2026 13:30–14:30 (GMT+7)".
func slotLabel(p advisors.Period, loc *locale.Localizer) string {
	return loc.Span(p.Start, p.End)
}

// byDay groups slots by local day.
func byDay(slots []slotView, periods []advisors.Period, loc *locale.Localizer) []dayView {
	var out []dayView
	last := ""
	for i, p := range periods {
		st := p.Start.In(advisors.Zone)
		key := st.Format(time.DateOnly)
		if key != last {
			out = append(out, dayView{Label: loc.Day(st)})
			last = key
		}
		out[len(out)-1].Slots = append(out[len(out)-1].Slots, slots[i])
	}
	return out
}

type advisorPage struct {
	page
	Advisor advisorCard
	Days    []dayView
	Active  bool
	// Preview: the advisor or the Center looking at the page firms see;
	// the slots are shown, not offered.
	Preview bool
}

// advisorView shows one advisor and every free slot over the horizon a
// firm may book; the advisor and the Center see the same as a preview.
func (s *Server) advisorView(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	preview := !canBook(u)
	if preview && (err != nil || !auth.Can(u, auth.ActAdvisorProfile, auth.Target{AdvisorID: id})) {
		s.fail(w, r, errForbidden)
		return
	}
	a, err := s.advisorFromPath(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc, l := s.loc(r), lang(r)
	p := advisorPage{page: s.newPage(w, r, "page.advisor.title"), Advisor: s.advisorCard(a, loc, l, s.defaultInstrument()), Active: a.Active,
		Preview: preview}
	if a.Active {
		sc, err := s.store.Schedule(r.Context(), a, s.holidays)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		free := sc.FreeSlots(s.now())
		if !preview {
			check, err := s.fairUse(r, u.FirmID)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			free, p.Advisor.Refusal = s.bookable(check, a.ID, free, 0, loc)
		}
		views := make([]slotView, len(free))
		for i, f := range free {
			if views[i] = s.slotView(a.ID, f, loc, l); preview {
				views[i].URL = ""
			}
		}
		p.Days = byDay(views, free, loc)
	}
	s.render(w, r, http.StatusOK, "advisor", p)
}

// fairUse reads the firm's bookings once and returns the question the
// booking transaction will ask of each slot (advisors.CheckFairUse), for
// pages to offer only the slots the firm may book.
func (s *Server) fairUse(r *http.Request, firmID int64) (func(advisorID int64, p advisors.Period) error, error) {
	held, now, err := s.store.HeldBookings(r.Context(), firmID)
	if err != nil {
		return nil, err
	}
	return func(advisorID int64, p advisors.Period) error {
		return advisors.CheckFairUse(s.limits, held, advisors.Booking{AdvisorID: advisorID, Period: p}, now)
	}, nil
}

// bookable keeps, of the advisor's free slots, the first n (0: all) that
// check allows: a slot at the time of another of the firm's consultations
// is left out; when fair use refuses the advisor outright, none is kept
// and refusal says why in loc's language.
func (s *Server) bookable(check func(int64, advisors.Period) error, advisorID int64, free []advisors.Period, n int, loc *locale.Localizer) (out []advisors.Period, refusal string) {
	for _, f := range free {
		switch err := check(advisorID, f); {
		case err == nil:
			if out = append(out, f); len(out) == n {
				return out, ""
			}
		case errors.Is(err, advisors.ErrFirmBusy):
		default:
			_, refusal, _ = s.refusal(err, loc)
			return nil, refusal
		}
	}
	return out, ""
}

func (s *Server) advisorFromPath(r *http.Request) (*store.Advisor, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, store.ErrNotFound
	}
	return s.store.FindAdvisor(r.Context(), id)
}

// defaultInstrument is the latest version of the default instrument (New
// checks there is one).
func (s *Server) defaultInstrument() *survey.Instrument {
	in, _ := survey.Latest(s.cfg.Instruments, survey.DefaultID)
	return in
}

// sectionName is "C – Manufacturing" for a VSIC section code.
func (s *Server) sectionName(code, l string) string {
	for _, sec := range s.ref.Sections(firms.VSICVersion2018) {
		if sec.Code == code {
			return sec.Name(l)
		}
	}
	return code
}

// canBook: booking is done by a firm's user for its own firm; the Center
// does not book on a firm's behalf, so users without a firm get 403.
func canBook(u *auth.User) bool {
	return u.FirmID != 0 && auth.Can(u, auth.ActAdvisorBook, auth.Target{FirmID: u.FirmID})
}
