package opendata

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"slices"
	"time"

	"dxready/disclosure"
	"dxready/scoring"
)

// Value is one published figure.
type Value struct {
	V float64
	// Null: nothing may be shown (fewer than disclosure.MinGroup results),
	// or nothing can be computed (no estimate stratum had enough).
	Null bool
	// Interval: Lo and Hi bound a 95% confidence interval (estimates).
	Interval bool
	Lo, Hi   float64
}

// Row is one group's values: at the end of Quarter (quarterly datasets),
// or now (participation, Quarter zero).
type Row struct {
	Quarter scoring.Quarter
	Code    string // the dimension's code ("" for the province)
	Values  []Value
}

// Table is a dataset's rows, by quarter then code.
type Table struct {
	Dataset
	Rows []Row
	// ETag changes when a value of this table does, and only then: a
	// reader of the quarterly figures is not told each day's new counts.
	ETag string
}

// Cell is one group's protected figures at the end of one quarter, as the
// store computes them (disclosure.ProtectPublic), with its estimate when
// the group has one.
type Cell struct {
	Dimension, Code string
	Quarter         scoring.Quarter
	Figures         disclosure.Figures
	Estimate        *disclosure.Estimate
}

// Count is one group's exact counts now.
type Count struct {
	Dimension, Code    string
	Assessed, Registry int
}

// Input is everything a publication is computed from.
type Input struct {
	ComputedAt time.Time
	Seq        int64  // the snapshot's: the publication stays true while it does
	Instrument string // "dbi-2021@1"
	Pillars    []string
	Adoption   []scoring.Adoption
	Quarters   []scoring.Quarter // the ended quarters published, oldest first
	Cells      []Cell
	Counts     []Count
	// CountedAt is when Counts were taken (participation is published
	// once a day: see web/opendata_publication.go).
	CountedAt time.Time
	// Order lists, for a dimension whose codes have a natural order (size
	// classes, smallest first), its codes in that order; other codes, and
	// other dimensions, sort by code.
	Order map[string][]string
}

// Publication is everything open data serves at one time.
type Publication struct {
	ComputedAt time.Time
	Seq        int64
	Instrument string
	Quarters   []scoring.Quarter
	Indicators []Indicator
	Tables     []Table
	CountedAt  time.Time // when the participation counts were taken
	// ETag changes when any published value does, and only then;
	// Figures when a value of a quarterly table does (not the daily
	// counts).
	ETag, Figures string
}

// Build lays the cells and counts out as the catalogue's tables.
func Build(in Input) *Publication {
	inds := Indicators(in.Pillars, in.Adoption)
	p := &Publication{ComputedAt: in.ComputedAt, Seq: in.Seq, Instrument: in.Instrument,
		Quarters: slices.Clone(in.Quarters), Indicators: inds, CountedAt: in.CountedAt}
	for _, ds := range Datasets(inds) {
		t := Table{Dataset: ds}
		if ds.Frequency == Quarterly {
			for _, c := range in.Cells {
				if c.Dimension == ds.Dimension {
					t.Rows = append(t.Rows, Row{Quarter: c.Quarter, Code: c.Code, Values: cellValues(ds.Indicators, c)})
				}
			}
		} else {
			for _, c := range in.Counts {
				if c.Dimension == ds.Dimension {
					t.Rows = append(t.Rows, Row{Code: c.Code, Values: []Value{{V: float64(c.Assessed)}, {V: float64(c.Registry)}}})
				}
			}
		}
		order := in.Order[ds.Dimension]
		slices.SortStableFunc(t.Rows, func(a, b Row) int {
			if a.Quarter != b.Quarter {
				return quarterCmp(a.Quarter, b.Quarter)
			}
			return codeCmp(order, a.Code, b.Code)
		})
		t.ETag = hashTables(in.Instrument, []Table{t})
		p.Tables = append(p.Tables, t)
	}
	var quarterly []Table
	for _, t := range p.Tables {
		if t.Frequency == Quarterly {
			quarterly = append(quarterly, t)
		}
	}
	p.ETag, p.Figures = hashTables(in.Instrument, p.Tables), hashTables(in.Instrument, quarterly)
	return p
}

