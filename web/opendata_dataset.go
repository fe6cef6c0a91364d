package web

import (
	"errors"
	"net/http"
	"slices"

	"dxready/charts"
	"dxready/disclosure"
	"dxready/opendata"
	"dxready/scoring"
)

// dataDatasetPage is one dataset's page: its metadata, a chart of one
// indicator and its table at one quarter.
type dataDatasetPage struct {
	page
	DS         dataDatasetLink
	Dimension  string // the dimension's name
	ComputedAt string
	Quarterly  bool
	Quarter    string // the quarter shown
	Quarters   []option
	Indicator  string // the indicator charted, by name
	Indicators []option
	BarChart   charts.Chart // the indicator by group at the quarter (none for the province)
	BarRows    string       // the bar chart's height class, by its number of groups
	LineChart  charts.Chart // the indicator over the quarters, for the province
	Tables     []dataTable
	HasNull    bool
	SharesMin  int // the fewest results a group needs for its shares (disclosure.PublicSharesMin)
}

// dataQuery is what a dataset page was asked to show.
type dataQuery struct {
	quarter   scoring.Quarter
	indicator opendata.Indicator
}

// Bad queries: answered 400 (not understood) or 404 (not published),
// each with its own message; the value asked for is never echoed.
var (
	errDataBadQuarter   = errors.New("web: open data: quarter not understood")
	errDataNoQuarter    = errors.New("web: open data: quarter not published")
	errDataBadIndicator = errors.New("web: open data: no such indicator in the dataset")
)

