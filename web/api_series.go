package web

import (
	"math"
	"net/http"
	"net/url"
	"slices"
	"time"

	"dxready/opendata"
	"dxready/scoring"
)

// apiPoint is one quarter's value; Lo and Hi bound an estimate's 95%
// interval and are absent for other indicators. A value that may not be
// shown (a group of fewer than 5) is null, never 0.
type apiPoint struct {
	Quarter string   `json:"quarter"`
	Value   *float64 `json:"value"`
	Lo      *float64 `json:"lo,omitempty"`
	Hi      *float64 `json:"hi,omitempty"`
}

// apiGroupSeries is one group's points; Code is null for the province.
type apiGroupSeries struct {
	Code   *string    `json:"code"`
	Points []apiPoint `json:"points"`
}

type apiSeriesJSON struct {
	ComputedAt time.Time        `json:"computed_at"`
	Indicator  string           `json:"indicator"`
	Unit       string           `json:"unit"`
	Dimension  string           `json:"dimension"`
	Series     []apiGroupSeries `json:"series"`
	NextCursor *string          `json:"next_cursor"`
}

// seriesQuery is a series request once checked.
type seriesQuery struct {
	dim, code, cursor string
	hasCode           bool
	from, to          scoring.Quarter // zero: unbounded
	limit             int
}

// apiSeries is an indicator's quarterly series: of the province, of one
// group (dimension and code), or of every group of a dimension a page of
// groups at a time.
func (s *Server) apiSeries(w http.ResponseWriter, r *http.Request) {
	q, canon, err := apiQuery(r, "dimension", "code", "from", "to", "limit", "cursor")
	var sq seriesQuery
	if err == nil {
		sq, err = parseSeriesQuery(q)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	id := r.PathValue("id")
	s.apiServe(w, r, canon, func(p *opendata.Publication) (any, error) {
		return seriesOf(p, id, sq)
	})
}

func parseSeriesQuery(q url.Values) (seriesQuery, error) {
	sq := seriesQuery{dim: opendata.DimProvince, cursor: q.Get("cursor")}
	if d, ok := q["dimension"]; ok {
		if !slices.Contains(opendata.Dimensions, d[0]) {
			return sq, badRequest("bad_dimension", "dimension must be province, ward, section or size.")
		}
		sq.dim = d[0]
	}
	_, sq.hasCode = q["code"]
	sq.code = q.Get("code")
	for _, b := range []struct {
		name string
		q    *scoring.Quarter
	}{{"from", &sq.from}, {"to", &sq.to}} {
		if v, ok := q[b.name]; ok {
			qt, ok := scoring.ParseQuarter(v[0])
			if !ok {
				return sq, badRequest("bad_quarter", "from and to are quarters such as 2026-Q1.")
			}
			*b.q = qt
		}
	}
	if sq.from != (scoring.Quarter{}) && sq.to != (scoring.Quarter{}) && sq.to.Start().Before(sq.from.Start()) {
		return sq, badRequest("bad_range", "from is after to.")
	}
	var err error
	sq.limit, err = apiLimit(q)
	return sq, err
}

// seriesOf answers a series request from p.
func seriesOf(p *opendata.Publication, id string, sq seriesQuery) (any, error) {
	ind, err := p.Indicator(id)
	if err != nil {
		return nil, err
	}
	out := apiSeriesJSON{ComputedAt: p.ComputedAt.UTC(), Indicator: ind.ID, Unit: ind.Unit, Dimension: sq.dim, Series: []apiGroupSeries{}}
	codes := []string{sq.code}
	if !sq.hasCode && sq.dim != opendata.DimProvince {
		if codes, out.NextCursor, err = groupPage(p, sq); err != nil {
			return nil, err
		}
	}
	for _, code := range codes {
		pts, err := p.Series(ind.ID, sq.dim, code)
		if err != nil {
			return nil, err
		}
		g := apiGroupSeries{Points: pointsOf(ind, pts, sq.from, sq.to)}
		if sq.dim != opendata.DimProvince {
			g.Code = &code
		}
		out.Series = append(out.Series, g)
	}
	return out, nil
}

// groupPage is the page of a dimension's groups after the cursor's, in
// code order (a keyset: a group that appears or goes does not shift the
// pages), and the cursor of the next page.
func groupPage(p *opendata.Publication, sq seriesQuery) ([]string, *string, error) {
	codes := slices.Sorted(slices.Values(p.Codes(sq.dim)))
	if sq.cursor != "" {
		after, ok := decodeCursor(sq.cursor, "g"+sq.dim)
		if !ok {
			return nil, nil, badCursor
		}
		i, _ := slices.BinarySearch(codes, after)
		for i < len(codes) && codes[i] <= after {
			i++
		}
		codes = codes[i:]
	}
	if len(codes) <= sq.limit {
		return codes, nil, nil
	}
	c := encodeCursor("g"+sq.dim, codes[sq.limit-1])
	return codes[:sq.limit], &c, nil
}

// pointsOf are the points of pts within [from, to] (a zero bound is
// none).
func pointsOf(ind opendata.Indicator, pts []opendata.Point, from, to scoring.Quarter) []apiPoint {
	out := []apiPoint{}
	for _, pt := range pts {
		if (from != scoring.Quarter{} && pt.Quarter.Start().Before(from.Start())) || (to != scoring.Quarter{} && to.Start().Before(pt.Quarter.Start())) {
			continue
		}
		ap := apiPoint{Quarter: pt.Quarter.String()}
		if !pt.Null && finite(pt.V) {
			v := jsonNumber(ind, pt.V) // as the files round it: more digits would only show noise
			ap.Value = &v
		}
		if pt.Interval && ap.Value != nil && finite(pt.Lo) && finite(pt.Hi) {
			lo, hi := jsonNumber(ind, pt.Lo), jsonNumber(ind, pt.Hi)
			ap.Lo, ap.Hi = &lo, &hi
		}
		out = append(out, ap)
	}
	return out
}

// finite: JSON has no NaN or infinity; such a value is published as null.
func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
