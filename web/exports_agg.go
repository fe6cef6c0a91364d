package web

import (
	"fmt"
	"net/http"

	"dxready/auth"
	"dxready/locale"
	"dxready/scoring"
	"dxready/store"
)

func (s *Server) aggregatesCSV(w http.ResponseWriter, r *http.Request) {
	s.aggregatesExport(w, r, "csv")
}
func (s *Server) aggregatesXLSX(w http.ResponseWriter, r *http.Request) {
	s.aggregatesExport(w, r, "xlsx")
}

// aggregatesExport writes the dashboard's figures for the URL's filters:
// the selection, the province, each breakdown group and each quarter,
// from the same Aggregate the dashboard draws, suppressed the same way.
func (s *Server) aggregatesExport(w http.ResponseWriter, r *http.Request, format exportFormat) {
	ac, err := s.loadAssociation(r, auth.ActAssociationExport)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	snap, err := s.store.Snapshot(r.Context(), ac.in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	agg := snap.Aggregate(s.dashboardFilter(r.URL.Query(), ac.assoc.ID, scoring.QuarterOf(snap.BuiltAt)))
	l, loc := lang(r), s.loc(r)
	sh, err := startExport(w, format, "figures-"+safeFilename(ac.assoc.Code)+"-"+s.now().In(scoring.Zone).Format("2006-01-02"), loc.T("export.figures_sheet"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	head := []any{loc.T("export.breakdown"), loc.T("page.association.group"), loc.T("page.association.firms"), loc.T("export.note")}
	for _, lv := range ac.in.Levels {
		head = append(head, loc.T("export.level_count", "Name", lv.Name.In(l)))
	}
	head = append(head, loc.T("page.association.mean"), loc.T("page.association.p25"), loc.T("page.association.median"), loc.T("page.association.p75"))
	for _, pl := range ac.in.Pillars {
		head = append(head, pl.Name.In(l))
	}
	rows := [][]any{head,
		summaryCells(loc.T("export.selection"), ac.name, agg.Group, loc),
		summaryCells(loc.T("export.selection"), loc.T("page.association.province"), agg.Province, loc)}
	for _, dim := range []struct{ key, label string }{{store.BySection, "page.association.by_section"},
		{store.BySize, "page.association.by_size"}, {store.ByWard, "page.association.by_ward"}} {
		for _, g := range agg.By[dim.key] {
			rows = append(rows, summaryCells(loc.T(dim.label), s.groupLabel(dim.key, g.Key, loc, l), g.Summary, loc))
		}
	}
	for _, tp := range agg.Trend {
		rows = append(rows, summaryCells(loc.T("export.quarter_end"), quarterLabel(tp.Quarter, loc), tp.Summary, loc))
	}
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
	s.auditExport(r, fmt.Sprintf("association:%d/aggregates.%s", ac.assoc.ID, format), n-1, err)
	if err != nil {
		s.cfg.Logger.Error("aggregates export", "association", ac.assoc.ID, "err", err)
	}
}

// summaryCells is one group's row; a suppressed group keeps its label and
// says why its figures are empty.
func summaryCells(breakdown, group string, sm scoring.Summary, loc *locale.Localizer) []any {
	cells := []any{breakdown, group, sm.Firms, nil}
	if sm.Suppressed {
		cells[2], cells[3] = nil, loc.T("page.association.suppressed")
		return append(cells, make([]any, len(sm.Levels)+4+len(sm.Pillars))...)
	}
	for _, c := range sm.Levels {
		cells = append(cells, c)
	}
	o := sm.Overall
	cells = append(cells, o.Mean, o.P25, o.Median, o.P75)
	for _, p := range sm.Pillars {
		if p.Suppressed {
			cells = append(cells, nil)
		} else {
			cells = append(cells, p.Mean)
		}
	}
	return cells
}
