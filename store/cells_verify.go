package store

import (
	"context"
	"database/sql"
	"hash/fnv"
	"math"

	"dxready/disclosure"
)

// AggregatesCheck is what VerifyAggregates found.
type AggregatesCheck struct {
	Firms, Cells int // firms with a result, and cells, derived from the rows
	BadInputs    int // firms whose kept contribution is not what their rows give
	BadCells     int // cells that differ from the sum of the contributions
}

// VerifyAggregates derives every firm's contribution and every cell from
// the rows, in one read transaction and in bounded chunks, and compares
// them with what the store keeps (dxready aggregates verify). It writes
// nothing; a difference means something wrote behind the store's back, and
// RebuildAggregates mends it.
func (s *Store) VerifyAggregates(ctx context.Context) (AggregatesCheck, error) {
	var c AggregatesCheck
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return c, mapErr("verify aggregates", err)
	}
	defer tx.Rollback()
	var maxID int64
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM firms").Scan(&maxID); err != nil {
		return c, mapErr("verify aggregates", err)
	}
	kept, err := readKeptInputs(ctx, tx)
	if err != nil {
		return c, err
	}
	delta := cellDelta{}
	for lo := int64(1); lo <= maxID; lo += rebuildChunk {
		ins, err := (&inputsReader{q: tx, lo: lo, hi: lo + rebuildChunk - 1, pillars: s.cells.pillarIdx}).read(ctx)
		if err != nil {
			return c, err
		}
		for id, in := range ins {
			c.Firms++
			if h, ok := kept[id]; !ok || h != hashBytes(in.encode()) {
				c.BadInputs++
			}
			delete(kept, id)
			delta.addInputs(in, 1)
		}
	}
	c.BadInputs += len(kept) // kept for firms whose rows give nothing
	c.Cells, c.BadCells, err = compareCells(ctx, tx, delta)
	return c, err
}

// readKeptInputs reads a hash of every kept contribution: at a million
// firms, their bytes would not be bounded.
func readKeptInputs(ctx context.Context, tx *sql.Tx) (map[int64]uint64, error) {
	rows, err := tx.QueryContext(ctx, "SELECT firm_id, data FROM agg_inputs")
	if err != nil {
		return nil, mapErr("verify aggregates", err)
	}
	defer rows.Close()
	out := map[int64]uint64{}
	for rows.Next() {
		var id int64
		var b []byte
		if err := rows.Scan(&id, &b); err != nil {
			return nil, err
		}
		out[id] = hashBytes(b)
	}
	return out, mapErr("verify aggregates", rows.Err())
}

// compareCells compares the derived cells with the kept ones; a derived
// cell that counts nothing is not kept.
func compareCells(ctx context.Context, tx *sql.Tx, derived cellDelta) (cells, bad int, err error) {
	rows, err := tx.QueryContext(ctx, "SELECT instrument, grp, stratum, quarter, tally FROM agg_cells")
	if err != nil {
		return 0, 0, mapErr("verify aggregates", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k cellKey
		var b []byte
		if err := rows.Scan(&k.Instrument, &k.Group, &k.Stratum, &k.Q, &b); err != nil {
			return 0, 0, err
		}
		cells++
		t, err := decodeTally(b)
		if d := derived[k]; err != nil || d == nil || !sameTally(&t, d) {
			bad++
		}
		delete(derived, k)
	}
	for _, d := range derived {
		if !emptyTally(d) {
			bad++
			cells++
		}
	}
	return cells, bad, mapErr("verify aggregates", rows.Err())
}

func sameTally(a, b *disclosure.Tally) bool {
	d := *a
	d.Pillars = append([]disclosure.PillarTally(nil), a.Pillars...)
	neg := disclosure.NewTally(len(b.Pillars))
	neg.Merge(*b)
	neg.N, neg.Key, neg.FirmKey, neg.Sum = -neg.N, -neg.Key, -neg.FirmKey, -neg.Sum
	for i := range neg.Levels {
		neg.Levels[i] = -neg.Levels[i]
	}
	for i := range neg.Bands {
		neg.Bands[i] = -neg.Bands[i]
	}
	for i := range neg.Adopt {
		neg.Adopt[i] = -neg.Adopt[i]
	}
	for i := range neg.Pillars {
		neg.Pillars[i].N, neg.Pillars[i].Sum = -neg.Pillars[i].N, -neg.Pillars[i].Sum
	}
	d.Merge(neg)
	return emptyTally(&d) && math.Abs(d.Sum) <= sumEpsilon
}

func hashBytes(b []byte) uint64 {
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}
