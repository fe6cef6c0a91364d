package web

import (
	"math"
	"net/http"

	"dxready/charts"
	"dxready/disclosure"
	"dxready/locale"
	"dxready/store"
	"dxready/survey"
)

// dashboardCharts builds the dashboard's charts and its breakdown table
// from one Aggregate, so tables and charts always agree: levels, pillars
// against the province and the trend over the whole association; the
// heatmap over the shared selection.
func (s *Server) dashboardCharts(p *dashboardPage, ac *assocCtx, agg *store.Aggregate, pillars []string, by string, loc *locale.Localizer) error {
	l, cl := p.Lang, chartLocale(loc)
	var err error
	levels := make([]string, len(ac.in.Levels))
	counts := make([]float64, len(ac.in.Levels))
	for i, lv := range ac.in.Levels {
		levels[i] = loc.T("page.association.level_axis", "Level", i, "Name", lv.Name.In(l))
		counts[i] = math.NaN()
		if !agg.Whole.Suppressed {
			counts[i] = float64(agg.Whole.Levels[i])
		}
	}
	if p.LevelChart, err = charts.Bars("chart-levels", loc.T("page.association.levels_heading"), cl, levels,
		[]charts.Series{{Name: loc.T("page.association.firms"), Values: counts}}, 0); err != nil {
		return err
	}
	group, prov := make([]float64, len(pillars)), make([]float64, len(pillars))
	p.PillarGroupHidden = true
	for i := range pillars {
		group[i], prov[i] = nanIfSuppressed(agg.Whole.Pillars[i]), nanIfSuppressed(agg.Province.Pillars[i])
		p.PillarGroupHidden = p.PillarGroupHidden && math.IsNaN(group[i])
	}
	if p.PillarChart, err = charts.Bars("chart-pillars", loc.T("page.association.pillars_heading"), cl, pillars,
		[]charts.Series{{Name: ac.name, Values: group}, {Name: loc.T("page.association.province"), Values: prov}}, 100); err != nil {
		return err
	}
	quarters := make([]string, len(agg.Trend))
	trend := make([]float64, len(agg.Trend))
	for i, tp := range agg.Trend {
		quarters[i] = trendLabel(tp, agg, loc)
		trend[i] = nanIfSuppressed(tp.Overall)
	}
	if p.TrendChart, err = charts.Line("chart-trend", loc.T("page.association.trend_heading"), cl, quarters,
		[]charts.Series{{Name: loc.T("page.association.overall"), Values: trend}}); err != nil {
		return err
	}
	return s.breakdown(p, agg.By[by], pillars, by, loc)
}

// breakdown fills the shared selection's breakdown table and heatmap.
func (s *Server) breakdown(p *dashboardPage, groups []store.GroupRow, pillars []string, by string, loc *locale.Localizer) error {
	var rows []string
	var cells [][]float64
	for _, g := range groups {
		label := s.groupLabel(by, g.Key, loc, p.Lang)
		row := groupAggRow{Label: label, Firms: g.N, Suppressed: g.Suppressed}
		cellRow := make([]float64, len(pillars))
		for i := range pillars {
			cellRow[i] = nanIfSuppressed(g.Pillars[i])
		}
		if !g.Suppressed {
			row.Mean = loc.Decimal(g.Overall.Mean, 1)
		}
		p.Breakdown = append(p.Breakdown, row)
		rows, cells = append(rows, label), append(cells, cellRow)
	}
	switch n := len(rows); {
	case n <= 4:
		p.HeatSize = "rows-few"
	case n <= 12:
		p.HeatSize = "rows-some"
	default:
		p.HeatSize = "rows-many"
	}
	var err error
	p.HeatChart, err = charts.Heatmap("chart-heat", loc.T("page.association.heat_heading"), chartLocale(loc), pillars, rows, cells)
	return err
}

// chartLocale is what a chart needs to write its numbers as the page's
// tables do, and to name a suppressed figure as they do.
func chartLocale(loc *locale.Localizer) charts.Locale {
	dec, group := loc.Separators()
	return charts.Locale{Decimal: dec, Group: group, Gap: loc.T("page.association.suppressed", "Min", disclosure.MinGroup)}
}

// nanIfSuppressed turns a suppressed figure into NaN, which charts draw as
// a gap and tables as "fewer than 5 firms".
func nanIfSuppressed(st disclosure.Stat) float64 {
	if st.Suppressed {
		return math.NaN()
	}
	return st.Mean
}

// allPillarNames names every pillar of in, in order, in language l.
func allPillarNames(in *survey.Instrument, l string) []string {
	out := make([]string, len(in.Pillars))
	for i, pl := range in.Pillars {
		out[i] = pl.Name.In(l)
	}
	return out
}

// improvedMembers lists the most improved members among those that share
// their results with the association now (read live, never cached: a
// withdrawal takes effect at once, before the snapshot catches up).
func (s *Server) improvedMembers(r *http.Request, assocID int64, all []store.Improvement, loc *locale.Localizer) ([]improvedRow, error) {
	sharing, err := s.store.SharingFirms(r.Context(), assocID)
	if err != nil {
		return nil, err
	}
	var out []improvedRow
	for _, im := range all {
		if len(out) == improvedShown || im.Delta() <= 0 {
			break
		}
		if !sharing[im.FirmID] {
			continue
		}
		f, err := s.store.FindFirmByID(r.Context(), im.FirmID)
		if err != nil {
			return nil, err
		}
		out = append(out, improvedRow{FirmID: f.ID, Name: f.Name, From: loc.Decimal(im.From.Overall, 1), To: loc.Decimal(im.To.Overall, 1),
			Delta: "+" + loc.Decimal(im.Delta(), 1)})
	}
	return out, nil
}
