package store

import (
	"cmp"
	"slices"
	"time"

	"dxready/disclosure"
	"dxready/scoring"
)

// TrendQuarters is how many quarters a trend covers.
const TrendQuarters = 8

// AggFilter selects what an association's dashboard shows. The dimensions
// (section, division, size, ward) select among the members that share
// their results with the association; they never narrow the figures over
// all members, which would let two selections that differ by one
// non-sharing member be subtracted (docs/PRIVACY.md). Zero fields do not
// filter. Dimensions are each firm's current ones, also for past quarters.
type AggFilter struct {
	AssociationID int64  // zero: the whole province, with no shared selection
	Section       string // VSIC section letter
	Division      string // VSIC division, two digits
	Size          string
	Ward          string
	Quarter       scoring.Quarter // results current at the end of this quarter; zero: now
}

func (f AggFilter) dims(sf *SnapFirm) bool {
	return (f.Section == "" || sf.Section == f.Section) && (f.Division == "" || sf.Division == f.Division) &&
		(f.Size == "" || sf.Size == f.Size) && (f.Ward == "" || sf.Ward == f.Ward)
}

// Filtered reports whether f narrows by any dimension.
func (f AggFilter) Filtered() bool {
	return f.Section != "" || f.Division != "" || f.Size != "" || f.Ward != ""
}

// Aggregate is everything a dashboard, its charts and its exports show for
// one filter, in two populations that the page names:
//
//   - Whole: every member with a current result, sharing or not, protected
//     by package disclosure (perturbed; never narrowed by dimension);
//   - Shared: the members that share their results with the association and
//     match the dimensions, exact, because the lead may see each of them.
type Aggregate struct {
	Filter   AggFilter
	AsOf     time.Time // results current at this instant count
	BuiltAt  time.Time // when the snapshot was read
	Pillars  []string
	Members  int                   // the association's members
	Assessed int                   // of those, with a result current at AsOf: Whole.N
	Sharing  int                   // of those, sharing it with the association
	Whole    disclosure.Figures    // every assessed member, protected
	Province disclosure.Figures    // every assessed firm of the province, protected: the yardstick
	Trend    []TrendPoint          // Whole at the end of each quarter
	Selected int                   // sharing members with a result that match the dimensions: Shared.N
	Shared   disclosure.Figures    // their figures, exact
	By       map[string][]GroupRow // "section", "size", "ward" → groups of the shared selection, exact
	Improved []Improvement         // shared selection with two results in the trend window, most improved first
}

// TrendPoint is a quarter's figures over the results current at its end.
type TrendPoint struct {
	Quarter scoring.Quarter
	disclosure.Figures
}

// GroupRow is one group of a breakdown.
type GroupRow struct {
	Key string
	disclosure.Figures
}

// Improvement is one firm's change over the trend window.
type Improvement struct {
	FirmID   int64
	From, To SnapResult
}

// Delta is the change of the overall score.
func (i Improvement) Delta() float64 { return i.To.Overall - i.From.Overall }

// Dimensions of a breakdown.
const (
	BySection = "section"
	BySize    = "size"
	ByWard    = "ward"
)

// maxCachedAggregates bounds a snapshot's cache: past it, figures for a
// new filter are computed on every request (about 2 ms at demo scale) but
// not kept, so enumerating filter combinations costs time, never memory.
const maxCachedAggregates = 2048

// Aggregate computes (or returns the cached) figures for f, as of the
// snapshot unless f names a quarter.
func (snap *Snapshot) Aggregate(f AggFilter) *Aggregate {
	if v, ok := snap.cache.Load(f); ok {
		return v.(*Aggregate)
	}
	a := snap.compute(f)
	if snap.cached.Add(1) <= maxCachedAggregates {
		snap.cache.Store(f, a)
	}
	return a
}

// strata are a group's tallies: results shared with its association, and
// the others (all of them, for the province).
type strata [2]disclosure.Tally

func newStrata(pillars int) strata {
	return strata{disclosure.NewTally(pillars), disclosure.NewTally(pillars)}
}

func (s *strata) add(r SnapResult, shared bool) {
	i := 1
	if shared {
		i = 0
	}
	s[i].Add(r.Record())
}

func (s *strata) figures() disclosure.Figures { return disclosure.Protect(s[0], s[1]) }

func (snap *Snapshot) compute(f AggFilter) *Aggregate {
	asOf := snap.current()
	last := scoring.QuarterOf(snap.BuiltAt)
	if f.Quarter != (scoring.Quarter{}) {
		asOf, last = f.Quarter.End(), f.Quarter
	}
	n := len(snap.Pillars)
	a := &Aggregate{Filter: f, AsOf: asOf, BuiltAt: snap.BuiltAt, Pillars: snap.Pillars, By: map[string][]GroupRow{}}
	quarters := scoring.LastQuarters(last, TrendQuarters)
	windowStart := quarters[0].Start()
	whole, province := newStrata(n), newStrata(n)
	trend := make([]strata, len(quarters))
	for i := range trend {
		trend[i] = newStrata(n)
	}
	var shared []scoring.Entry
	byDim := map[string]map[string][]scoring.Entry{BySection: {}, BySize: {}, ByWard: {}}
	for i := range snap.Firms {
		sf := &snap.Firms[i]
		cur, ok := sf.AsOf(asOf)
		if ok {
			province.add(cur, false)
		}
		if f.AssociationID == 0 || !slices.Contains(sf.Assocs, f.AssociationID) {
			continue
		}
		a.Members++
		stratum := slices.Contains(sf.Strata, f.AssociationID)
		for qi, q := range quarters {
			if r, ok := sf.AsOf(minTime(q.End(), asOf)); ok {
				trend[qi].add(r, stratum)
			}
		}
		if !ok {
			continue
		}
		a.Assessed++
		whole.add(cur, stratum)
		if !slices.Contains(sf.Shares, f.AssociationID) {
			continue
		}
		a.Sharing++
		if !f.dims(sf) {
			continue
		}
		shared = append(shared, cur.Entry)
		for dim, key := range map[string]string{BySection: sf.Section, BySize: sf.Size, ByWard: sf.Ward} {
			byDim[dim][key] = append(byDim[dim][key], cur.Entry)
		}
		if first := firstFrom(sf.Results, windowStart, asOf); first != nil && first.At.Before(cur.At) {
			a.Improved = append(a.Improved, Improvement{FirmID: sf.ID, From: *first, To: cur})
		}
	}
	a.Whole, a.Province, a.Selected = whole.figures(), province.figures(), len(shared)
	if f.AssociationID == 0 {
		a.Whole = a.Province
	}
	a.Shared = disclosure.Exact(shared, n)
	for qi, q := range quarters {
		a.Trend = append(a.Trend, TrendPoint{Quarter: q, Figures: trend[qi].figures()})
	}
	for dim, groups := range byDim {
		for key, es := range groups {
			a.By[dim] = append(a.By[dim], GroupRow{Key: key, Figures: disclosure.Exact(es, n)})
		}
		slices.SortFunc(a.By[dim], func(x, y GroupRow) int { return cmp.Compare(x.Key, y.Key) })
	}
	slices.SortStableFunc(a.Improved, func(x, y Improvement) int {
		return cmp.Or(cmp.Compare(y.Delta(), x.Delta()), cmp.Compare(x.FirmID, y.FirmID))
	})
	return a
}

// firstFrom returns the first result submitted in [from, to), or nil.
func firstFrom(rs []SnapResult, from, to time.Time) *SnapResult {
	for i := range rs {
		if !rs[i].At.Before(from) && rs[i].At.Before(to) {
			return &rs[i]
		}
	}
	return nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
