package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"dxready/disclosure"
	"dxready/scoring"
	"dxready/survey"
)

// Snapshot is the province's figures on one instrument as of one instant:
// the cells (store/cells_state.go), which every write that changes them
// keeps up to date in its own transaction, and the rows of the firms a
// viewer may see one by one. Dashboards, exports and charts all compute
// from it, so their numbers agree. Taking one costs nothing once the cells
// are in memory (a start loads them: one row per cell, not per firm).
type Snapshot struct {
	BuiltAt    time.Time // the instant the figures are as of
	Instrument string
	Pillars    []string // pillar IDs, in the instrument's order
	// Seq counts the reconciliations the cells hold: figures computed from
	// a snapshot stay true while it is unchanged, so a page may keep them
	// (any write that changes a firm's results, memberships, consent,
	// dimensions or existence moves it).
	Seq int64
	s   *Store
}

// SnapResult is one submitted result as figures count it.
type SnapResult struct {
	At time.Time
	scoring.Entry
}

// Snapshot returns the figures of instrument in as of now, loading the
// cells when memory does not hold them all.
func (s *Store) Snapshot(ctx context.Context, in *survey.Instrument) (*Snapshot, error) {
	if err := s.cells.fresh(ctx, s.r.DB); err != nil {
		return nil, err
	}
	snap := &Snapshot{BuiltAt: s.now(), Instrument: in.Key(), Seq: s.cells.seqNow(), s: s}
	for _, p := range in.Pillars {
		snap.Pillars = append(snap.Pillars, p.ID)
	}
	return snap, nil
}

// current is the instant whose current results are the snapshot's "now":
// just after BuiltAt, so a result submitted at that very instant counts.
func (snap *Snapshot) current() time.Time { return snap.BuiltAt.Add(time.Nanosecond) }

// strataAt are group g's tallies at the end of quarter q: results shared
// with its association at the quarter's start, and the others.
func (snap *Snapshot) strataAt(g string, q scoring.Quarter) strata {
	qi := quarterIndex(q)
	return strata{snap.s.cells.upTo(snap.Instrument, g, stratumShared, qi), snap.s.cells.upTo(snap.Instrument, g, stratumOther, qi)}
}

// firmInputs reads what firm id contributes now; nil when it has no result.
func (snap *Snapshot) firmInputs(ctx context.Context, id int64) (*firmInputs, error) {
	return readFirmInputs(ctx, snap.s.r, id)
}

// readFirmInputs reads what firm id contributes now on q; nil when it has
// no result.
func readFirmInputs(ctx context.Context, q rowQuerier, id int64) (*firmInputs, error) {
	var b []byte
	err := q.QueryRowContext(ctx, "SELECT data FROM agg_inputs WHERE firm_id = ?", id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr("cells: firm inputs", err)
	}
	return decodeInputs(id, b)
}

// strata are a group's tallies: results shared with its association, and
// the others (all of them, for other groups).
type strata [2]disclosure.Tally

func (s strata) figures() disclosure.Figures { return disclosure.Protect(s[0], s[1]) }

// public are the strata's figures as open data publishes them.
func (s strata) public() disclosure.Figures { return disclosure.ProtectPublic(s[0], s[1]) }

// exclude takes r's figures out of the strata but keeps its keys, so
// every firm of the group sees the same noise (disclosure.Tally.Exclude).
func (s *strata) exclude(r disclosure.Record, shared bool) {
	i := stratumOther
	if shared {
		i = stratumShared
	}
	s[i].Exclude(r)
}

// lastBefore returns the last of rs (in time order) submitted before t.
func lastBefore(rs []resultInputs, t time.Time) (resultInputs, bool) {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i].At.Before(t) {
			return rs[i], true
		}
	}
	return resultInputs{}, false
}

func (r resultInputs) snap() SnapResult {
	return SnapResult{At: r.At, Entry: scoring.Entry{Overall: r.Overall, Level: r.Level, Pillars: r.Pillars}}
}