// dataDataset shows one dataset.
func (s *Server) dataDataset(w http.ResponseWriter, r *http.Request) {
	p, err := s.publication(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := p.Table(r.PathValue("dataset"))
	if err != nil {
		s.dataRefuse(w, r, err)
		return
	}
	if s.servedData(w, r, p) { // kept only once its query was read without fault
		return
	}
	dq, err := readDataQuery(p, t, r)
	if err != nil {
		s.dataRefuse(w, r, err)
		return
	}
	d := s.dataWordsFor(p, lang(r))
	v := dataDatasetPage{page: s.newPage(w, r, "page.data.dataset_title"), SharesMin: disclosure.PublicSharesMin, Dimension: d.dim(t.Dimension),
		ComputedAt: d.loc.DateTime(p.ComputedAt), Quarterly: t.Frequency == opendata.Quarterly, Indicator: d.indName(dq.indicator),
		DS: dataDatasetLink{ID: t.ID, Title: d.datasetTitle(t.Dataset), Desc: d.datasetDesc(t.Dataset), Freq: d.freq(t.Frequency),
			Page: datasetURL(t.ID, ""), CSV: datasetURL(t.ID, "csv"), JSON: datasetURL(t.ID, "json")}}
	if v.Quarterly {
		v.Quarter = quarterLabel(dq.quarter, d.loc)
		for _, q := range slices.Backward(p.Quarters) {
			v.Quarters = append(v.Quarters, option{Value: q.String(), Label: quarterLabel(q, d.loc), Selected: q == dq.quarter})
		}
	}
	for _, ind := range t.Indicators {
		v.Indicators = append(v.Indicators, option{Value: ind.ID, Label: d.indName(ind), Selected: ind.ID == dq.indicator.ID})
	}
	v.Tables, v.HasNull = dataTables(t, v.Quarterly, dq.quarter, d)
	if err := s.dataCharts(&v, p, t, dq, d); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderData(w, r, p, "data_dataset", v)
}

// readDataQuery reads ?quarter= (a published quarter; the latest when not
// given) and ?indicator= (one of the table's; the mean score, or the
// table's first, when not given).
func readDataQuery(p *opendata.Publication, t *opendata.Table, r *http.Request) (dataQuery, error) {
	var dq dataQuery
	if n := len(p.Quarters); n > 0 {
		dq.quarter = p.Quarters[n-1]
	}
	q := r.URL.Query()
	if raw := q.Get("quarter"); raw != "" && t.Frequency == opendata.Quarterly {
		pq, ok := scoring.ParseQuarter(raw)
		if !ok {
			return dq, errDataBadQuarter
		}
		if !slices.Contains(p.Quarters, pq) {
			return dq, errDataNoQuarter
		}
		dq.quarter = pq
	}
	want := q.Get("indicator")
	dq.indicator = t.Indicators[0]
	for _, ind := range t.Indicators {
		if ind.ID == want || (want == "" && ind.Kind == opendata.KindOverallMean) {
			dq.indicator = ind
		}
	}
	if want != "" && dq.indicator.ID != want {
		return dq, errDataBadIndicator
	}
	return dq, nil
}

// dataRefuse answers a dataset or query that names nothing published.
func (s *Server) dataRefuse(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := http.StatusNotFound, "page.data.error.no_dataset"
	switch {
	case errors.Is(err, errDataBadQuarter):
		status, msg = http.StatusBadRequest, "page.data.error.bad_quarter"
	case errors.Is(err, errDataNoQuarter):
		msg = "page.data.error.no_quarter"
	case errors.Is(err, errDataBadIndicator):
		status, msg = http.StatusBadRequest, "page.data.error.bad_indicator"
	case !errors.Is(err, opendata.ErrNoDataset):
		s.fail(w, r, err)
		return
	}
	s.log.Info("request refused", "method", r.Method, "path", r.URL.Path, "user", userID(r), "status", status, "err", err)
	s.renderError(w, r, status, msg)
}

// dataCharts draws the indicator by group at the quarter (bars; not for
// the province, a single bar) and, for quarterly data, over the quarters
// for the province (a line, with the interval of an estimate).
func (s *Server) dataCharts(v *dataDatasetPage, p *opendata.Publication, t *opendata.Table, dq dataQuery, d dataWords) error {
	col := slices.IndexFunc(t.Indicators, func(ind opendata.Indicator) bool { return ind.ID == dq.indicator.ID })
	max := 100.0
	if dq.indicator.Unit == opendata.UnitFirms {
		max = 0
	}
	cl := chartLocale(d.loc)
	if t.Dimension != opendata.DimProvince {
		var names []string
		var vals []float64
		for _, row := range t.Rows {
			if !v.Quarterly || row.Quarter == dq.quarter {
				names = append(names, d.group(t.Dimension, row.Code))
				vals = append(vals, chartValue(row.Values[col]))
			}
		}
		v.BarRows = barRows(len(names))
		var err error
		if v.BarChart, err = charts.Bars("chart-data-groups", d.loc.T("page.data.bars_heading", "Indicator", v.Indicator, "Dim", v.Dimension),
			cl, names, []charts.Series{{Name: v.Indicator, Values: vals}}, max); err != nil {
			return err
		}
	}
	if !v.Quarterly {
		return nil
	}
	labels := make([]string, len(p.Quarters))
	for i, q := range p.Quarters {
		labels[i] = quarterLabel(q, d.loc)
	}
	prov := d.seriesOf(p, dq.indicator.ID, opendata.DimProvince, "", p.Quarters)
	var bounds []charts.Series
	if dq.indicator.Estimate {
		lo, hi := boundsOf(prov)
		bounds = []charts.Series{{Name: d.loc.T("page.data.series_lo"), Values: lo}, {Name: d.loc.T("page.data.series_hi"), Values: hi}}
	}
	axis := -1.0 // a score or share: over its own range
	if dq.indicator.Unit == opendata.UnitFirms {
		axis = 0 // a count: from 0
	}
	var err error
	v.LineChart, err = charts.Trend("chart-data-trend", d.loc.T("page.data.trend_heading", "Indicator", v.Indicator), cl, labels,
		[]charts.Series{{Name: d.loc.T("page.data.province_name"), Values: chartValues(prov)}}, bounds, axis)
	return err
}

// barRows is the height class of a bar chart of n groups: each bar keeps
// room for its name (36 wards need a tall chart, 4 size classes a low one).
func barRows(n int) string {
	switch {
	case n <= 6:
		return "rows-few"
	case n <= 12:
		return ""
	case n <= 24:
		return "rows-some"
	}
	return "rows-many"
}
