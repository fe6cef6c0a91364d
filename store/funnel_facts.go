package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"dxready/funnel"
)

// deriveFunnelRow reads what a firm's rows say and returns its row;
// exists is false for a firm no longer in the registry.
func deriveFunnelRow(ctx context.Context, tx *sql.Tx, id int64) (funnelRow, bool, error) {
	rows, err := deriveFunnelRows(ctx, tx, id, id)
	r, ok := rows[id]
	return r, ok, err
}

// deriveFunnelRows reads what the rows say of the firms with ids lo to hi
// (funnel.Facts) and their dimensions, through indexes on firm_id, and
// returns each existing firm's row with the journey funnel.Reach gives, in
// whole seconds.
func deriveFunnelRows(ctx context.Context, tx *sql.Tx, lo, hi int64) (map[int64]funnelRow, error) {
	rows := map[int64]funnelRow{}
	err := eachRow(ctx, tx, `SELECT id, COALESCE(section, ''), COALESCE(size_class, ''), COALESCE(ward_code, '')
		FROM firms WHERE id BETWEEN ? AND ?`, lo, hi, func(rs *sql.Rows) error {
		var id int64
		var r funnelRow
		err := rs.Scan(&id, &r.section, &r.size, &r.ward)
		rows[id] = r
		return err
	})
	if err != nil {
		return nil, err
	}
	assocs := map[int64][]int64{}
	if err := eachRow(ctx, tx, "SELECT firm_id, association_id FROM firm_associations WHERE firm_id BETWEEN ? AND ?", lo, hi, func(rs *sql.Rows) error {
		var f, a int64
		err := rs.Scan(&f, &a)
		assocs[f] = append(assocs[f], a)
		return err
	}); err != nil {
		return nil, err
	}
	facts, err := funnelFacts(ctx, tx, lo, hi)
	if err != nil {
		return nil, err
	}
	for id, r := range rows {
		r.assocs = assocsKey(assocs[id])
		if f, ok := facts[id]; ok {
			r.j = funnel.Reach(*f)
		}
		for k, t := range r.j {
			if !t.IsZero() {
				r.j[k] = time.Unix(t.Unix(), 0).UTC()
			}
		}
		rows[id] = r
	}
	return rows, nil
}

// funnelFacts reads the accounts, assessments, bookings and action items
// of the firms lo to hi, each through an index on firm_id.
func funnelFacts(ctx context.Context, tx *sql.Tx, lo, hi int64) (map[int64]*funnel.Facts, error) {
	out := map[int64]*funnel.Facts{}
	of := func(id int64) *funnel.Facts {
		if out[id] == nil {
			out[id] = &funnel.Facts{}
		}
		return out[id]
	}
	err := eachRow(ctx, tx, "SELECT firm_id, created_at, firm_verified_at FROM users WHERE firm_id BETWEEN ? AND ? AND role = 'firm'", lo, hi, func(rs *sql.Rows) error {
		var id int64
		var c time.Time
		var v sql.NullTime
		err := rs.Scan(&id, &c, &v)
		f := of(id)
		f.Accounts = append(f.Accounts, c)
		if v.Valid {
			f.Verified = append(f.Verified, v.Time)
		}
		return err
	})
	if err == nil {
		err = eachRow(ctx, tx, "SELECT firm_id, created_at, submitted_at FROM responses WHERE firm_id BETWEEN ? AND ?", lo, hi, func(rs *sql.Rows) error {
			var id int64
			var c time.Time
			var sub sql.NullTime
			err := rs.Scan(&id, &c, &sub)
			f := of(id)
			f.Responses = append(f.Responses, c)
			if sub.Valid {
				f.Submissions = append(f.Submissions, sub.Time)
			}
			return err
		})
	}
	if err == nil {
		err = funnelBookings(ctx, tx, lo, hi, of)
	}
	return out, err
}

// funnelBookings adds the firms' bookings and the plans of those held.
func funnelBookings(ctx context.Context, tx *sql.Tx, lo, hi int64, of func(int64) *funnel.Facts) error {
	type planRef struct {
		firm int64
		i    int
	}
	held := map[int64]planRef{} // booking → its plan
	err := eachRow(ctx, tx, "SELECT id, firm_id, created_at, status = '"+BookingDone+"', start_at FROM bookings WHERE firm_id BETWEEN ? AND ?", lo, hi, func(rs *sql.Rows) error {
		var bid, id, start int64
		var c time.Time
		var done bool
		err := rs.Scan(&bid, &id, &c, &done, &start)
		f := of(id)
		f.Bookings = append(f.Bookings, c)
		if done {
			held[bid] = planRef{id, len(f.Plans)}
			f.Plans = append(f.Plans, funnel.Plan{Held: time.Unix(start, 0).UTC()})
		}
		return err
	})
	if err != nil || len(held) == 0 {
		return err
	}
	return eachRow(ctx, tx, "SELECT booking_id, done_at FROM action_items WHERE firm_id BETWEEN ? AND ?", lo, hi, func(rs *sql.Rows) error {
		var bid int64
		var d sql.NullTime
		if err := rs.Scan(&bid, &d); err != nil {
			return err
		}
		if p, ok := held[bid]; ok {
			f := of(p.firm)
			f.Plans[p.i].Items = append(f.Plans[p.i].Items, d.Time)
		}
		return nil
	})
}

