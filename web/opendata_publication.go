package web

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"dxready/disclosure"
	"dxready/firms"
	"dxready/opendata"
	"dxready/scoring"
	"dxready/store"
	"dxready/survey"
)

// PublishedQuarters is how many ended quarters open data publishes: two
// years of series.
const PublishedQuarters = 8

// defaultRefresh is Config.OpenDataRefresh's default.
const defaultRefresh = 5 * time.Minute

// publisher keeps open data's current publication. Its figures are
// computed from the cells (bounded by their number, not the registry's),
// when first asked for, then again when results have changed and at least
// Config.OpenDataRefresh has passed: a request never waits for a
// recomputation once there is a publication, it starts one in the
// background and is served the one before.
type publisher struct {
	cur     atomic.Pointer[opendata.Publication]
	mu      sync.Mutex // one computation at a time
	running atomic.Bool
}

// refreshEvery is the least time between two computations.
func (s *Server) refreshEvery() time.Duration {
	if s.cfg.OpenDataRefresh > 0 {
		return s.cfg.OpenDataRefresh
	}
	return defaultRefresh
}

// publication returns open data's current figures, computing them when
// there are none yet, and starting a recomputation when they are due.
func (s *Server) publication(ctx context.Context) (*opendata.Publication, error) {
	if p := s.published.cur.Load(); p != nil {
		if s.now().Sub(p.ComputedAt) >= s.refreshEvery() && s.published.running.CompareAndSwap(false, true) {
			go s.refreshPublication(p)
		}
		return p, nil
	}
	s.published.mu.Lock()
	defer s.published.mu.Unlock()
	if p := s.published.cur.Load(); p != nil {
		return p, nil
	}
	p, err := s.computePublication(ctx, nil)
	if err != nil {
		return nil, err
	}
	s.published.cur.Store(p)
	return p, nil
}

// refreshPublication recomputes the figures in the background when the
// cells have moved since old; either way the refresh is not due again
// before refreshEvery. A failure is logged and the old figures stay.
func (s *Server) refreshPublication(old *opendata.Publication) {
	defer s.published.running.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s.published.mu.Lock()
	defer s.published.mu.Unlock()
	p, err := s.computePublication(ctx, old)
	if err != nil {
		s.log.Error("open data: recomputing the published figures", "err", err)
		return
	}
	s.published.cur.Store(p)
}

// computePublication computes open data's figures from a snapshot. When
// old is of the same snapshot (nothing changed) and its participation was
// counted today, it is kept with a new computation time, so its ETag and
// values stay.
func (s *Server) computePublication(ctx context.Context, old *opendata.Publication) (*opendata.Publication, error) {
	in, _ := survey.Latest(s.cfg.Instruments, survey.DefaultID)
	snap, err := s.store.Snapshot(ctx, in)
	if err != nil {
		return nil, err
	}
	if old != nil && old.Seq == snap.Seq && old.Instrument == in.Key() && sameDay(old.CountedAt, s.now()) {
		p := *old
		p.ComputedAt = s.now()
		return &p, nil
	}
	registry, err := s.store.RegistryCounts(ctx)
	if err != nil {
		return nil, err
	}
	nowQ := scoring.QuarterOf(snap.BuiltAt)
	input := opendata.Input{ComputedAt: s.now(), Seq: snap.Seq, Instrument: in.Key(), Pillars: snap.Pillars,
		Adoption: scoring.Adoptions(in.ID), Quarters: scoring.LastQuarters(nowQ.Prev(), PublishedQuarters),
		Order: map[string][]string{opendata.DimSize: sizeOrder}}
	for _, q := range input.Quarters {
		input.Cells = append(input.Cells, publicCells(snap, q, registry)...)
	}
	input.Counts, input.CountedAt = publicCounts(snap, nowQ, registry), s.now()
	if old != nil && sameDay(old.CountedAt, input.CountedAt) {
		input.Counts, input.CountedAt = countsOf(old), old.CountedAt
	}
	return opendata.Build(input), nil
}

// sameDay reports whether a and b fall on the same day in Vietnam.
func sameDay(a, b time.Time) bool {
	a, b = a.In(scoring.Zone), b.In(scoring.Zone)
	return a.YearDay() == b.YearDay() && a.Year() == b.Year()
}

// countsOf are the participation counts publication p holds. Participation
// is counted once a day: counts that moved with every refresh would tell
// whoever compares two of them which ward, section and size class just
// gained a firm, and the register which firm that is (ATTACK16).
func countsOf(p *opendata.Publication) []opendata.Count {
	var out []opendata.Count
	for _, t := range p.Tables {
		if t.Frequency != opendata.Daily {
			continue
		}
		for _, r := range t.Rows {
			out = append(out, opendata.Count{Dimension: t.Dimension, Code: r.Code, Assessed: int(r.Values[0].V), Registry: int(r.Values[1].V)})
		}
	}
	return out
}

// sizeOrder is the size classes smallest first: the order a reader
// expects, not the alphabet's (large, medium, micro, small).
var sizeOrder = func() []string {
	var out []string
	for _, c := range firms.SizeClasses {
		out = append(out, string(c))
	}
	return out
}()

// publicDims maps open data's dimensions to the cells'.
var publicDims = map[string]string{opendata.DimWard: store.DimWard, opendata.DimSection: store.DimSection, opendata.DimSize: store.DimSize}

// publicCells are every published group's figures at the end of quarter
// q: the province, each ward, section and size class that holds a result
// or a firm of the registry.
func publicCells(snap *store.Snapshot, q scoring.Quarter, registry map[string]int) []opendata.Cell {
	prov := []string{store.GroupKey("", "")}
	cells := []opendata.Cell{{Dimension: opendata.DimProvince, Quarter: q, Figures: snap.PublicFigures(prov, q),
		Estimate: publicEstimate(snap, "", "", q, registry)}}
	for _, dim := range opendata.Dimensions[1:] {
		for _, g := range snap.GroupsOf(publicDims[dim], q, registry) {
			code := store.GroupValue(publicDims[dim], g)
			c := opendata.Cell{Dimension: dim, Code: code, Quarter: q, Figures: snap.PublicFigures([]string{g}, q)}
			switch dim {
			case opendata.DimSection:
				c.Estimate = publicEstimate(snap, code, "", q, registry)
			case opendata.DimSize:
				c.Estimate = publicEstimate(snap, "", code, q, registry)
			}
			cells = append(cells, c)
		}
	}
	return cells
}

func publicEstimate(snap *store.Snapshot, section, size string, q scoring.Quarter, registry map[string]int) *disclosure.Estimate {
	e, ok := snap.PublicEstimate(section, size, q, registry)
	if !ok {
		return nil
	}
	return &e
}

// publicCounts are every group's exact counts now: firms with a result
// current now, and firms of the registry.
func publicCounts(snap *store.Snapshot, now scoring.Quarter, registry map[string]int) []opendata.Count {
	prov := store.GroupKey("", "")
	out := []opendata.Count{{Dimension: opendata.DimProvince, Assessed: snap.PublicFigures([]string{prov}, now).N, Registry: registry[prov]}}
	for _, dim := range opendata.Dimensions[1:] {
		for _, g := range snap.GroupsOf(publicDims[dim], now, registry) {
			out = append(out, opendata.Count{Dimension: dim, Code: store.GroupValue(publicDims[dim], g),
				Assessed: snap.PublicFigures([]string{g}, now).N, Registry: registry[g]})
		}
	}
	return out
}
