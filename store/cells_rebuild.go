package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// rebuildCells derives every firm's inputs and every cell from the rows,
// a chunk of firms at a time, so its memory is bounded by the chunk and
// the number of cells, not by the registry. It runs when nothing else
// writes: when a store migrates to cells of a new format, and after a bulk
// load. A rebuild cut short leaves the format unset, and the next
// migration starts it again.
func (s *Store) rebuildCells(ctx context.Context) error {
	s.cells.suspend.Add(1)
	defer s.cells.suspend.Add(-1)
	var maxID int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{"DELETE FROM agg_inputs", "DELETE FROM agg_cells", "UPDATE agg_meta SET n = 0 WHERE name = 'format'",
			// The registry's counts by group (migration 0019), whose triggers
			// a bulk load drops.
			"DELETE FROM counters WHERE name LIKE 'reg:%'",
			"INSERT INTO counters (name, n) SELECT name, COUNT(*) FROM registry_groups GROUP BY name"} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return mapErr("cells: rebuild", err)
			}
		}
		return tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM firms").Scan(&maxID)
	})
	if err != nil {
		return err
	}
	delta := cellDelta{}
	for lo := int64(1); lo <= maxID; lo += rebuildChunk {
		if err := s.inTx(ctx, func(tx *sql.Tx) error { return s.rebuildChunk(ctx, tx, lo, lo+rebuildChunk-1, delta) }); err != nil {
			return err
		}
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := writeCells(ctx, tx, delta); err != nil {
			return err
		}
		for _, q := range []string{"DELETE FROM agg_dirty", "UPDATE agg_meta SET n = n + 1 WHERE name = 'seq'"} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return mapErr("cells: rebuild", err)
			}
		}
		_, err := tx.ExecContext(ctx, "UPDATE agg_meta SET n = ? WHERE name = 'format'", cellsFormat)
		return mapErr("cells: rebuild", err)
	})
	s.cells.invalidate()
	return err
}

func (s *Store) rebuildChunk(ctx context.Context, tx *sql.Tx, lo, hi int64, delta cellDelta) error {
	r := &inputsReader{q: tx, lo: lo, hi: hi, pillars: s.cells.pillarIdx}
	ins, err := r.read(ctx)
	if err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO agg_inputs (firm_id, data) VALUES (?, ?)")
	if err != nil {
		return mapErr("cells: rebuild", err)
	}
	defer stmt.Close()
	for id, in := range ins {
		if _, err := stmt.ExecContext(ctx, id, in.encode()); err != nil {
			return mapErr("cells: rebuild", err)
		}
		delta.addInputs(in, 1)
	}
	return nil
}

// ensureCells rebuilds the cells when they are not of the store's format
// (a database that has just gained them, or an older layout).
func (s *Store) ensureCells(ctx context.Context) error {
	var format int
	if err := s.w.QueryRowContext(ctx, "SELECT n FROM agg_meta WHERE name = 'format'").Scan(&format); err != nil {
		return mapErr("cells: format", err)
	}
	if format == cellsFormat {
		return nil
	}
	began := time.Now()
	if format != 0 { // 0: new, or a rebuild cut short; an upgrade says why its start takes longer
		s.opts.Logger.Info("store: the figures' cells are of an older layout; deriving them again from the rows", "from", format, "to", cellsFormat)
	}
	if err := s.rebuildCells(ctx); err != nil {
		return fmt.Errorf("store: rebuild aggregates: %w", err)
	}
	if format != 0 {
		s.opts.Logger.Info("store: the figures' cells derived again", "took", time.Since(began).Round(time.Millisecond))
	}
	return nil
}

// RebuildAggregates derives every cell again from the rows (dxready
// aggregates rebuild): for a database whose cells are suspected wrong. It
// must not run while others write.
func (s *Store) RebuildAggregates(ctx context.Context) error { return s.rebuildCells(ctx) }
