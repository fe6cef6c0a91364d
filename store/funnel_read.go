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

// FunnelFilter picks the firms of a funnel view: each list is "any of
// these" (empty: all), the lists combine with "and". Quarters (QuarterIndex)
// apply to a stage's list only; the figures take them in funnel.Summarise.
type FunnelFilter struct {
	Associations []int64
	Sections     []string
	Sizes        []string
	Wards        []string
	Quarters     []int
}

// where is the filter as conditions on funnel_firms or funnel_cells, their
// columns prefixed by p.
func (f FunnelFilter) where(p string) (string, []any) {
	conds, args := []string{"1"}, []any{}
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		conds = append(conds, p+col+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	in("section", f.Sections)
	in("size_class", f.Sizes)
	in("ward_code", f.Wards)
	if len(f.Associations) > 0 {
		var ors []string
		for _, a := range f.Associations {
			ors = append(ors, "instr("+p+"assocs, ?) > 0")
			args = append(args, ","+strconv.FormatInt(a, 10)+",")
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	return strings.Join(conds, " AND "), args
}

// FunnelSeq is the funnel's change counter: figures read at one value stay
// right for as long as it has it.
func (s *Store) FunnelSeq(ctx context.Context) (int64, error) {
	var n int64
	err := s.r.QueryRowContext(ctx, "SELECT n FROM funnel_meta WHERE name = 'seq'").Scan(&n)
	return n, mapErr("funnel: seq", err)
}

// FunnelCells sums the tallies of the firms f picks (its Quarters aside),
// by stage, quarter and gap, with the change counter they were read at.
// It reads funnel_cells only, never a firm's row.
func (s *Store) FunnelCells(ctx context.Context, f FunnelFilter) ([]funnel.Cell, int64, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, mapErr("funnel: cells", err)
	}
	defer tx.Rollback()
	var seq int64
	if err := tx.QueryRowContext(ctx, "SELECT n FROM funnel_meta WHERE name = 'seq'").Scan(&seq); err != nil {
		return nil, 0, mapErr("funnel: seq", err)
	}
	where, args := f.where("")
	if where == "1" {
		where = "section = '" + funnelAll + "'"
	} else {
		where += " AND section <> '" + funnelAll + "'"
	}
	rows, err := tx.QueryContext(ctx, "SELECT stage, quarter, gap, SUM(n) FROM funnel_cells WHERE "+where+
		" GROUP BY stage, quarter, gap", args...)
	if err != nil {
		return nil, 0, mapErr("funnel: cells", err)
	}
	defer rows.Close()
	var out []funnel.Cell
	for rows.Next() {
		var c funnel.Cell
		if err := rows.Scan(&c.Stage, &c.Quarter, &c.Gap, &c.N); err != nil {
			return nil, 0, mapErr("funnel: cells", err)
		}
		out = append(out, c)
	}
	return out, seq, mapErr("funnel: cells", rows.Err())
}

// FunnelFirm is a firm in a stage's list: who it is and when it reached
// the stage and the next one (zero if it has not). No result figure.
type FunnelFirm struct {
	ID                       int64
	TaxCode, Name            string
	Section, SizeClass, Ward string
	Reached, Next            time.Time
}

// FunnelPage is one page of a stage's list.
type FunnelPage struct {
	Firms []FunnelFirm
	Links
}

// funnelOrder is the list's order for stage k: latest first.
func funnelOrder(k funnel.Stage) order {
	col := "ff.r" + strconv.Itoa(int(k))
	return order{name: "funnel:" + k.Key(), keys: []sortKey{{expr: col, desc: true, kind: 'i'}, {expr: "ff.firm_id", desc: true, kind: 'i'}}}
}

// funnelListWhere is the list's condition: the firms f picks that reached
// stage k, in f.Quarters when given.
func funnelListWhere(k funnel.Stage, f FunnelFilter) (string, []any) {
	col := "ff.r" + strconv.Itoa(int(k))
	where, args := f.where("ff.")
	where += " AND " + col + " IS NOT NULL"
	if len(f.Quarters) > 0 {
		var ors []string
		for _, q := range f.Quarters {
			qq := funnel.QuarterAt(q)
			ors = append(ors, col+" >= ? AND "+col+" < ?")
			args = append(args, qq.Start().Unix(), qq.End().Unix())
		}
		where += " AND (" + strings.Join(ors, " OR ") + ")"
	}
	return where, args
}

// FunnelFirms returns the page of stage k's list that follows (or
// precedes) cursor, limit rows at most. A cursor not of this stage's list
// is ErrBadCursor.
func (s *Store) FunnelFirms(ctx context.Context, k funnel.Stage, f FunnelFilter, cursor string, limit int) (FunnelPage, error) {
	o := funnelOrder(k)
	cur, err := o.decodeCursor(cursor)
	if err != nil {
		return FunnelPage{}, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	where, args := funnelListWhere(k, f)
	if cur != nil {
		cond, cargs := o.where(cur)
		where, args = where+" AND "+cond, append(args, cargs...)
	}
	back := cur != nil && cur.back
	var out []FunnelFirm
	err = s.eachFunnelFirm(ctx, k, where, " ORDER BY "+o.orderBy(back)+limitSQL(limit+1), args, func(ff FunnelFirm) error {
		out = append(out, ff)
		return nil
	})
	if err != nil {
		return FunnelPage{}, err
	}
	if back {
		slices.Reverse(out)
	}
	lo, hi, l := o.links(cur, len(out), limit, func(i int) []any { return []any{out[i].Reached.Unix(), out[i].ID} })
	return FunnelPage{Firms: out[lo:hi], Links: l}, nil
}

// EachFunnelFirm calls fn on every firm of stage k's list, in the list's
// order: the export.
func (s *Store) EachFunnelFirm(ctx context.Context, k funnel.Stage, f FunnelFilter, fn func(FunnelFirm) error) error {
	where, args := funnelListWhere(k, f)
	return s.eachFunnelFirm(ctx, k, where, " ORDER BY "+funnelOrder(k).orderBy(false), args, fn)
}

func (s *Store) eachFunnelFirm(ctx context.Context, k funnel.Stage, where, tail string, args []any, fn func(FunnelFirm) error) error {
	next := "NULL"
	if int(k)+1 < funnel.NumStages {
		next = "ff.r" + strconv.Itoa(int(k)+1)
	}
	rows, err := s.r.QueryContext(ctx, fmt.Sprintf(`SELECT ff.firm_id, f.tax_code, f.name, ff.section, ff.size_class, ff.ward_code,
		ff.r%d, %s FROM funnel_firms ff JOIN firms f ON f.id = ff.firm_id WHERE %s%s`, k, next, where, tail), args...)
	if err != nil {
		return mapErr("funnel: list", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ff FunnelFirm
		var reached int64
		var nxt sql.NullInt64
		if err := rows.Scan(&ff.ID, &ff.TaxCode, &ff.Name, &ff.Section, &ff.SizeClass, &ff.Ward, &reached, &nxt); err != nil {
			return mapErr("funnel: list", err)
		}
		ff.Reached = time.Unix(reached, 0).UTC()
		if nxt.Valid {
			ff.Next = time.Unix(nxt.Int64, 0).UTC()
		}
		if err := fn(ff); err != nil {
			return err
		}
	}
	return mapErr("funnel: list", rows.Err())
}
