package web

import (
	"math"
	"net/http"

	"dxready/charts"
	"dxready/disclosure"
	"dxready/opendata"
	"dxready/scoring"
)

// dataCataloguePage is /data: open data's catalogue for people.
type dataCataloguePage struct {
	page
	Licence    string
	ComputedAt string
	From, To   string // the first and last quarter published
	Datasets   []dataDatasetLink
	Chart      charts.Chart
	Indicators []dataIndicatorRow
	SharesMin  int // the fewest results a group needs for its shares (disclosure.PublicSharesMin)
}

// dataDatasetLink is one dataset of the catalogue, with its page and files.
type dataDatasetLink struct {
	ID, Title, Desc, Freq string
	Page, CSV, JSON       string
}

// dataIndicatorRow is one indicator of the catalogue's table.
type dataIndicatorRow struct {
	ID, Name, Def, Unit, Source, Freq string
}

// dataCatalogue shows the catalogue: what the data is and its licence, the
// datasets with their files, the province's mean score over the published
// quarters, and every indicator with its definition and source.
func (s *Server) dataCatalogue(w http.ResponseWriter, r *http.Request) {
	p, err := s.publication(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if s.servedData(w, r, p) {
		return
	}
	l := lang(r)
	d := s.dataWordsFor(p, l)
	v := dataCataloguePage{page: s.newPage(w, r, "page.data.title"), Licence: opendata.Licence, SharesMin: disclosure.PublicSharesMin,
		ComputedAt: d.loc.DateTime(p.ComputedAt)}
	if n := len(p.Quarters); n > 0 {
		v.From, v.To = quarterLabel(p.Quarters[0], d.loc), quarterLabel(p.Quarters[n-1], d.loc)
	}
	seen := map[string]bool{}
	for _, t := range p.Tables {
		v.Datasets = append(v.Datasets, dataDatasetLink{ID: t.ID, Title: d.datasetTitle(t.Dataset), Desc: d.datasetDesc(t.Dataset),
			Freq: d.freq(t.Frequency), Page: datasetURL(t.ID, ""), CSV: datasetURL(t.ID, "csv"), JSON: datasetURL(t.ID, "json")})
		for _, ind := range t.Indicators {
			if !seen[ind.ID] {
				seen[ind.ID] = true
				v.Indicators = append(v.Indicators, dataIndicatorRow{ID: ind.ID, Name: d.indName(ind), Def: d.indDef(ind),
					Unit: d.unit(ind), Source: d.source(ind), Freq: d.freq(t.Frequency)})
			}
		}
	}
	if v.Chart, err = s.dataHeadline(p, d); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderData(w, r, p, "data", v)
}

// dataHeadline is the province's mean score over the published quarters,
// with the registry-weighted estimate and its 95% interval.
func (s *Server) dataHeadline(p *opendata.Publication, d dataWords) (charts.Chart, error) {
	labels := make([]string, len(p.Quarters))
	for i, q := range p.Quarters {
		labels[i] = quarterLabel(q, d.loc)
	}
	mean := d.seriesOf(p, "overall-mean", opendata.DimProvince, "", p.Quarters)
	est := d.seriesOf(p, "estimate-overall-mean", opendata.DimProvince, "", p.Quarters)
	lo, hi := boundsOf(est)
	return charts.Trend("chart-data-headline", d.loc.T("page.data.headline_heading"), chartLocale(d.loc), labels,
		[]charts.Series{{Name: d.loc.T("page.data.series_assessed"), Values: chartValues(mean)}, {Name: d.loc.T("page.data.series_estimate"), Values: chartValues(est)}},
		[]charts.Series{{Name: d.loc.T("page.data.series_lo"), Values: lo}, {Name: d.loc.T("page.data.series_hi"), Values: hi}}, -1)
}

// seriesOf is indicator id's values of one group at each of quarters, a
// null value where the publication has none.
func (d dataWords) seriesOf(p *opendata.Publication, id, dim, code string, quarters []scoring.Quarter) []opendata.Value {
	out := make([]opendata.Value, len(quarters))
	for i := range out {
		out[i] = opendata.Value{Null: true}
	}
	pts, err := p.Series(id, dim, code)
	if err != nil {
		return out // not published for this group: every value null
	}
	for _, pt := range pts {
		for i, q := range quarters {
			if q == pt.Quarter {
				out[i] = pt.Value
			}
		}
	}
	return out
}

// chartValues are vs for a chart: NaN (a gap) where null.
func chartValues(vs []opendata.Value) []float64 {
	out := make([]float64, len(vs))
	for i, v := range vs {
		out[i] = chartValue(v)
	}
	return out
}

func chartValue(v opendata.Value) float64 {
	if v.Null {
		return math.NaN()
	}
	return v.V
}

// boundsOf are the lower and upper bounds of estimates, NaN where there is
// no interval.
func boundsOf(vs []opendata.Value) (lo, hi []float64) {
	lo, hi = make([]float64, len(vs)), make([]float64, len(vs))
	for i, v := range vs {
		lo[i], hi[i] = math.NaN(), math.NaN()
		if !v.Null && v.Interval {
			lo[i], hi[i] = v.Lo, v.Hi
		}
	}
	return lo, hi
}
