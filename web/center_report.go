package web

import (
	"net/http"
	"net/url"
	"strconv"

	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/survey"
)

// quarterlyPage is the quarterly report of the province or of one
// association: the province dashboard's figures at the end of a quarter,
// with every breakdown, as an A4 page (print.css; the browser's print saves
// it as a PDF) and as an XLSX of every table (centerReportXLSX).
type quarterlyPage struct {
	page
	ReportTitle, Period string
	Printed             string
	XLSX                string
	*provinceData
	Breakdowns   []quarterlyBreakdown
	Associations []option // the report form's choices
	QuarterValue string   // the quarter shown, as the form sends it
	Choices      []option // quarters that have ended, latest first
}

type quarterlyBreakdown struct {
	Name string
	Rows []provinceRow
}

// reportDims are the breakdowns of the province's report. An
// association's report has none: the cells hold no association ×
// dimension cross, and cutting its members further is what the
// disclosure rules forbid for members that do not share (docs/PRIVACY.md).
var reportDims = []string{store.DimAssociation, store.DimSection, store.DimSize, dimDistrict}

// reportQuery reads the report's quarter (the last one that has ended
// unless another ended one is named) and association (none: the
// province), as the province dashboard's query.
func reportQuery(r *http.Request, nowQ scoring.Quarter) (url.Values, scoring.Quarter) {
	q := nowQ.Prev()
	if pq, ok := scoring.ParseQuarter(r.URL.Query().Get("quarter")); ok && pq.End().Before(nowQ.Start().Add(1)) {
		q = pq
	}
	v := url.Values{"quarter": {q.String()}}
	if a, err := strconv.ParseInt(r.URL.Query().Get("association"), 10, 64); err == nil && a > 0 {
		v.Set(store.DimAssociation, strconv.FormatInt(a, 10))
	}
	return v, q
}

// centerReport shows the quarterly report.
func (s *Server) centerReport(w http.ResponseWriter, r *http.Request) {
	p, err := s.report(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.page = s.newPage(w, r, "page.center_report.title")
	s.render(w, r, http.StatusOK, "center_report", p)
}

// report computes a report from the request's quarter and association.
func (s *Server) report(r *http.Request) (*quarterlyPage, error) {
	ctx := r.Context()
	in, _ := survey.Latest(s.cfg.Instruments, survey.DefaultID)
	snap, err := s.store.Snapshot(ctx, in)
	if err != nil {
		return nil, err
	}
	assocs, err := s.store.Associations(ctx)
	if err != nil {
		return nil, err
	}
	l, loc := lang(r), s.loc(r)
	query, quarter := reportQuery(r, scoring.QuarterOf(snap.BuiltAt))
	req := r.Clone(ctx)
	req.URL.RawQuery = query.Encode()
	d, err := s.buildProvince(req, snap, in, assocs, loc, l)
	if err != nil {
		return nil, err
	}
	p := &quarterlyPage{provinceData: d, Period: quarterLabel(quarter, loc), Printed: loc.Date(snap.BuiltAt),
		XLSX: "/center/report.xlsx?" + query.Encode()}
	p.ReportTitle = loc.T("page.center_report.province")
	if d.Selection != "" {
		p.ReportTitle = d.Selection
	}
	registry, err := s.store.RegistryCounts(ctx)
	if err != nil {
		return nil, err
	}
	if query.Get(store.DimAssociation) == "" {
		for _, dim := range reportDims {
			var b provinceData
			s.provinceRows(&b, snap, dim, quarter, query, registry, assocs, loc, l)
			p.Breakdowns = append(p.Breakdowns, quarterlyBreakdown{Name: loc.T("page.center_province.dim." + dim), Rows: b.Rows})
		}
	}
	p.Associations = reportAssociations(assocs, l)
	for i := range p.Associations {
		p.Associations[i].Selected = p.Associations[i].Value == query.Get(store.DimAssociation)
	}
	p.QuarterValue = quarter.String()
	for _, q := range scoring.LastQuarters(scoring.QuarterOf(snap.BuiltAt).Prev(), store.TrendQuarters) {
		p.Choices = append([]option{{Value: q.String(), Label: quarterLabel(q, loc), Selected: q == quarter}}, p.Choices...)
	}
	return p, nil
}

// reportAssociations lists the associations a report may be asked for.
func reportAssociations(assocs []firms.Association, l string) []option {
	var out []option
	for _, a := range assocs {
		out = append(out, option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name(l)})
	}
	return sortByName(out)
}
