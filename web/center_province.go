package web

import (
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"dxready/charts"
	"dxready/disclosure"
	"dxready/firms"
	"dxready/locale"
	"dxready/scoring"
	"dxready/store"
	"dxready/survey"
)

// provincePage is the Center's province dashboard: every firm of the
// registry, not only association members, cut by one dimension at a time,
// at the end of a quarter or now. Every figure about results is protected
// (package disclosure), as an association's whole-membership figures are;
// counts of firms are exact.
type provincePage struct {
	page
	AsOf string
	*provinceData
}

// provinceData is everything the page shows but its header and instant:
// what a snapshot's figures give, kept for as long as they hold
// (provinceCache).
type provinceData struct {
	Quarter        string
	Quarters       []option
	Filters        []provinceFilter
	By             []option
	Selection      string // the selection's name; "" for the whole province
	Ignored        string // the dimensions also asked for, which the page does not combine
	BadQuarter     string // a period asked for that is not a quarter that has ended
	ReportHref     string // the quarterly report of the selection (province or association)
	LevelNames     []string
	Registry       int
	Assessed       int
	Participation  string
	Suppressed     bool
	Mean, Margin   string
	Estimate       *estimateView
	est            disclosure.Estimate // its figures, for downloads
	EstimateNone   bool                // the selection has no estimate (not a section or size)
	Levels         []provinceLevelRow
	Pillars        []pillarAggRow
	TrendRows      []trendRow
	Rows           []provinceRow
	ByName         string
	pillarVals     []pillarVal // the pillar table's figures, for downloads
	meanV, marginV float64     // the selection's, for downloads; NaN when suppressed
	LevelChart     charts.Chart
	PillarChart    charts.Chart
	TrendChart     charts.Chart
	MovementChart  charts.Chart
	asOf           time.Time // a past quarter's end; zero: now
}

// pillarVal is one pillar's row as numbers (NaN: suppressed).
type pillarVal struct {
	n          int
	mean, prov float64
}

type provinceFilter struct {
	Dim, Label string
	Options    []option
}

type provinceLevelRow struct {
	Name   string
	Count  int
	Share  string
	shareV float64 // the share, 0–100, for downloads
}

type trendRow struct {
	Quarter    string
	N          int
	Suppressed bool
	Mean       string
	Shares     []string // by level
	meanV      float64  // for downloads; NaN when suppressed
	sharesV    []float64
}

type provinceRow struct {
	Label, Href        string
	Registry, Assessed int
	Participation      string
	Suppressed         bool
	Mean, Margin       string
	meanV, marginV     float64 // for downloads; NaN when suppressed
}

type estimateView struct {
	Registry             int
	Mean, MeanLo, MeanHi string
	Levels               []estimateLevel
}

type estimateLevel struct {
	Name, Share, Lo, Hi string
}

