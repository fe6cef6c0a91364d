package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"dxready/auth"
	"dxready/locale"
	"dxready/scoring"
	"dxready/store"
)

// membersPerPage is the member list's page size.
const membersPerPage = 50

type membersPage struct {
	page
	AssociationID int64
	Name          string
	Query         string
	Statuses      []option
	Sections      []option
	Sizes         []option
	Wards         []option
	Sorts         []option
	Desc          bool
	Rows          []memberRow
	Count         store.Count
	PrevURL       string
	NextURL       string
	ExportCSV     string
	ExportXLSX    string
	CanExport     bool
	CanInvite     bool
	Pillars       []pillarHead
	Unknown       []unknownFilter // filters of the URL whose values are no choice of theirs
	// windowNotes: how much of the list the store searched, when it
	// stopped at its window.
	windowNotes
}

// unknownFilter is a filter of a list's URL whose value is not one of its
// choices, so the list is not filtered (or ordered) by it: Label is the
// filter's message ID, Value what the URL gave, cut to 40 characters.
type unknownFilter struct{ Param, Label, Value string }

// memberUnknownFilters returns the member list's filters in q that
// memberFilter ignored: a status or an order that is none of its choices.
func memberUnknownFilters(q url.Values, f store.MemberFilter) []unknownFilter {
	var out []unknownFilter
	for _, c := range []struct{ param, label, kept string }{{"status", "page.members.status", f.Status}, {"sort", "page.members.sort", f.Sort}} {
		if v := strings.TrimSpace(q.Get(c.param)); v != "" && c.kept == "" {
			if r := []rune(v); len(r) > 40 {
				v = string(r[:40]) + "…"
			}
			out = append(out, unknownFilter{Param: c.param, Label: c.label, Value: v})
		}
	}
	return out
}

// pillarHead heads a pillar's column: a short code that keeps the table
// inside a laptop's width, and the full name for readers, tooltips and the key.
type pillarHead struct{ Short, Name string }

type memberRow struct {
	FirmID             int64
	TaxCode, Name      string
	Status, Submitted  string
	Shared             bool   // scores shown
	NoScores           string // why not, when not
	Overall, LevelName string
	Pillars            []string
	CanInvite          bool
	Invited            string // when the association last invited it; "" never
	Registered         bool   // someone of the firm has a verified account
}

// memberFilter reads the member list's filters and order from the URL,
// ignoring values that are not known choices.
func (s *Server) memberFilter(q url.Values, assocID int64) store.MemberFilter {
	f := store.MemberFilter{AssociationID: assocID, Query: q.Get("q"), Desc: q.Get("desc") == "1"}
	if len(f.Query) > 200 {
		f.Query = f.Query[:200]
	}
	if st := q.Get("status"); st == store.MemberNotStarted || st == store.MemberDraft || st == store.MemberSubmitted {
		f.Status = st
	}
	agg := s.dashboardFilter(q, assocID, scoring.QuarterOf(s.now())) // its dimensions only
	f.Section, f.Size, f.Ward = agg.Section, agg.Size, agg.Ward
	if slices.Contains(store.MemberSorts, q.Get("sort")) {
		f.Sort = q.Get("sort")
	}
	return f
}

// memberQueryValues is f as URL parameters (page excluded).
func memberQueryValues(f store.MemberFilter) url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"q": f.Query, "status": f.Status, "section": f.Section, "size": f.Size, "ward": f.Ward, "sort": f.Sort} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if f.Desc {
		v.Set("desc", "1")
	}
	return v
}

