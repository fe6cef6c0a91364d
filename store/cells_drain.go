package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
)

// cellsFormat is the layout of agg_inputs and agg_cells (the groups kept,
// their encodings). A store whose cells have another is rebuilt from its
// rows when it migrates. 4: a firm's kept results are the first and last
// of each instrument's quarter (compactResults).
const cellsFormat = 4

// drainChunk is how many changed firms a reconciliation reads at a time.
const drainChunk = 500

// rebuildChunk is how many firm IDs a rebuild reads at a time: its memory
// is bounded by this, not by the registry.
const rebuildChunk = 5000

// cellChange is what one transaction did to the cells: memory applies it
// once the transaction has committed.
type cellChange struct {
	seq    int64 // agg_meta's seq after it
	delta  cellDelta
	assocs map[int64]bool // associations a changed firm belongs to (or did)
}

// drain reconciles every firm agg_dirty names, inside the transaction that
// named them, and empties the log: the cells commit with the rows they
// follow, or not at all. Nil when nothing was named. note, when not nil,
// says what the transaction changed (txNote).
func (s *Store) drain(ctx context.Context, tx *sql.Tx, note *txNote) (*cellChange, error) {
	var ch *cellChange
	// Each chunk's IDs are read once (its bounds and the firms it names; a
	// submission's drain was four reads of agg_dirty, now two).
	for after := (*int64)(nil); ; {
		ids, err := dirtyChunk(ctx, tx, after)
		if err != nil || len(ids) == 0 {
			if err != nil || ch == nil {
				return nil, err
			}
			break
		}
		if ch == nil {
			ch = &cellChange{delta: cellDelta{}, assocs: map[int64]bool{}}
		}
		lo, hi := ids[0], ids[len(ids)-1]
		if err := s.reconcile(ctx, tx, lo, hi, ids, ch, note); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM agg_dirty WHERE firm_id BETWEEN ? AND ?", lo, hi); err != nil {
			return nil, mapErr("cells: changed firms", err)
		}
		after = &hi
	}
	if err := writeCells(ctx, tx, ch.delta); err != nil {
		return nil, err
	}
	if err := tx.QueryRowContext(ctx, "UPDATE agg_meta SET n = n + 1 WHERE name = 'seq' RETURNING n").Scan(&ch.seq); err != nil {
		return nil, mapErr("cells: seq", err)
	}
	return ch, nil
}

// dirtyChunk reads the first drainChunk firms agg_dirty names, in order,
// after *after (from the first when after is nil).
func dirtyChunk(ctx context.Context, tx *sql.Tx, after *int64) ([]int64, error) {
	if after == nil {
		return queryIDs(ctx, tx, "cells: changed firms", "SELECT firm_id FROM agg_dirty ORDER BY firm_id"+limitSQL(drainChunk))
	}
	return queryIDs(ctx, tx, "cells: changed firms", "SELECT firm_id FROM agg_dirty WHERE firm_id > ? ORDER BY firm_id"+limitSQL(drainChunk), *after)
}

// reconcile brings the changed firms ids (all agg_dirty names in [lo, hi])
// up to date: what each contributed is taken away and what it contributes
// now is added.
func (s *Store) reconcile(ctx context.Context, tx *sql.Tx, lo, hi int64, ids []int64, ch *cellChange, note *txNote) error {
	old, err := readStoredInputs(ctx, tx, lo, hi)
	if err != nil {
		return err
	}
	appended, err := s.appendSubmitted(ctx, tx, ids, old, note)
	if err != nil {
		return err
	}
	rest := ids
	if len(appended) > 0 {
		s.cells.appended.Add(int64(len(appended)))
		rest = slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return appended[id] != nil })
	}
	var now map[int64]*firmInputs
	if len(rest) > 0 {
		r := &inputsReader{q: tx, lo: lo, hi: hi, dirtyOnly: true, pillars: s.cells.pillarIdx}
		if len(rest) < len(ids) {
			r.firms = rest
		}
		if note != nil {
			r.note, r.known, r.firmOf = note, knownResults(decodeAll(old)), map[int64]int64{}
		}
		if now, err = r.read(ctx); err != nil {
			return err
		}
	}
	for _, id := range ids {
		in := appended[id]
		if in == nil {
			in = now[id]
		}
		if err := reconcileFirm(ctx, tx, id, old[id], in, ch); err != nil {
			return err
		}
	}
	return nil
}