// eachRow runs q with lo and hi and calls fn on each row.
func eachRow(ctx context.Context, tx *sql.Tx, q string, lo, hi int64, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, q, lo, hi)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return rows.Err()
}

// ensureFunnel derives the funnel from the rows when it is not of the
// store's format: the first time after migration 0021, or after a change
// of layout.
func (s *Store) ensureFunnel(ctx context.Context) error {
	var format int
	if err := s.w.QueryRowContext(ctx, "SELECT n FROM funnel_meta WHERE name = 'format'").Scan(&format); err != nil {
		return mapErr("funnel: format", err)
	}
	if format == funnelFormat {
		return nil
	}
	if err := s.rebuildFunnel(ctx); err != nil {
		return fmt.Errorf("store: rebuild funnel: %w", err)
	}
	return nil
}

// rebuildFunnel derives every firm's row and every tally again from the
// rows, a chunk of firm ids per transaction, the tallies summed in memory
// and written once at the end.
func (s *Store) rebuildFunnel(ctx context.Context) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{"DELETE FROM funnel_cells", "DELETE FROM funnel_firms", "DELETE FROM funnel_dirty",
			"UPDATE funnel_meta SET n = 0 WHERE name = 'format'"} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	var maxID int64
	if err == nil {
		err = s.w.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM firms").Scan(&maxID)
	}
	cells := map[funnelCellKey]int{}
	for lo := int64(0); err == nil && lo <= maxID; lo += funnelRebuildChunk {
		err = s.inTx(ctx, func(tx *sql.Tx) error { return rebuildFunnelChunk(ctx, tx, lo, lo+funnelRebuildChunk-1, cells) })
	}
	if err == nil {
		err = s.inTx(ctx, func(tx *sql.Tx) error { return writeFunnelCells(ctx, tx, cells) })
	}
	return mapErr("funnel: rebuild", err)
}

// funnelRebuildChunk is how many firm ids a rebuild reads at a time.
const funnelRebuildChunk = 5000

// funnelCellKey is one row of funnel_cells, its count aside.
type funnelCellKey struct {
	section, size, ward, assocs string
	funnel.Entry
}

func rebuildFunnelChunk(ctx context.Context, tx *sql.Tx, lo, hi int64, cells map[funnelCellKey]int) error {
	rows, err := deriveFunnelRows(ctx, tx, lo, hi)
	if err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO funnel_firms (firm_id, section, size_class, ward_code, assocs, r0, r1, r2, r3, r4, r5, r6, r7)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for id, r := range rows {
		if r.j[funnel.Registered].IsZero() {
			continue
		}
		args := []any{id, r.section, r.size, r.ward, r.assocs}
		for _, t := range r.j {
			args = append(args, unixOrNil(t))
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return err
		}
		for _, e := range r.j.Entries() {
			cells[funnelCellKey{r.section, r.size, r.ward, r.assocs, e}]++
			cells[funnelCellKey{funnelAll, funnelAll, funnelAll, funnelAll, e}]++
		}
	}
	// Writes since the rebuild began named their firms; this chunk has them.
	_, err = tx.ExecContext(ctx, "DELETE FROM funnel_dirty WHERE firm_id BETWEEN ? AND ?", lo, hi)
	return err
}

func writeFunnelCells(ctx context.Context, tx *sql.Tx, cells map[funnelCellKey]int) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO funnel_cells (section, size_class, ward_code, assocs, stage, quarter, gap, n)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for k, n := range cells {
		if _, err := stmt.ExecContext(ctx, k.section, k.size, k.ward, k.assocs, int(k.Stage), k.Quarter, k.Gap, n); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, "UPDATE funnel_meta SET n = ? WHERE name = 'format'", funnelFormat)
	return err
}

// RebuildFunnel derives the funnel again from the rows: for a database
// whose tallies are suspected wrong. Like a bulk load, it must run while
// nothing else writes (its tallies are written at the end).
func (s *Store) RebuildFunnel(ctx context.Context) error { return s.rebuildFunnel(ctx) }