// associationMembers lists an association's members with their status;
// level and scores only for members that share them with it.
func (s *Server) associationMembers(w http.ResponseWriter, r *http.Request) {
	ac, err := s.loadAssociation(r, auth.ActMembersView)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := s.memberFilter(q, ac.assoc.ID)
	f.Limit = membersPerPage
	for _, pl := range ac.in.Pillars {
		f.Pillars = append(f.Pillars, pl.ID)
	}
	u, l, loc := currentUser(r), lang(r), s.loc(r)
	target := auth.Target{AssociationID: ac.assoc.ID}
	p := membersPage{page: s.newPage(w, r, "page.members.title"), AssociationID: ac.assoc.ID, Name: ac.name, Query: f.Query, Desc: f.Desc,
		CanExport: auth.Can(u, auth.ActAssociationExport, target), CanInvite: auth.Can(u, auth.ActMemberInvite, target)}
	p.Unknown = memberUnknownFilters(q, f)
	f.Cursor = listCursor(q, &p.page)
	found, err := s.store.PageMembers(r.Context(), f)
	if errors.Is(err, store.ErrBadCursor) {
		p.Flash, f.Cursor = pagerRestarted, ""
		found, err = s.store.PageMembers(r.Context(), f)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Count = found.Count
	for i, pl := range ac.in.Pillars {
		p.Pillars = append(p.Pillars, pillarHead{Short: loc.T("page.members.pillar_short", "N", i+1), Name: pl.Name.In(l)})
	}
	s.memberOptions(&p, f, loc, l)
	for _, m := range found.Members {
		p.Rows = append(p.Rows, s.memberView(m, ac, loc, l, p.CanInvite))
	}
	qv := memberQueryValues(f)
	p.ExportCSV = assocURL(ac.assoc.ID, "/members.csv", qv.Encode())
	p.ExportXLSX = assocURL(ac.assoc.ID, "/members.xlsx", qv.Encode())
	p.PrevURL, p.NextURL = pagerURLs(assocURL(ac.assoc.ID, "/members", ""), qv, found.Links)
	memberWindowNotes(&p, found, loc)
	s.render(w, r, http.StatusOK, "members", p)
}

// memberWindow are the member list's windowNotes messages.
var memberWindow = windowMessages{within: "page.members.found_within", window: "page.members.window", windowBack: "page.members.window_back",
	further: "page.members.search_further", furtherBack: "page.members.search_further_back"}

// memberWindowNotes tells the lead when the store searched part of the
// list only: the count, of its first members; the page, stopped before it
// was full, whose link that way becomes "search further".
func memberWindowNotes(p *membersPage, found store.MemberPage, loc *locale.Localizer) {
	p.windowNotes.set(found.Window, found.Count, len(found.Members), &p.PrevURL, &p.NextURL, loc, memberWindow)
}

func (s *Server) memberView(m store.Member, ac *assocCtx, loc *locale.Localizer, l string, canInvite bool) memberRow {
	row := memberRow{FirmID: m.FirmID, TaxCode: string(m.TaxCode), Name: m.Name, Status: loc.T(memberStatusMessage[m.Status]),
		Submitted: submittedLabel(m, loc), Shared: scoresShown(m), CanInvite: canInvite && !m.HasAccount, Registered: m.HasAccount}
	if !m.InvitedAt.IsZero() {
		row.Invited = loc.Date(m.InvitedAt)
	}
	if !row.Shared {
		row.NoScores = loc.T(noScoresMessage(m))
		return row
	}
	row.Overall = loc.Decimal(m.Overall, 1)
	if m.Level >= 0 && m.Level < len(ac.in.Levels) {
		row.LevelName = ac.in.Levels[m.Level].Name.In(l)
	}
	for _, v := range m.Pillars {
		if v.Valid {
			row.Pillars = append(row.Pillars, loc.Decimal(v.Float64, 1))
		} else {
			row.Pillars = append(row.Pillars, "")
		}
	}
	return row
}

// scoresShown reports whether a member's scores are on the list: it has a
// result and shares it.
func scoresShown(m store.Member) bool { return m.Shared && m.Status == store.MemberSubmitted }

// noScoresMessage says why a member's scores are not on the list.
func noScoresMessage(m store.Member) string {
	switch m.Status {
	case store.MemberNotStarted:
		return "page.members.not_assessed"
	case store.MemberDraft:
		return "page.members.no_result_yet"
	}
	return "page.members.not_shared"
}

// submittedLabel is when a member's current result was submitted: the date
// where it is shared, the quarter otherwise, nothing without a result.
func submittedLabel(m store.Member, loc *locale.Localizer) string {
	switch {
	case m.Status != store.MemberSubmitted:
		return ""
	case !m.SubmittedAt.IsZero():
		return loc.Date(m.SubmittedAt)
	}
	return quarterLabel(m.Quarter, loc)
}

var memberStatusMessage = map[string]string{
	store.MemberNotStarted: "page.members.status_none",
	store.MemberDraft:      "page.members.status_draft",
	store.MemberSubmitted:  "page.members.status_submitted",
}

var memberSortMessage = map[string]string{
	"name": "page.members.sort_name", "status": "page.members.sort_status",
	"submitted": "page.members.sort_submitted", "score": "page.members.sort_score",
}

func (s *Server) memberOptions(p *membersPage, f store.MemberFilter, loc *locale.Localizer, l string) {
	for _, st := range []string{store.MemberNotStarted, store.MemberDraft, store.MemberSubmitted} {
		p.Statuses = append(p.Statuses, option{Value: st, Label: loc.T(memberStatusMessage[st]), Selected: st == f.Status})
	}
	p.Sections, p.Sizes, p.Wards = s.dimensionOptions(f.Section, f.Size, f.Ward, loc, l)
	for _, so := range store.MemberSorts {
		p.Sorts = append(p.Sorts, option{Value: so, Label: loc.T(memberSortMessage[so]), Selected: so == f.Sort || (f.Sort == "" && so == "name")})
	}
}
