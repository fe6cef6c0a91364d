package web

import (
	"math"
	"time"

	"dxready/charts"
	"dxready/disclosure"
	"dxready/locale"
	"dxready/store"
	"dxready/survey"
)

// provinceFigures fills levels, pillars against the province, and the
// trend with the share of firms at each level by quarter (how firms moved
// between levels), tables and charts from the same figures.
func (s *Server) provinceFigures(p *provinceData, in *survey.Instrument, fig, prov disclosure.Figures, trend []store.TrendPoint,
	asOf time.Time, loc *locale.Localizer, l string) error {
	cl := chartLocale(loc)
	levels := make([]string, len(in.Levels))
	counts := make([]float64, len(in.Levels))
	for i, lv := range in.Levels {
		levels[i] = loc.T("page.association.level_axis", "Level", i, "Name", lv.Name.In(l))
		counts[i] = math.NaN()
		if !fig.Suppressed {
			counts[i] = float64(fig.Levels[i])
			p.Levels = append(p.Levels, provinceLevelRow{Name: lv.Name.In(l), Count: fig.Levels[i],
				Share: loc.Percent(share(fig.Levels[i], fig.N), 0), shareV: 100 * share(fig.Levels[i], fig.N)})
		}
	}
	var err error
	if p.LevelChart, err = charts.Bars("chart-levels", loc.T("page.association.levels_heading"), cl, levels,
		[]charts.Series{{Name: loc.T("page.association.firms"), Values: counts}}, 0); err != nil {
		return err
	}
	names := allPillarNames(in, l)
	sel, all := make([]float64, len(names)), make([]float64, len(names))
	for i, name := range names {
		p.Pillars = append(p.Pillars, pillarAggView(name, fig.Pillars[i], &prov.Pillars[i], loc))
		sel[i], all[i] = nanIfSuppressed(fig.Pillars[i]), nanIfSuppressed(prov.Pillars[i])
		p.pillarVals = append(p.pillarVals, pillarVal{n: fig.Pillars[i].N, mean: sel[i], prov: all[i]})
	}
	selName := p.Selection
	if selName == "" {
		selName = loc.T("page.association.province")
	}
	if p.PillarChart, err = charts.Bars("chart-pillars", loc.T("page.association.pillars_heading"), cl, names,
		[]charts.Series{{Name: selName, Values: sel}, {Name: loc.T("page.association.province"), Values: all}}, 100); err != nil {
		return err
	}
	return s.provinceTrend(p, in, trend, asOf, loc, l)
}

// provinceTrend fills the trend table and its two charts: the mean score,
// and the share of firms at each level, quarter by quarter.
func (s *Server) provinceTrend(p *provinceData, in *survey.Instrument, trend []store.TrendPoint, asOf time.Time, loc *locale.Localizer, l string) error {
	cl := chartLocale(loc)
	labels := make([]string, len(trend))
	means := make([]float64, len(trend))
	shares := make([]charts.Series, len(in.Levels))
	for i, lv := range in.Levels {
		shares[i] = charts.Series{Name: lv.Name.In(l), Values: make([]float64, len(trend))}
	}
	for qi, tp := range trend {
		labels[qi] = quarterLabel(tp.Quarter, loc)
		if tp.Quarter.End().After(asOf) {
			labels[qi] = loc.T("page.association.so_far", "Quarter", labels[qi])
		}
		means[qi] = nanIfSuppressed(tp.Overall)
		row := trendRow{Quarter: labels[qi], N: tp.N, Suppressed: tp.Suppressed, meanV: means[qi]}
		if !tp.Suppressed {
			row.Mean = loc.Decimal(tp.Overall.Mean, 1)
		}
		for i := range in.Levels {
			shares[i].Values[qi] = math.NaN()
			if !tp.Suppressed {
				v := 100 * share(tp.Levels[i], tp.N)
				shares[i].Values[qi] = v
				row.Shares = append(row.Shares, loc.Decimal(v, 0))
				row.sharesV = append(row.sharesV, v)
			}
		}
		p.TrendRows = append(p.TrendRows, row)
	}
	var err error
	if p.TrendChart, err = charts.Line("chart-trend", loc.T("page.association.trend_heading"), cl, labels,
		[]charts.Series{{Name: loc.T("page.association.overall"), Values: means}}); err != nil {
		return err
	}
	p.MovementChart, err = charts.Line("chart-movement", loc.T("page.center_province.movement_heading"), cl, labels, shares)
	return err
}
