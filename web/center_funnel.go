package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"dxready/firms"
	"dxready/funnel"
	"dxready/scoring"
	"dxready/store"
)

// stageNames are the stages' message IDs, in funnel order.
var stageNames = [funnel.NumStages]string{"page.funnel.stage.registered", "page.funnel.stage.verified", "page.funnel.stage.started",
	"page.funnel.stage.submitted", "page.funnel.stage.booked", "page.funnel.stage.held", "page.funnel.stage.actions",
	"page.funnel.stage.reassessed"}

// maxFilterValues bounds each filter's values: more is no filter a person
// chose, and would make a long query.
const maxFilterValues = 50

// funnelForm is the funnel's filters as asked and as understood: the
// chosen values, the filter for the store, and, when a filter makes no
// sense, the message ID saying why (the page then shows no figures).
type funnelForm struct {
	Associations []int64
	Sections     []string
	Sizes        []string
	Wards        []string
	Quarters     []string
	Filter       store.FunnelFilter
	Problem      string
	Query        url.Values // the filters, for links
}

// parseFunnelForm reads the filters: assoc, section, size, ward and
// quarter, each repeatable. Unknown values, a quarter not yet begun or not
// written as 2026-Q1 give a Problem, never an error.
func (s *Server) parseFunnelForm(q url.Values, assocs []firms.Association, now scoring.Quarter) funnelForm {
	var f funnelForm
	f.Query = url.Values{}
	for _, k := range []string{"assoc", "section", "size", "ward", "quarter"} {
		if len(q[k]) > maxFilterValues {
			f.Problem = "page.funnel.problem.too_many"
			return f
		}
		for _, v := range q[k] {
			if v = strings.TrimSpace(v); v != "" && !slices.Contains(f.Query[k], v) {
				f.Query.Add(k, v)
			}
		}
	}
	for _, v := range f.Query["assoc"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || !slices.ContainsFunc(assocs, func(a firms.Association) bool { return a.ID == id }) {
			f.Problem = "page.funnel.problem.association"
			return f
		}
		f.Associations = append(f.Associations, id)
	}
	f.Sections, f.Sizes, f.Wards = f.Query["section"], f.Query["size"], f.Query["ward"]
	for _, v := range f.Sections {
		if _, ok := s.ref.Industry(firms.VSICVersion2018, v); !ok || len(v) != 1 {
			f.Problem = "page.funnel.problem.section"
			return f
		}
	}
	for _, v := range f.Sizes {
		if !firms.SizeClass(v).Valid() {
			f.Problem = "page.funnel.problem.size"
			return f
		}
	}
	for _, v := range f.Wards {
		if _, ok := s.ref.Ward(v); !ok {
			f.Problem = "page.funnel.problem.ward"
			return f
		}
	}
	f.Problem = f.parseQuarters(now)
	f.Filter = store.FunnelFilter{Associations: f.Associations, Sections: f.Sections, Sizes: f.Sizes, Wards: f.Wards}
	for _, qs := range f.Quarters {
		qq, _ := scoring.ParseQuarter(qs)
		f.Filter.Quarters = append(f.Filter.Quarters, funnel.QuarterIndex(qq))
	}
	return f
}

// parseQuarters checks the quarters asked for; a quarter after now has no
// firms yet, and says so.
func (f *funnelForm) parseQuarters(now scoring.Quarter) string {
	f.Quarters = f.Query["quarter"]
	for _, v := range f.Quarters {
		qq, ok := scoring.ParseQuarter(v)
		if !ok {
			return "page.funnel.problem.quarter"
		}
		if funnel.QuarterIndex(qq) > funnel.QuarterIndex(now) {
			return "page.funnel.problem.future"
		}
	}
	return ""
}

// keep is the quarters filter for funnel.Summarise (nil: all quarters).
func (f funnelForm) keep() func(int) bool {
	if len(f.Filter.Quarters) == 0 {
		return nil
	}
	return func(q int) bool { return slices.Contains(f.Filter.Quarters, q) }
}

// funnelCache keeps the tallies of recent filters for as long as the
// funnel's change counter has not moved: a view then reads one row.
type funnelCache struct {
	mu sync.Mutex
	m  map[string]funnelCached
}

type funnelCached struct {
	seq   int64
	cells []funnel.Cell
}

// funnelCacheSize bounds the filters kept; past it the cache starts over.
const funnelCacheSize = 512

// funnelCells returns the tallies of the firms f picks, from the cache when
// they have not changed since they were read.
func (s *Server) funnelCells(r *http.Request, f store.FunnelFilter) ([]funnel.Cell, error) {
	seq, err := s.store.FunnelSeq(r.Context())
	if err != nil {
		return nil, err
	}
	key := funnelKey(f)
	s.funnel.mu.Lock()
	c, ok := s.funnel.m[key]
	s.funnel.mu.Unlock()
	if ok && c.seq == seq {
		return c.cells, nil
	}
	cells, seq, err := s.store.FunnelCells(r.Context(), f)
	if err != nil {
		return nil, err
	}
	s.funnel.mu.Lock()
	if s.funnel.m == nil || len(s.funnel.m) >= funnelCacheSize {
		s.funnel.m = map[string]funnelCached{}
	}
	s.funnel.m[key] = funnelCached{seq, cells}
	s.funnel.mu.Unlock()
	return cells, nil
}

// funnelKey names a filter (its quarters aside) in the cache.
func funnelKey(f store.FunnelFilter) string {
	var b strings.Builder
	for _, a := range f.Associations {
		b.WriteString(strconv.FormatInt(a, 10) + ",")
	}
	for _, l := range [][]string{f.Sections, f.Sizes, f.Wards} {
		b.WriteString("|" + strings.Join(l, ","))
	}
	return b.String()
}