// centerProvince shows the province dashboard (Center staff). Its figures
// are computed once per snapshot (cells and registry unchanged), query and
// language, and kept: a page view then costs its rendering.
func (s *Server) centerProvince(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	in, _ := survey.Latest(s.cfg.Instruments, survey.DefaultID)
	snap, err := s.store.Snapshot(ctx, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	assocs, err := s.store.Associations(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, loc := lang(r), s.loc(r)
	q := r.URL.Query()
	keep := s.cacheable(q, assocs, loc, l)
	var d *provinceData
	if keep {
		d = s.provinceCache.get(provinceKey(q, l, snap, assocs))
	}
	if d == nil {
		if d, err = s.buildProvince(r, snap, in, assocs, loc, l); err != nil {
			s.fail(w, r, err)
			return
		}
		if keep {
			s.provinceCache.put(snap.Seq, provinceKey(q, l, snap, assocs), d)
		}
	}
	asOf := d.asOf
	if asOf.IsZero() {
		asOf = snap.BuiltAt
	}
	s.render(w, r, http.StatusOK, "center_province", provincePage{page: s.newPage(w, r, "page.center_province.title"),
		AsOf: loc.DateTime(asOf), provinceData: d})
}

// buildProvince computes the page's figures for the request's query.
func (s *Server) buildProvince(r *http.Request, snap *store.Snapshot, in *survey.Instrument, assocs []firms.Association,
	loc *locale.Localizer, l string) (*provinceData, error) {
	q := r.URL.Query()
	registry, err := s.store.RegistryCounts(r.Context())
	if err != nil {
		return nil, err
	}
	nowQ := scoring.QuarterOf(snap.BuiltAt)
	quarter, p := nowQ, &provinceData{}
	if raw := q.Get("quarter"); raw != "" {
		if pq, ok := scoring.ParseQuarter(raw); ok && pq.End().Before(snap.BuiltAt) {
			quarter, p.asOf, p.Quarter = pq, pq.End(), pq.String()
		} else {
			p.BadQuarter = raw
		}
	}
	sel := s.selectionOf(q)
	rq := url.Values{}
	if p.Quarter != "" {
		rq.Set("quarter", p.Quarter)
	}
	if sel.Dim == store.DimAssociation {
		rq.Set(store.DimAssociation, sel.Value)
	}
	p.ReportHref = "/center/report?" + rq.Encode()
	by := q.Get("by")
	if !slices.Contains(provinceDims, by) {
		by = store.DimSection
	}
	s.provinceForm(p, sel, by, nowQ, q, assocs, loc, l)
	fig := snap.Union(sel.Groups, quarter)
	p.Registry, p.Assessed, p.Suppressed = registryOf(sel.Groups, registry), fig.N, fig.Suppressed
	p.Participation = loc.Percent(share(fig.N, p.Registry), 0)
	if sel.Dim != "" {
		p.Selection = s.dimLabel(sel.Dim, sel.Value, assocs, loc, l)
	}
	var ignored []string
	for _, d := range sel.Ignored {
		ignored = append(ignored, loc.T("page.center_province.dim."+d))
	}
	p.Ignored = strings.Join(ignored, ", ")
	for _, lv := range in.Levels {
		p.LevelNames = append(p.LevelNames, lv.Name.In(l))
	}
	p.meanV, p.marginV = math.NaN(), math.NaN()
	if !fig.Suppressed {
		p.Mean, p.Margin = loc.Decimal(fig.Overall.Mean, 1), loc.Decimal(fig.Margin(), 1)
		p.meanV, p.marginV = fig.Overall.Mean, fig.Margin()
	}
	s.provinceEstimate(p, snap, sel, quarter, registry, in, loc, l)
	asOf := p.asOf
	if asOf.IsZero() {
		asOf = snap.BuiltAt
	}
	prov := snap.Union([]string{store.GroupKey("", "")}, quarter)
	if err := s.provinceFigures(p, in, fig, prov, snap.UnionTrend(sel.Groups, quarter), asOf, loc, l); err != nil {
		return nil, err
	}
	s.provinceRows(p, snap, by, quarter, q, registry, assocs, loc, l)
	return p, nil
}

// provinceForm fills the filter form: the quarter, one select per
// dimension, the breakdown's dimension.
func (s *Server) provinceForm(p *provinceData, sel provinceSelection, by string, nowQ scoring.Quarter, q url.Values, assocs []firms.Association, loc *locale.Localizer, l string) {
	qs := scoring.LastQuarters(nowQ, store.TrendQuarters)
	for i := len(qs) - 2; i >= 0; i-- {
		p.Quarters = append(p.Quarters, option{Value: qs[i].String(), Label: quarterLabel(qs[i], loc), Selected: qs[i].String() == p.Quarter})
	}
	for _, d := range provinceDims {
		f := provinceFilter{Dim: d, Label: loc.T("page.center_province.dim." + d)}
		for _, o := range s.dimValues(d, assocs, loc, l) {
			o.Selected = q.Get(d) == o.Value
			f.Options = append(f.Options, o)
		}
		p.Filters = append(p.Filters, f)
		p.By = append(p.By, option{Value: d, Label: f.Label, Selected: d == by})
	}
	p.ByName = loc.T("page.center_province.dim." + by)
}

// provinceEstimate fills the registry-weighted estimate for the whole
// province, a section or a size class (the strata are section × size; other
// selections cut across them).
func (s *Server) provinceEstimate(p *provinceData, snap *store.Snapshot, sel provinceSelection, q scoring.Quarter, registry map[string]int,
	in *survey.Instrument, loc *locale.Localizer, l string) {
	var section, size string
	switch sel.Dim {
	case "":
	case store.DimSection:
		section = sel.Value
	case store.DimSize:
		size = sel.Value
	default:
		p.EstimateNone = true
		return
	}
	e, ok := snap.Estimate(section, size, q, registry)
	if !ok {
		return
	}
	p.est = e
	v := &estimateView{Registry: e.Registry, Mean: loc.Decimal(e.Mean.Value, 1), MeanLo: loc.Decimal(e.Mean.Lo, 1), MeanHi: loc.Decimal(e.Mean.Hi, 1)}
	for i, iv := range e.Levels {
		v.Levels = append(v.Levels, estimateLevel{Name: in.Levels[i].Name.In(l), Share: loc.Decimal(iv.Value, 1),
			Lo: loc.Decimal(iv.Lo, 1), Hi: loc.Decimal(iv.Hi, 1)})
	}
	p.Estimate = v
}

// provinceRows fills the breakdown: each value of dimension by, with its
// registry, participation and protected mean, linked to its own view.
func (s *Server) provinceRows(p *provinceData, snap *store.Snapshot, by string, q scoring.Quarter, query url.Values, registry map[string]int,
	assocs []firms.Association, loc *locale.Localizer, l string) {
	for _, o := range s.dimValues(by, assocs, loc, l) {
		groups := s.groupsOf(by, o.Value)
		fig := snap.Union(groups, q)
		reg := registryOf(groups, registry)
		if reg == 0 && fig.N == 0 {
			continue
		}
		v := url.Values{"by": {by}, by: {o.Value}}
		if qq := query.Get("quarter"); qq != "" {
			v.Set("quarter", qq)
		}
		row := provinceRow{Label: o.Label, Href: "/center/province?" + v.Encode(), Registry: reg, Assessed: fig.N,
			Participation: loc.Percent(share(fig.N, reg), 0), Suppressed: fig.Suppressed, meanV: math.NaN(), marginV: math.NaN()}
		if !fig.Suppressed {
			row.Mean, row.Margin = loc.Decimal(fig.Overall.Mean, 1), loc.Decimal(fig.Margin(), 1)
			row.meanV, row.marginV = fig.Overall.Mean, fig.Margin()
		}
		p.Rows = append(p.Rows, row)
	}
}
