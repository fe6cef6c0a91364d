package web

import (
	"net/http"
	"net/url"
	"strconv"

	"dxready/auth"
	"dxready/charts"
	"dxready/disclosure"
	"dxready/firms"
	"dxready/locale"
	"dxready/scoring"
	"dxready/store"
)

// improvedShown is how many of the most improved sharing members a
// dashboard lists.
const improvedShown = 10

// largeMargin is the margin, in points, from which the page warns that the
// protected figures of a small association are rough.
const largeMargin = 3.0

// dashboardPage is an association's dashboard in its two populations
// (store.Aggregate): the whole association, protected, and the members
// that share their results, exact and narrowed by the filters.
type dashboardPage struct {
	page
	AssociationID int64
	Name          string
	AsOf          string
	Quarter       string // the period chosen, for the second form
	ExportCSV     string // the aggregates with the page's filters
	ExportXLSX    string
	Quarters      []option
	CanMembers    bool
	CanExport     bool
	// The whole association.
	Members, Assessed, Sharing int
	Share                      string
	Suppressed                 bool
	Mean, Margin               string
	MarginLarge                bool // the deviation is large: few results
	Levels                     []levelRow
	Pillars                    []pillarAggRow
	LevelChart                 charts.Chart
	PillarChart                charts.Chart
	PillarGroupHidden          bool // the selection's bars are all suppressed: the chart shows the province alone
	TrendChart                 charts.Chart
	// The members that share their results.
	Filtered         bool
	Sections         []option
	Sizes            []option
	Wards            []option
	By               []option
	Selected         int
	SharedSuppressed bool
	SharedMean       string
	SharedPillars    []pillarAggRow
	Breakdown        []groupAggRow
	HeatChart        charts.Chart
	HeatSize         string // a CSS class: the heatmap's height follows its rows
	Improved         []improvedRow
}

type levelRow struct {
	Name  string
	Count int
}

// pillarAggRow is one pillar's row; quartiles are filled for exact
// figures only, the province for the whole association only.
type pillarAggRow struct {
	Name                         string
	Suppressed                   bool
	N                            int
	Mean, P25, Median, P75, Prov string
}

type groupAggRow struct {
	Label      string
	Firms      int
	Suppressed bool
	Mean       string
}

type improvedRow struct {
	FirmID                int64
	Name, From, To, Delta string
}

// associationDashboard shows an association's participation, levels,
// pillars against the province and trend over all its assessed members
// (protected), then the members that share their results, exact, with the
// filters, breakdown heatmap and most improved.
func (s *Server) associationDashboard(w http.ResponseWriter, r *http.Request) {
	ac, err := s.loadAssociation(r, auth.ActAssociationView)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	snap, err := s.store.Snapshot(r.Context(), ac.in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	nowQ := scoring.QuarterOf(snap.BuiltAt)
	f := s.dashboardFilter(q, ac.assoc.ID, nowQ)
	agg, err := snap.Aggregate(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, l, loc := currentUser(r), lang(r), s.loc(r)
	p := dashboardPage{page: s.newPage(w, r, "page.association.title"), AssociationID: ac.assoc.ID, Name: ac.name,
		AsOf: loc.DateTime(agg.AsOf), Members: agg.Members, Assessed: agg.Assessed, Sharing: agg.Sharing,
		Share: loc.Percent(share(agg.Assessed, agg.Members), 0), Suppressed: agg.Whole.Suppressed,
		Filtered: f.Filtered(), Selected: agg.Selected, SharedSuppressed: agg.Shared.Suppressed,
		CanMembers: auth.Can(u, auth.ActMembersView, auth.Target{AssociationID: ac.assoc.ID}),
		CanExport:  auth.Can(u, auth.ActAssociationExport, auth.Target{AssociationID: ac.assoc.ID})}
	if f.Quarter != (scoring.Quarter{}) {
		p.Quarter = f.Quarter.String()
	}
	qs := filterQuery(f).Encode()
	p.ExportCSV = assocURL(ac.assoc.ID, "/aggregates.csv", qs)
	p.ExportXLSX = assocURL(ac.assoc.ID, "/aggregates.xlsx", qs)
	by := breakdownOf(q)
	s.dashboardOptions(&p, f, by, nowQ, loc, l)
	if !agg.Whole.Suppressed {
		p.Mean, p.Margin = loc.Decimal(agg.Whole.Overall.Mean, 1), loc.Decimal(agg.Whole.Margin(), 1)
		p.MarginLarge = agg.Whole.Margin() >= largeMargin
		for i, n := range agg.Whole.Levels {
			p.Levels = append(p.Levels, levelRow{Name: ac.in.Levels[i].Name.In(l), Count: n})
		}
	}
	if !agg.Shared.Suppressed {
		p.SharedMean = loc.Decimal(agg.Shared.Overall.Mean, 1)
	}
	names := allPillarNames(ac.in, l)
	for i, name := range names {
		p.Pillars = append(p.Pillars, pillarAggView(name, agg.Whole.Pillars[i], &agg.Province.Pillars[i], loc))
		p.SharedPillars = append(p.SharedPillars, pillarAggView(name, agg.Shared.Pillars[i], nil, loc))
	}
	if err := s.dashboardCharts(&p, ac, agg, names, by, loc); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.CanMembers {
		if p.Improved, err = s.improvedMembers(r, ac.assoc.ID, agg.Improved, loc); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "association", p)
}

// breakdownOf is the dimension the shared selection is broken down by.
func breakdownOf(q url.Values) string {
	if by := q.Get("by"); by == store.BySize || by == store.ByWard {
		return by
	}
	return store.BySection
}

// pillarAggView is a pillar's row: quartiles when the figures have them,
// the province's mean when prov is given.
func pillarAggView(name string, st disclosure.Stat, prov *disclosure.Stat, loc *locale.Localizer) pillarAggRow {
	row := pillarAggRow{Name: name, Suppressed: st.Suppressed, N: st.N}
	if !st.Suppressed {
		row.Mean = loc.Decimal(st.Mean, 1)
		if st.Quantiles {
			row.P25, row.Median, row.P75 = loc.Decimal(st.P25, 1), loc.Decimal(st.Median, 1), loc.Decimal(st.P75, 1)
		}
	}
	if prov != nil && !prov.Suppressed {
		row.Prov = loc.Decimal(prov.Mean, 1)
	}
	return row
}

// filterQuery is f as URL parameters.
func filterQuery(f store.AggFilter) url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"section": f.Section, "division": f.Division, "size": f.Size, "ward": f.Ward} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if f.Quarter != (scoring.Quarter{}) {
		v.Set("quarter", f.Quarter.String())
	}
	return v
}

