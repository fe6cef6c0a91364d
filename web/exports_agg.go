package web

import (
	"fmt"
	"net/http"
	"strings"

	"dxready/auth"
	"dxready/disclosure"
	"dxready/firms"
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

// aggregatesExport writes the dashboard's figures for the URL's filters,
// from the same Aggregate the dashboard draws, protected and suppressed the
// same way: the whole association (now, and at the end of each quarter)
// and the province, perturbed; then the shared selection and its
// breakdowns, exact. A column names each row's population.
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
	agg, err := snap.Aggregate(r.Context(), s.dashboardFilter(r.URL.Query(), ac.assoc.ID, scoring.QuarterOf(snap.BuiltAt)))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, loc := lang(r), s.loc(r)
	sh, err := startExport(w, format, "figures-"+safeFilename(ac.assoc.Code)+"-"+s.now().In(scoring.Zone).Format("2006-01-02"), loc.T("export.figures_sheet"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := s.aggregateRows(ac, agg, loc, l)
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

// aggregateRows are the export's header and rows.
func (s *Server) aggregateRows(ac *assocCtx, agg *store.Aggregate, loc *locale.Localizer, l string) [][]any {
	head := []any{loc.T("export.breakdown"), loc.T("page.association.group"), loc.T("export.population"), loc.T("page.association.firms"), loc.T("export.note")}
	for _, lv := range ac.in.Levels {
		head = append(head, loc.T("export.level_count", "Name", lv.Name.In(l)))
	}
	head = append(head, loc.T("page.association.mean"), loc.T("export.margin"), loc.T("page.association.p25"), loc.T("page.association.median"), loc.T("page.association.p75"))
	head = append(head, toAny(allPillarNames(ac.in, l))...)
	whole, province := loc.T("export.population_all"), loc.T("export.population_province")
	rows := [][]any{head,
		figureCells(loc.T("export.whole"), ac.name, whole, agg.Whole, loc),
		figureCells(loc.T("export.province"), loc.T("page.association.province"), province, agg.Province, loc)}
	for _, tp := range agg.Trend {
		rows = append(rows, figureCells(loc.T("export.quarter_end"), trendLabel(tp, agg, loc), whole, tp.Figures, loc))
	}
	shared := loc.T("export.population_shared")
	rows = append(rows, figureCells(loc.T("export.selection"), s.selectionLabel(ac.name, agg.Filter, loc, l), shared, agg.Shared, loc))
	for _, dim := range []struct{ key, label string }{{store.BySection, "page.association.by_section"},
		{store.BySize, "page.association.by_size"}, {store.ByWard, "page.association.by_ward"}} {
		for _, g := range agg.By[dim.key] {
			rows = append(rows, figureCells(loc.T(dim.label), s.groupLabel(dim.key, g.Key, loc, l), shared, g.Figures, loc))
		}
	}
	return rows
}

// selectionLabel names the shared selection: the association, and the
// filters that narrow it.
func (s *Server) selectionLabel(name string, f store.AggFilter, loc *locale.Localizer, l string) string {
	parts := []string{name}
	for _, d := range []struct{ by, key string }{{store.BySection, f.Section}, {store.BySize, f.Size}, {store.ByWard, f.Ward}} {
		if d.key != "" {
			parts = append(parts, s.groupLabel(d.by, d.key, loc, l))
		}
	}
	if f.Division != "" {
		if ind, ok := s.ref.Industry(firms.VSICVersion2018, f.Division); ok {
			parts = append(parts, f.Division+" – "+ind.Name(l))
		}
	}
	return strings.Join(parts, " · ")
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// figureCells is one group's row; a suppressed group keeps its label and
// count and says why its figures are empty; a perturbed one says so, with
// its margin. Quartile cells stay empty where none is published.
func figureCells(breakdown, group, population string, f disclosure.Figures, loc *locale.Localizer) []any {
	cells := []any{breakdown, group, population, f.N, nil}
	if f.Suppressed {
		cells[4] = loc.T("page.association.suppressed", "Min", disclosure.MinGroup)
		return append(cells, make([]any, scoring.Levels+5+len(f.Pillars))...)
	}
	if f.Perturbed {
		cells[4] = loc.T("export.perturbed", "Margin", loc.Decimal(f.Margin(), 1))
	}
	for _, c := range f.Levels {
		cells = append(cells, c)
	}
	o := f.Overall
	cells = append(cells, o.Mean, nil)
	if f.Perturbed {
		cells[len(cells)-1] = f.Margin()
	}
	if o.Quantiles {
		cells = append(cells, o.P25, o.Median, o.P75)
	} else {
		cells = append(cells, nil, nil, nil)
	}
	for _, p := range f.Pillars {
		if p.Suppressed {
			cells = append(cells, nil)
		} else {
			cells = append(cells, p.Mean)
		}
	}
	return cells
}
