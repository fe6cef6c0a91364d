package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
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

func (f AggFilter) dims(sf *sharedFirm) bool {
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
	BuiltAt  time.Time // the snapshot's instant
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

// Aggregate computes the figures for f, as of the snapshot unless f names
// a quarter. The protected figures come from the cells, a few tallies
// whatever the number of firms; the exact ones from the association's
// sharing members (sharedSet), read once per change to its members.
func (snap *Snapshot) Aggregate(ctx context.Context, f AggFilter) (*Aggregate, error) {
	asOf := snap.current()
	last := scoring.QuarterOf(snap.BuiltAt)
	if f.Quarter != (scoring.Quarter{}) {
		asOf, last = f.Quarter.End(), f.Quarter
	}
	n := len(snap.Pillars)
	a := &Aggregate{Filter: f, AsOf: asOf, BuiltAt: snap.BuiltAt, Pillars: snap.Pillars, By: map[string][]GroupRow{}}
	province := snap.strataAt(groupProvince, last)
	a.Province = province.figures()
	quarters := scoring.LastQuarters(last, TrendQuarters)
	if f.AssociationID == 0 {
		a.Whole = a.Province
		for _, q := range quarters {
			a.Trend = append(a.Trend, TrendPoint{Quarter: q, Figures: disclosure.Protect(disclosure.NewTally(n))})
		}
		a.Shared = disclosure.Exact(nil, n)
		return a, nil
	}
	g := assocGroup(f.AssociationID)
	whole := snap.strataAt(g, last)
	a.Whole, a.Assessed = whole.figures(), whole[0].N+whole[1].N
	for _, q := range quarters {
		st := snap.strataAt(g, q)
		a.Trend = append(a.Trend, TrendPoint{Quarter: q, Figures: st.figures()})
	}
	var err error
	if a.Members, err = snap.s.members(ctx, f.AssociationID); err != nil {
		return nil, err
	}
	set, err := snap.s.sharedSet(ctx, snap.Instrument, f.AssociationID)
	if err != nil {
		return nil, err
	}
	a.shared(set, f, asOf, quarters[0].Start(), n)
	return a, nil
}

// shared fills the exact figures: the sharing members with a result at
// asOf that match the filter's dimensions, their breakdowns, and the most
// improved since windowStart.
func (a *Aggregate) shared(set []sharedFirm, f AggFilter, asOf, windowStart time.Time, n int) {
	var shared []scoring.Entry
	byDim := map[string]map[string][]scoring.Entry{BySection: {}, BySize: {}, ByWard: {}}
	for i := range set {
		sf := &set[i]
		cur, ok := lastBefore(sf.Results, asOf)
		if !ok {
			continue
		}
		a.Sharing++
		if !f.dims(sf) {
			continue
		}
		e := cur.snap().Entry
		shared = append(shared, e)
		for dim, key := range map[string]string{BySection: sf.Section, BySize: sf.Size, ByWard: sf.Ward} {
			byDim[dim][key] = append(byDim[dim][key], e)
		}
		if first := firstFrom(sf.Results, windowStart, asOf); first != nil && first.At.Before(cur.At) {
			a.Improved = append(a.Improved, Improvement{FirmID: sf.ID, From: first.snap(), To: cur.snap()})
		}
	}
	a.Selected, a.Shared = len(shared), disclosure.Exact(shared, n)
	for dim, groups := range byDim {
		for key, es := range groups {
			a.By[dim] = append(a.By[dim], GroupRow{Key: key, Figures: disclosure.Exact(es, n)})
		}
		slices.SortFunc(a.By[dim], func(x, y GroupRow) int { return cmp.Compare(x.Key, y.Key) })
	}
	slices.SortStableFunc(a.Improved, func(x, y Improvement) int {
		return cmp.Or(cmp.Compare(y.Delta(), x.Delta()), cmp.Compare(x.FirmID, y.FirmID))
	})
}

// firstFrom returns the first result submitted in [from, to), or nil.
func firstFrom(rs []resultInputs, from, to time.Time) *resultInputs {
	for i := range rs {
		if !rs[i].At.Before(from) && rs[i].At.Before(to) {
			return &rs[i]
		}
	}
	return nil
}

// members counts association a's members (kept by triggers, migration 0018).
func (s *Store) members(ctx context.Context, a int64) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT n FROM counters WHERE name = ?", "members:"+strconv.FormatInt(a, 10)).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, mapErr("association members", err)
}
