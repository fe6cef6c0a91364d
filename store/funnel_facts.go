package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"dxready/funnel"
)

// deriveFunnelRow reads what a firm's rows say (funnel.Facts) and its
// dimensions, and returns its row with the journey funnel.Reach gives,
// in whole seconds. exists is false for a firm no longer in the registry.
func deriveFunnelRow(ctx context.Context, tx *sql.Tx, id int64) (funnelRow, bool, error) {
	var r funnelRow
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(section, ''), COALESCE(size_class, ''), COALESCE(ward_code, '')
		FROM firms WHERE id = ?`, id).Scan(&r.section, &r.size, &r.ward)
	if err == sql.ErrNoRows {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	var assocs []int64
	if err := eachRow(ctx, tx, "SELECT association_id FROM firm_associations WHERE firm_id = ?", id, func(rows *sql.Rows) error {
		var a int64
		err := rows.Scan(&a)
		assocs = append(assocs, a)
		return err
	}); err != nil {
		return r, false, err
	}
	r.assocs = assocsKey(assocs)
	f, err := funnelFacts(ctx, tx, id)
	if err != nil {
		return r, false, err
	}
	r.j = funnel.Reach(f)
	for k, t := range r.j {
		if !t.IsZero() {
			r.j[k] = time.Unix(t.Unix(), 0).UTC()
		}
	}
	return r, true, nil
}

// funnelFacts reads a firm's accounts, assessments, bookings and action
// items, each through an index on firm_id.
func funnelFacts(ctx context.Context, tx *sql.Tx, id int64) (funnel.Facts, error) {
	var f funnel.Facts
	err := eachRow(ctx, tx, "SELECT created_at, firm_verified_at FROM users WHERE firm_id = ? AND role = 'firm'", id, func(rows *sql.Rows) error {
		var c time.Time
		var v sql.NullTime
		err := rows.Scan(&c, &v)
		f.Accounts = append(f.Accounts, c)
		if v.Valid {
			f.Verified = append(f.Verified, v.Time)
		}
		return err
	})
	if err == nil {
		err = eachRow(ctx, tx, "SELECT created_at, submitted_at FROM responses WHERE firm_id = ?", id, func(rows *sql.Rows) error {
			var c time.Time
			var sub sql.NullTime
			err := rows.Scan(&c, &sub)
			f.Responses = append(f.Responses, c)
			if sub.Valid {
				f.Submissions = append(f.Submissions, sub.Time)
			}
			return err
		})
	}
	if err != nil {
		return f, err
	}
	return f, funnelBookings(ctx, tx, id, &f)
}

// funnelBookings adds a firm's bookings and the plans of those held.
func funnelBookings(ctx context.Context, tx *sql.Tx, id int64, f *funnel.Facts) error {
	held := map[int64]int{} // booking → index in f.Plans
	err := eachRow(ctx, tx, "SELECT id, created_at, status = ?, start_at FROM bookings WHERE firm_id = ?", id, func(rows *sql.Rows) error {
		var bid, start int64
		var c time.Time
		var done bool
		err := rows.Scan(&bid, &c, &done, &start)
		f.Bookings = append(f.Bookings, c)
		if done {
			held[bid] = len(f.Plans)
			f.Plans = append(f.Plans, funnel.Plan{Held: time.Unix(start, 0).UTC()})
		}
		return err
	}, BookingDone)
	if err != nil || len(held) == 0 {
		return err
	}
	return eachRow(ctx, tx, "SELECT booking_id, done_at FROM action_items WHERE firm_id = ?", id, func(rows *sql.Rows) error {
		var bid int64
		var d sql.NullTime
		if err := rows.Scan(&bid, &d); err != nil {
			return err
		}
		if i, ok := held[bid]; ok {
			f.Plans[i].Items = append(f.Plans[i].Items, d.Time)
		}
		return nil
	})
}

// eachRow runs q with id (and extra arguments before it) and calls fn on
// each row.
func eachRow(ctx context.Context, tx *sql.Tx, q string, id int64, fn func(*sql.Rows) error, extra ...any) error {
	rows, err := tx.QueryContext(ctx, q, append(extra, id)...)
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
// store's format: the first time after migration 0023, or after a change
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
// rows, a chunk of firm ids per transaction (each drained as it commits).
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
	for lo := int64(0); err == nil && lo <= maxID; lo += funnelChunk {
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO funnel_dirty (firm_id)
				SELECT firm_id FROM users WHERE firm_id BETWEEN ?1 AND ?2
				UNION SELECT firm_id FROM responses WHERE firm_id BETWEEN ?1 AND ?2
				UNION SELECT firm_id FROM bookings WHERE firm_id BETWEEN ?1 AND ?2`, lo, lo+funnelChunk-1)
			return err
		})
	}
	if err == nil {
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "UPDATE funnel_meta SET n = ? WHERE name = 'format'", funnelFormat)
			return err
		})
	}
	return mapErr("funnel: rebuild", err)
}

// RebuildFunnel derives the funnel again from the rows (dxready aggregates
// rebuild does it with the cells): for a database whose tallies are
// suspected wrong.
func (s *Store) RebuildFunnel(ctx context.Context) error { return s.rebuildFunnel(ctx) }
