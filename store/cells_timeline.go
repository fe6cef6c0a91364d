package store

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"

	"dxready/disclosure"
	"dxready/scoring"
)

// Groups of firms that cells are kept for. A firm belongs to the province,
// to each association it is a member of, and to the groups of its current
// dimensions, for its whole history: as everywhere in the portal, a firm's
// dimensions and memberships are its current ones, also for past quarters.
const (
	groupProvince = "p"
	groupAssoc    = "a:"
	groupDivision = "d:"
	groupSection  = "s:"
	groupSize     = "z:"
	groupWard     = "w:"
	groupPark     = "k:" // industrial park
	// groupStratum is a VSIC section × size class ("x:C|small"): the
	// strata of the registry-weighted estimates.
	groupStratum = "x:"
)

// stratumGroup is the cells' group of section × size class.
func stratumGroup(section, size string) string { return groupStratum + section + "|" + size }

// Strata of a group: an association's results shared with it at the start
// of the quarter, and the rest (every result, for other groups).
const (
	stratumShared = 0
	stratumOther  = 1
)

func assocGroup(id int64) string { return groupAssoc + strconv.FormatInt(id, 10) }

// openEnd is the end of a contribution that lasts until something changes.
const openEnd = math.MaxInt32

// quarterIndex numbers quarters in a row (year*4 + quarter - 1), so the
// quarter after q is q+1.
func quarterIndex(q scoring.Quarter) int { return q.Year*4 + q.Q - 1 }

// cellKey names one cell: a group's stratum's change in one quarter.
type cellKey struct {
	Instrument, Group string
	Stratum, Q        int
}

// cellDelta is a change to many cells.
type cellDelta map[cellKey]*disclosure.Tally

func (d cellDelta) add(k cellKey, r disclosure.Record, sign int) {
	t := d[k]
	if t == nil {
		nt := disclosure.NewTally(len(r.Pillars))
		t = &nt
		d[k] = t
	}
	if sign > 0 {
		t.Add(r)
	} else {
		t.Remove(r)
	}
}

// addInputs adds (sign 1) or takes away (sign -1) everything firm in
// contributes: for each of its groups and each span of quarters over which
// its contribution stays the same, the record at the span's first quarter
// and its opposite at the quarter after the span.
func (d cellDelta) addInputs(in *firmInputs, sign int) {
	in.spans(func(inst, group string, stratum, from, to int, r disclosure.Record) {
		d.add(cellKey{inst, group, stratum, from}, r, sign)
		if to != openEnd {
			d.add(cellKey{inst, group, stratum, to}, r, -sign)
		}
	})
}

// spans calls emit for each span of quarters [from, to) over which the
// firm contributes record r to a group's stratum, on each instrument.
// At the end of quarter q a firm contributes its last result submitted by
// then; to an association, in the stratum of its consent at q's start.
func (in *firmInputs) spans(emit func(inst, group string, stratum, from, to int, r disclosure.Record)) {
	for _, inst := range in.instruments() {
		var rs []resultInputs
		for _, r := range in.Results {
			if r.Instrument == inst {
				rs = append(rs, r)
			}
		}
		qs := make([]int, len(rs))
		for i, r := range rs {
			qs[i] = quarterIndex(scoring.QuarterOf(r.At))
		}
		records := make([]disclosure.Record, len(rs))
		for i, r := range rs {
			e := scoring.Entry{Overall: r.Overall, Level: r.Level, Pillars: r.Pillars}
			records[i] = disclosure.Record{Entry: e, Key: disclosure.ScoredKey(r.Key, e), FirmKey: in.Key, Adoption: r.Adoption}
		}
		for _, g := range in.plainGroups() {
			walkSpans(qs, nil, func(from, to, ri int, _ bool) { emit(inst, g, stratumOther, from, to, records[ri]) })
		}
		for _, m := range in.Memberships {
			g := assocGroup(m.AssociationID)
			walkSpans(qs, m.Consent, func(from, to, ri int, shared bool) {
				stratum := stratumOther
				if shared {
					stratum = stratumShared
				}
				emit(inst, g, stratum, from, to, records[ri])
			})
		}
	}
}

