package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"dxready/funnel"
)

// funnelFormat is the layout of funnel_firms and funnel_cells; a database
// holding another is derived again from the rows (ensureFunnel).
const funnelFormat = 1

// funnelChunk is how many changed firms a drain reads at a time, and how
// many firm ids a rebuild names per transaction.
const funnelChunk = 500

// funnelRow is what funnel_firms keeps of a firm: its dimensions and when
// it reached each stage (whole seconds).
type funnelRow struct {
	section, size, ward, assocs string
	j                           funnel.Journey
}

func (r funnelRow) same(o funnelRow) bool {
	if r.section != o.section || r.size != o.size || r.ward != o.ward || r.assocs != o.assocs {
		return false
	}
	for k := range r.j {
		if !r.j[k].Equal(o.j[k]) {
			return false
		}
	}
	return true
}

// drainFunnel brings the funnel up to date for every firm funnel_dirty
// names, inside the transaction that named them: each firm's journey is
// derived again (funnel.Reach), its old entries leave the tallies and the
// new ones enter. A change bumps funnel_meta's seq.
func (s *Store) drainFunnel(ctx context.Context, tx *sql.Tx, note *txNote) error {
	if note != nil && len(note.funnel) > 0 {
		if done, err := skipFunnel(ctx, tx, note.funnel); done || err != nil {
			return err
		}
	}
	changed := false
	for {
		ids, err := funnelDirty(ctx, tx)
		if err != nil || len(ids) == 0 {
			if err == nil && changed {
				_, err = tx.ExecContext(ctx, "UPDATE funnel_meta SET n = n + 1 WHERE name = 'seq'")
			}
			return mapErr("funnel: drain", err)
		}
		for _, id := range ids {
			c, err := refreshFunnelFirm(ctx, tx, id)
			if err != nil {
				return fmt.Errorf("store: funnel: firm %d: %w", id, err)
			}
			changed = changed || c
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM funnel_dirty WHERE firm_id <= ?", ids[len(ids)-1]); err != nil {
			return mapErr("funnel: drain", err)
		}
	}
}