// dashboardOptions fills the filter selects.
func (s *Server) dashboardOptions(p *dashboardPage, f store.AggFilter, by string, nowQ scoring.Quarter, loc *locale.Localizer, l string) {
	p.Sections, p.Sizes, p.Wards = s.dimensionOptions(f.Section, f.Size, f.Ward, loc, l)
	qs := scoring.LastQuarters(nowQ, store.TrendQuarters)
	for i := len(qs) - 2; i >= 0; i-- { // the current quarter is the default, "now"
		p.Quarters = append(p.Quarters, option{Value: qs[i].String(), Label: quarterLabel(qs[i], loc), Selected: qs[i] == f.Quarter})
	}
	for _, b := range []struct{ dim, label string }{{store.BySection, "page.association.by_section"},
		{store.BySize, "page.association.by_size"}, {store.ByWard, "page.association.by_ward"}} {
		p.By = append(p.By, option{Value: b.dim, Label: loc.T(b.label), Selected: b.dim == by})
	}
}

func quarterLabel(q scoring.Quarter, loc *locale.Localizer) string {
	return loc.T("format.quarter", "Q", q.Q, "Year", strconv.Itoa(q.Year))
}

// trendLabel names a trend point: a quarter, or the quarter not over yet
// "so far" (its figures are those of the aggregate's instant).
func trendLabel(tp store.TrendPoint, agg *store.Aggregate, loc *locale.Localizer) string {
	if !tp.Quarter.End().After(agg.AsOf) {
		return quarterLabel(tp.Quarter, loc)
	}
	return loc.T("page.association.so_far", "Quarter", quarterLabel(tp.Quarter, loc))
}

// groupLabel names a breakdown group in the user's language.
func (s *Server) groupLabel(by, key string, loc *locale.Localizer, l string) string {
	switch {
	case key == "":
		return loc.T("common.not_given")
	case by == store.BySize:
		return loc.T("size." + key)
	case by == store.ByWard:
		if w, ok := s.ref.Ward(key); ok {
			return w.Name
		}
	case by == store.BySection:
		for _, sec := range s.ref.Sections(firms.VSICVersion2018) {
			if sec.Code == key {
				return key + " – " + sec.Name(l)
			}
		}
	}
	return key
}

// assocURL is association id's page rest, with query when there is one.
func assocURL(id int64, rest, query string) string {
	u := "/associations/" + strconv.FormatInt(id, 10) + rest
	if query != "" {
		u += "?" + query
	}
	return u
}

// dimensionOptions are the section, size and ward choices of a filter form.
func (s *Server) dimensionOptions(section, size, ward string, loc *locale.Localizer, l string) (sections, sizes, wards []option) {
	for _, sec := range s.ref.Sections(firms.VSICVersion2018) {
		sections = append(sections, option{Value: sec.Code, Label: sec.Code + " – " + sec.Name(l), Selected: sec.Code == section})
	}
	for _, sz := range firms.SizeClasses {
		sizes = append(sizes, option{Value: string(sz), Label: loc.T("size." + string(sz)), Selected: string(sz) == size})
	}
	for _, wd := range s.ref.Wards {
		wards = append(wards, option{Value: wd.Code, Label: wd.Name, Selected: wd.Code == ward})
	}
	return sections, sizes, wards
}
