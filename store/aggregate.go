package store

import (
	"cmp"
	"slices"
	"time"

	"dxready/scoring"
)

// TrendQuarters is how many quarters a trend covers.
const TrendQuarters = 8

// AggFilter selects the firms an aggregate covers. Zero fields do not
// filter. Dimensions are each firm's current ones (membership, industry,
// size, ward), also for past quarters.
type AggFilter struct {
	AssociationID int64
	Section       string // VSIC section letter
	Division      string // VSIC division, two digits
	Size          string
	Ward          string
	Quarter       scoring.Quarter // results current at the end of this quarter; zero: now
}

func (f AggFilter) match(sf *SnapFirm) bool {
	return (f.AssociationID == 0 || slices.Contains(sf.Assocs, f.AssociationID)) &&
		(f.Section == "" || sf.Section == f.Section) && (f.Division == "" || sf.Division == f.Division) &&
		(f.Size == "" || sf.Size == f.Size) && (f.Ward == "" || sf.Ward == f.Ward)
}

// Aggregate is everything a dashboard, its charts and its exports show
// for one filter. Every figure is suppressed below scoring.MinGroup firms.
type Aggregate struct {
	Filter      AggFilter
	AsOf        time.Time // results current at this instant count
	BuiltAt     time.Time // when the snapshot was read
	Pillars     []string
	Members     int // firms the filter selects
	Assessed    int // of those, with a result current at AsOf
	Assessed12m int // of those, with a result submitted in the 12 months to AsOf
	Group       scoring.Summary
	Province    scoring.Summary // every assessed firm, no filter: the yardstick
	Trend       []TrendPoint
	By          map[string][]GroupRow // "section", "size", "ward" → groups within the filter
	Improved    []Improvement         // every firm of the filter with two results in the trend window, most improved first
}

// TrendPoint is a quarter's figures over the results current at its end.
type TrendPoint struct {
	Quarter scoring.Quarter
	scoring.Summary
}

// GroupRow is one group of a breakdown.
type GroupRow struct {
	Key string
	scoring.Summary
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

// Aggregate computes (or returns the cached) figures for f, as of the
// snapshot unless f names a quarter.
func (snap *Snapshot) Aggregate(f AggFilter) *Aggregate {
	if v, ok := snap.cache.Load(f); ok {
		return v.(*Aggregate)
	}
	a := snap.compute(f)
	snap.cache.Store(f, a)
	return a
}

func (snap *Snapshot) compute(f AggFilter) *Aggregate {
	asOf := snap.BuiltAt
	last := scoring.QuarterOf(asOf)
	if f.Quarter != (scoring.Quarter{}) {
		asOf, last = f.Quarter.End(), f.Quarter
	}
	a := &Aggregate{Filter: f, AsOf: asOf, BuiltAt: snap.BuiltAt, Pillars: snap.Pillars, By: map[string][]GroupRow{}}
	quarters := scoring.LastQuarters(last, TrendQuarters)
	windowStart := quarters[0].Start()
	yearAgo := asOf.AddDate(-1, 0, 0)
	var group, province []scoring.Entry
	byDim := map[string]map[string][]scoring.Entry{BySection: {}, BySize: {}, ByWard: {}}
	trend := make([][]scoring.Entry, len(quarters))
	for i := range snap.Firms {
		sf := &snap.Firms[i]
		cur, ok := sf.AsOf(asOf)
		if ok {
			province = append(province, cur.Entry)
		}
		if !f.match(sf) {
			continue
		}
		a.Members++
		for qi, q := range quarters {
			if r, ok := sf.AsOf(minTime(q.End(), asOf)); ok {
				trend[qi] = append(trend[qi], r.Entry)
			}
		}
		if !ok {
			continue
		}
		a.Assessed++
		if !cur.At.Before(yearAgo) {
			a.Assessed12m++
		}
		group = append(group, cur.Entry)
		for dim, key := range map[string]string{BySection: sf.Section, BySize: sf.Size, ByWard: sf.Ward} {
			byDim[dim][key] = append(byDim[dim][key], cur.Entry)
		}
		if first := firstFrom(sf.Results, windowStart, asOf); first != nil && first.At.Before(cur.At) {
			a.Improved = append(a.Improved, Improvement{FirmID: sf.ID, From: *first, To: cur})
		}
	}
	n := len(snap.Pillars)
	a.Group, a.Province = scoring.Summarize(group, n), scoring.Summarize(province, n)
	for qi, q := range quarters {
		a.Trend = append(a.Trend, TrendPoint{Quarter: q, Summary: scoring.Summarize(trend[qi], n)})
	}
	for dim, groups := range byDim {
		for key, es := range groups {
			a.By[dim] = append(a.By[dim], GroupRow{Key: key, Summary: scoring.Summarize(es, n)})
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