// skipFunnel takes out of the log, without deriving them again, the firms
// that cs (the transaction's every change to the funnel's facts) changed
// once, in a change that keeps their marks (keepsMarks). A firm changed
// twice is derived again: each change could be the other's "earlier
// one". When the log names a firm cs does not, nothing is skipped. done is
// whether the log is left empty.
func skipFunnel(ctx context.Context, tx *sql.Tx, cs []*funnelChange) (done bool, err error) {
	times := make(map[int64]int, len(cs))
	for _, c := range cs {
		times[c.firm]++
	}
	ids, err := queryIDs(ctx, tx, "funnel: changed firms", "SELECT firm_id FROM funnel_dirty"+limitSQL(len(times)+1))
	if err != nil || len(ids) > len(times) {
		return false, err
	}
	for _, id := range ids {
		if times[id] == 0 {
			return false, nil
		}
	}
	left := len(ids)
	for _, c := range cs {
		if times[c.firm] != 1 || !slices.Contains(ids, c.firm) {
			continue
		}
		if keep, err := keepsMarks(ctx, tx, c); !keep || err != nil {
			if err != nil {
				return false, err
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM funnel_dirty WHERE firm_id = ?", c.firm); err != nil {
			return false, mapErr("funnel: drain", err)
		}
		left--
	}
	return left == 0, nil
}

func funnelDirty(ctx context.Context, tx *sql.Tx) ([]int64, error) {
	return queryIDs(ctx, tx, "funnel: changed firms", "SELECT firm_id FROM funnel_dirty ORDER BY firm_id"+limitSQL(funnelChunk))
}

// refreshFunnelFirm derives one firm's row again and moves its entries in
// the tallies; it reports whether anything changed.
func refreshFunnelFirm(ctx context.Context, tx *sql.Tx, id int64) (bool, error) {
	old, hadOld, err := readFunnelRow(ctx, tx, id)
	if err != nil {
		return false, err
	}
	cur, exists, err := deriveFunnelRow(ctx, tx, id)
	if err != nil {
		return false, err
	}
	has := exists && !cur.j[funnel.Registered].IsZero()
	if hadOld == has && (!has || old.same(cur)) {
		return false, nil
	}
	if hadOld {
		if err := tallyFunnel(ctx, tx, old, -1); err != nil {
			return false, err
		}
	}
	if !has {
		_, err := tx.ExecContext(ctx, "DELETE FROM funnel_firms WHERE firm_id = ?", id)
		return true, err
	}
	if err := tallyFunnel(ctx, tx, cur, +1); err != nil {
		return false, err
	}
	args := []any{id, cur.section, cur.size, cur.ward, cur.assocs}
	for _, t := range cur.j {
		args = append(args, unixOrNil(t))
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO funnel_firms (firm_id, section, size_class, ward_code, assocs, r0, r1, r2, r3, r4, r5, r6, r7)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (firm_id) DO UPDATE SET section = excluded.section,
		size_class = excluded.size_class, ward_code = excluded.ward_code, assocs = excluded.assocs, r0 = excluded.r0, r1 = excluded.r1,
		r2 = excluded.r2, r3 = excluded.r3, r4 = excluded.r4, r5 = excluded.r5, r6 = excluded.r6, r7 = excluded.r7`, args...)
	return true, err
}

// funnelAll is the dimensions of the province's own tallies: every firm is
// counted there too, so the funnel without filters reads a few rows.
const funnelAll = "*"

// tallyFunnel adds (by +1) or takes away (by -1) a firm's entries, under
// its dimensions and under the province's.
func tallyFunnel(ctx context.Context, tx *sql.Tx, r funnelRow, by int) error {
	all := funnelRow{section: funnelAll, size: funnelAll, ward: funnelAll, assocs: funnelAll, j: r.j}
	if err := tallyFunnelUnder(ctx, tx, r, by); err != nil {
		return err
	}
	return tallyFunnelUnder(ctx, tx, all, by)
}

func tallyFunnelUnder(ctx context.Context, tx *sql.Tx, r funnelRow, by int) error {
	for _, e := range r.j.Entries() {
		key := []any{r.section, r.size, r.ward, r.assocs, int(e.Stage), e.Quarter, e.Gap}
		if _, err := tx.ExecContext(ctx, `INSERT INTO funnel_cells (section, size_class, ward_code, assocs, stage, quarter, gap, n)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n`, append(key, by)...); err != nil {
			return err
		}
		if by < 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM funnel_cells WHERE section = ? AND size_class = ? AND ward_code = ?
				AND assocs = ? AND stage = ? AND quarter = ? AND gap = ? AND n <= 0`, key...); err != nil {
				return err
			}
		}
	}
	return nil
}

func readFunnelRow(ctx context.Context, tx *sql.Tx, id int64) (funnelRow, bool, error) {
	var r funnelRow
	var rs [funnel.NumStages]sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT section, size_class, ward_code, assocs, r0, r1, r2, r3, r4, r5, r6, r7
		FROM funnel_firms WHERE firm_id = ?`, id).Scan(&r.section, &r.size, &r.ward, &r.assocs,
		&rs[0], &rs[1], &rs[2], &rs[3], &rs[4], &rs[5], &rs[6], &rs[7])
	if err == sql.ErrNoRows {
		return r, false, nil
	}
	for k, v := range rs {
		if v.Valid {
			r.j[k] = time.Unix(v.Int64, 0).UTC()
		}
	}
	return r, err == nil, err
}

func unixOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

// assocsKey writes association ids as funnel_firms.assocs does: ",3,7,".
func assocsKey(ids []int64) string {
	slices.Sort(ids)
	var b strings.Builder
	b.WriteByte(',')
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10))
		b.WriteByte(',')
	}
	return b.String()
}