// walkSpans walks the quarters where a contribution may change: when a
// result is submitted (qs, ascending, one per result) and the quarter after
// each consent change. It calls emit for each maximal span with the same
// result (its index) and consent at the span's quarters' starts.
func walkSpans(qs []int, consent []consentAt, emit func(from, to, result int, shared bool)) {
	if len(qs) == 0 {
		return
	}
	points := slices.Clone(qs)
	for _, c := range consent {
		if c.Q+1 > qs[0] {
			points = append(points, c.Q+1)
		}
	}
	slices.Sort(points)
	points = slices.Compact(points)
	from, ri, shared := -1, -1, false
	for _, p := range points {
		r := lastAtOrBefore(qs, p)
		s := sharedAtStart(consent, p)
		if from >= 0 && r == ri && s == shared {
			continue
		}
		if from >= 0 {
			emit(from, p, ri, shared)
		}
		from, ri, shared = p, r, s
	}
	emit(from, openEnd, ri, shared)
}

// lastAtOrBefore is the index of the last of qs (ascending) at or before q.
func lastAtOrBefore(qs []int, q int) int {
	i, _ := slices.BinarySearch(qs, q+1)
	return i - 1
}

// sharedAtStart is the consent at quarter q's start: at the end of the
// last quarter before q in which it changed.
func sharedAtStart(consent []consentAt, q int) bool {
	shared := false
	for _, c := range consent {
		if c.Q >= q {
			break
		}
		shared = c.Shared
	}
	return shared
}

// plainGroups are the firm's groups of one stratum: the province and its
// dimensions' groups.
func (in *firmInputs) plainGroups() []string {
	gs := []string{groupProvince}
	for _, d := range []struct{ prefix, v string }{{groupDivision, in.Division}, {groupSection, in.Section},
		{groupSize, in.Size}, {groupWard, in.Ward}, {groupPark, in.Park}} {
		if d.v != "" {
			gs = append(gs, d.prefix+d.v)
		}
	}
	if in.Section != "" && in.Size != "" {
		gs = append(gs, stratumGroup(in.Section, in.Size))
	}
	return gs
}

// instruments are those of the firm's results, in order of first use.
func (in *firmInputs) instruments() []string {
	var out []string
	for _, r := range in.Results {
		if !slices.Contains(out, r.Instrument) {
			out = append(out, r.Instrument)
		}
	}
	return out
}

// current is the firm's contribution to group g on instrument inst in
// quarter q: its record, and whether it is in the shared stratum; ok is
// false when it contributes nothing.
func (in *firmInputs) current(inst, g string, q int) (r disclosure.Record, shared, ok bool) {
	in.spans(func(i, group string, stratum, from, to int, rec disclosure.Record) {
		if i == inst && group == g && from <= q && q < to {
			r, shared, ok = rec, stratum == stratumShared, true
		}
	})
	return r, shared, ok
}

// addChange takes away what firm old contributed and adds what now does
// (either may be nil), leaving out every change to a cell that the two
// share: the same record entering or leaving the same cell. A new result
// then changes the cells of its own quarter, not every quarter of the
// firm's history, and the cells it leaves alone are not written.
func (d cellDelta) addChange(old, now *firmInputs) {
	type event struct {
		k   cellKey
		rec string
	}
	net := map[event]int{}
	recs := map[string]disclosure.Record{}
	collect := func(in *firmInputs, sign int) {
		if in == nil {
			return
		}
		in.spans(func(inst, group string, stratum, from, to int, r disclosure.Record) {
			rk := recordKey(r)
			recs[rk] = r
			net[event{cellKey{inst, group, stratum, from}, rk}] += sign
			if to != openEnd {
				net[event{cellKey{inst, group, stratum, to}, rk}] -= sign
			}
		})
	}
	collect(old, -1)
	collect(now, 1)
	for e, n := range net {
		for ; n > 0; n-- {
			d.add(e.k, recs[e.rec], 1)
		}
		for ; n < 0; n++ {
			d.add(e.k, recs[e.rec], -1)
		}
	}
}

// recordKey is r's bits, the same for records that are the same.
func recordKey(r disclosure.Record) string {
	b := make([]byte, 0, 24+8*len(r.Pillars))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(r.Overall))
	b = binary.AppendVarint(b, int64(r.Level))
	b = binary.LittleEndian.AppendUint32(b, r.Key)
	b = binary.LittleEndian.AppendUint32(b, r.FirmKey)
	b = append(b, r.Adoption)
	for _, p := range r.Pillars {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p))
	}
	return string(b)
}
