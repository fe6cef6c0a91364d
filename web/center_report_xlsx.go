package web

import (
	"net/http"

	"dxready/locale"
)

// centerReportXLSX downloads every table of the quarterly report in one
// sheet, each under its title, numbers as numbers: what the A4 page shows,
// for whoever works on it further.
func (s *Server) centerReportXLSX(w http.ResponseWriter, r *http.Request) {
	p, err := s.report(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	done, err := s.auditedExport(r, "quarterly report")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.loc(r)
	sh, err := startExport(w, "xlsx", "report-"+safeFilename(p.QuarterValue)+"-"+safeFilename(p.ReportTitle), loc.T("page.center_report.sheet"))
	if err != nil {
		done(0, err)
		s.fail(w, r, err)
		return
	}
	rows := reportRows(p, loc)
	n := 0
	for _, row := range rows {
		if err = sh.Row(row); err != nil {
			break
		}
		n++
	}
	if err == nil {
		err = sh.Close()
	}
	done(n, err)
	if err != nil {
		s.log.Error("quarterly report download", "err", err)
	}
}

// reportRows lays the report's tables one under another.
func reportRows(p *quarterlyPage, loc *locale.Localizer) [][]any {
	t := loc.T
	rows := [][]any{
		{t("page.center_report.heading"), p.ReportTitle, p.Period},
		{t("page.center_province.registry"), p.Registry, t("page.center_province.assessed"), p.Assessed},
		{t("page.association.mean"), p.meanV, t("page.center_province.margin_col"), p.marginV},
	}
	if p.Estimate != nil {
		rows = append(rows, nil, []any{t("page.center_province.estimate_heading"), p.est.Registry},
			[]any{t("page.association.mean"), p.est.Mean.Value, p.est.Mean.Lo, p.est.Mean.Hi})
		for i, iv := range p.est.Levels {
			rows = append(rows, []any{p.LevelNames[i], iv.Value, iv.Lo, iv.Hi})
		}
	}
	rows = append(rows, nil, []any{t("page.association.levels_heading"), t("page.association.firms"), t("page.center_province.share")})
	for _, lv := range p.Levels {
		rows = append(rows, []any{lv.Name, lv.Count, lv.shareV})
	}
	rows = append(rows, nil, []any{t("page.association.pillars_heading"), t("page.association.n"), t("page.association.mean"), t("page.association.province")})
	for i, pv := range p.pillarVals {
		rows = append(rows, []any{p.Pillars[i].Name, pv.n, pv.mean, pv.prov})
	}
	head := []any{t("page.association.trend_heading"), t("page.association.firms"), t("page.association.mean")}
	for _, n := range p.LevelNames {
		head = append(head, n+" (%)")
	}
	rows = append(rows, nil, head)
	for _, tr := range p.TrendRows {
		row := []any{tr.Quarter, tr.N, tr.meanV}
		for _, v := range tr.sharesV {
			row = append(row, v)
		}
		rows = append(rows, row)
	}
	for _, b := range p.Breakdowns {
		rows = append(rows, nil, []any{b.Name, t("page.center_province.registry"), t("page.center_province.assessed"),
			t("page.center_province.participation_col"), t("page.association.mean"), t("page.center_province.margin_col")})
		for _, row := range b.Rows {
			rows = append(rows, []any{row.Label, row.Registry, row.Assessed, 100 * share(row.Assessed, row.Registry), row.meanV, row.marginV})
		}
	}
	return rows
}