// cellValues are one cell's values for each of inds.
func cellValues(inds []Indicator, c Cell) []Value {
	f := c.Figures
	out := make([]Value, len(inds))
	share := func(n int) Value {
		if f.Suppressed || f.FewForShares || f.N == 0 {
			return Value{Null: true}
		}
		return Value{V: 100 * float64(n) / float64(f.N)}
	}
	for i, ind := range inds {
		switch ind.Kind {
		case KindAssessed:
			out[i] = Value{V: float64(f.N)}
		case KindOverallMean:
			out[i] = stat(f.Overall, f.Suppressed)
		case KindLevelShare:
			out[i] = Value{Null: true}
			if l := atoi(ind.Arg); l >= 0 && l < len(f.Levels) {
				out[i] = share(f.Levels[l])
			}
		case KindPillarMean:
			out[i] = Value{Null: true}
			if j := slices.Index(pillarIDs(inds), ind.Arg); j >= 0 && j < len(f.Pillars) {
				out[i] = stat(f.Pillars[j], f.Suppressed)
			}
		case KindAdoptionShare:
			out[i] = Value{Null: true}
			if j := adoptionIndex(inds, ind.Arg); j >= 0 && j < len(f.Adopt) {
				out[i] = share(f.Adopt[j])
			}
		case KindEstimateMean:
			out[i] = interval(c.Estimate, func(e *disclosure.Estimate) disclosure.Interval { return e.Mean })
		case KindEstimateLevel:
			// The estimate of a group under disclosure.PublicSharesMin is
			// its own shares again when it has one stratum: withheld alike.
			if f.FewForShares {
				out[i] = Value{Null: true}
				continue
			}
			l := atoi(ind.Arg)
			out[i] = interval(c.Estimate, func(e *disclosure.Estimate) disclosure.Interval {
				if l < 0 || l >= len(e.Levels) {
					return disclosure.Interval{Value: math.NaN()}
				}
				return e.Levels[l]
			})
		default:
			out[i] = Value{Null: true}
		}
	}
	return out
}

func stat(s disclosure.Stat, suppressed bool) Value {
	if suppressed || s.Suppressed || s.N == 0 {
		return Value{Null: true}
	}
	return Value{V: s.Mean}
}

func interval(e *disclosure.Estimate, pick func(*disclosure.Estimate) disclosure.Interval) Value {
	if e == nil {
		return Value{Null: true}
	}
	iv := pick(e)
	if math.IsNaN(iv.Value) {
		return Value{Null: true}
	}
	return Value{V: iv.Value, Interval: true, Lo: iv.Lo, Hi: iv.Hi}
}

// pillarIDs are the pillars of inds, in order: a pillar mean's index in
// the figures.
func pillarIDs(inds []Indicator) []string {
	var out []string
	for _, ind := range inds {
		if ind.Kind == KindPillarMean {
			out = append(out, ind.Arg)
		}
	}
	return out
}

func adoptionIndex(inds []Indicator, fact string) int {
	j := 0
	for _, ind := range inds {
		if ind.Kind == KindAdoptionShare {
			if ind.Arg == fact {
				return j
			}
			j++
		}
	}
	return -1
}

func atoi(s string) int {
	n := 0
	if s == "" {
		return -1
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func quarterCmp(a, b scoring.Quarter) int {
	if a.Year != b.Year {
		return a.Year - b.Year
	}
	return a.Q - b.Q
}

// codeCmp orders codes as order lists them, then any others by code.
func codeCmp(order []string, a, b string) int {
	ia, ib := slices.Index(order, a), slices.Index(order, b)
	switch {
	case ia >= 0 && ib >= 0:
		return ia - ib
	case ia >= 0:
		return -1
	case ib >= 0:
		return 1
	}
	return compareStrings(a, b)
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// hashTables is a digest of every value of tables and what it is about.
func hashTables(instrument string, tables []Table) string {
	h := sha256.New()
	var b []byte
	b = append(b, instrument...)
	for _, t := range tables {
		b = append(b, t.ID...)
		for _, r := range t.Rows {
			b = append(b, r.Quarter.String()...)
			b = append(b, 0)
			b = append(b, r.Code...)
			b = append(b, 0)
			for _, v := range r.Values {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v.V))
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v.Lo))
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v.Hi))
				b = append(b, boolByte(v.Null), boolByte(v.Interval))
			}
		}
		h.Write(b)
		b = b[:0]
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}