func reconcileFirm(ctx context.Context, tx *sql.Tx, id int64, oldBytes []byte, now *firmInputs, ch *cellChange) error {
	var nowBytes []byte
	if now != nil {
		nowBytes = now.encode()
		for _, m := range now.Memberships {
			ch.assocs[m.AssociationID] = true
		}
	}
	var old *firmInputs
	if oldBytes != nil {
		var err error
		if old, err = decodeInputs(id, oldBytes); err != nil {
			return fmt.Errorf("store: cells: firm %d: %w (run dxready aggregates rebuild)", id, err)
		}
		for _, m := range old.Memberships {
			ch.assocs[m.AssociationID] = true
		}
		if bytes.Equal(oldBytes, nowBytes) {
			return nil
		}
	}
	ch.delta.addChange(old, now)
	if now == nil {
		_, err := tx.ExecContext(ctx, "DELETE FROM agg_inputs WHERE firm_id = ?", id)
		return mapErr("cells: inputs", err)
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO agg_inputs (firm_id, data) VALUES (?, ?) ON CONFLICT (firm_id) DO UPDATE SET data = excluded.data",
		id, nowBytes)
	return mapErr("cells: inputs", err)
}

// decodeAll decodes the stored inputs that decode; reconcileFirm reports
// those that do not.
func decodeAll(stored map[int64][]byte) map[int64]*firmInputs {
	out := make(map[int64]*firmInputs, len(stored))
	for id, b := range stored {
		if in, err := decodeInputs(id, b); err == nil {
			out[id] = in
		}
	}
	return out
}

// readStoredInputs reads what the changed firms in [lo, hi] contributed.
func readStoredInputs(ctx context.Context, tx *sql.Tx, lo, hi int64) (map[int64][]byte, error) {
	rows, err := tx.QueryContext(ctx, `SELECT firm_id, data FROM agg_inputs
		WHERE firm_id IN (SELECT firm_id FROM agg_dirty WHERE firm_id BETWEEN ? AND ?)`, lo, hi)
	if err != nil {
		return nil, mapErr("cells: stored inputs", err)
	}
	defer rows.Close()
	out := map[int64][]byte{}
	for rows.Next() {
		var id int64
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return nil, err
		}
		out[id] = data
	}
	return out, rows.Err()
}

// writeCells adds delta to the cells table; a cell that comes to count
// nothing is deleted, so the table holds only cells that count something.
func writeCells(ctx context.Context, tx *sql.Tx, delta cellDelta) error {
	for k, d := range delta {
		var b []byte
		err := tx.QueryRowContext(ctx, "SELECT tally FROM agg_cells WHERE instrument = ? AND grp = ? AND stratum = ? AND quarter = ?",
			k.Instrument, k.Group, k.Stratum, k.Q).Scan(&b)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return mapErr("cells: read", err)
		}
		t := *d
		if b != nil {
			if t, err = decodeTally(b); err != nil {
				return fmt.Errorf("store: cells: %v: %w", k, err)
			}
			t.Merge(*d)
		}
		if emptyTally(&t) {
			_, err = tx.ExecContext(ctx, "DELETE FROM agg_cells WHERE instrument = ? AND grp = ? AND stratum = ? AND quarter = ?",
				k.Instrument, k.Group, k.Stratum, k.Q)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO agg_cells (instrument, grp, stratum, quarter, tally) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT DO UPDATE SET tally = excluded.tally`, k.Instrument, k.Group, k.Stratum, k.Q, encodeTally(&t))
		}
		if err != nil {
			return mapErr("cells: write", err)
		}
	}
	return nil
}
