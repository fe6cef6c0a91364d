package store

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"dxready/firms"
)

// firmWindow is how many firms one request of the admin search examines at
// most, in name order, for a query its word index cannot serve together
// with a filter (one or two letters and an association, a ward or a size;
// a tax code's start and a filter; two filters, or an association and a
// ward or size, without a query, which no one index serves either): the
// count examines the first
// firmWindow firms of the filter's list, a page the firmWindow firms after
// its cursor, and a page not filled within them links on from the last
// firm examined ("search further"), as the member list does (Window).
// 0: no window (the full walk, as before: unbounded at 1,000,000 firms).
var firmWindow atomic.Int64

func init() { firmWindow.Store(20_000) }

// SetFirmWindow sets how many firms one admin search request examines (0:
// no window), until the returned func restores it: for tests and benchmarks.
func SetFirmWindow(n int) (restore func()) {
	old := firmWindow.Swap(int64(n))
	return func() { firmWindow.Store(old) }
}

// fewFirms is how many firms a query's own index (firms_fts for words, the
// tax code's for digits) may match for a filtered search to read them all
// and test the filters on each, exactly, rather than walk the filter's list
// with a window.
var fewFirms atomic.Int64

func init() { fewFirms.Store(2000) }

// SetFewFirms sets fewFirms until the returned func restores it: a test of
// the windowed walks needs lists longer than its queries' matches.
func SetFewFirms(n int) (restore func()) {
	old := fewFirms.Swap(int64(n))
	return func() { fewFirms.Store(old) }
}

// firmWalk is a walk of the admin search along the cheapest list that
// serves its filters in name order: an association's members
// (member_keys_name_idx), a ward's or a size's firms (firms_ward_size_idx,
// firms_ward_idx, firms_size_idx: (ward, size, search_key) + id), or the
// registry (firms_name_idx). from/args is its FROM/WHERE, joining the firm
// when a test reads it; bare/bargs the same rows without the join; hit is 1
// for a row the other conditions select (tested: the walk has tests).
type firmWalk struct {
	o             order
	key, id       string
	from, bare    string
	args, bargs   []any
	hit           string
	hargs         []any
	tested, joins bool
}

// planFirmWalk chooses f's walk; members: an association with a ward or a
// size is walked along the association's members (each member's firm row
// read for the ward and size) rather than along the ward's or size's firms
// (each tested for membership): walkMembers decides.
func planFirmWalk(f FirmFilter, members bool) firmWalk {
	w := firmWalk{key: "f.search_key", id: "f.id"}
	var src string
	var seek, test []string
	switch {
	case members && f.AssociationID != 0:
		w.key, w.id, w.joins = "m.search_key", "m.firm_id", f.WardCode != "" || f.SizeClass != ""
		src, seek, w.bargs = "member_keys m INDEXED BY member_keys_name_idx", []string{"m.association_id = ?"}, []any{f.AssociationID}
		if f.WardCode != "" {
			test, w.hargs = append(test, "f.ward_code = ?"), append(w.hargs, f.WardCode)
		}
		if f.SizeClass != "" {
			test, w.hargs = append(test, "f.size_class = ?"), append(w.hargs, string(f.SizeClass))
		}
	case f.WardCode != "" && f.SizeClass != "":
		src, seek, w.bargs = "firms f INDEXED BY firms_ward_size_idx", []string{"f.ward_code = ?", "f.size_class = ?"}, []any{f.WardCode, string(f.SizeClass)}
	case f.WardCode != "":
		src, seek, w.bargs = "firms f INDEXED BY firms_ward_idx", []string{"f.ward_code = ?"}, []any{f.WardCode}
	case f.SizeClass != "":
		src, seek, w.bargs = "firms f INDEXED BY firms_size_idx", []string{"f.size_class = ?"}, []any{string(f.SizeClass)}
	case f.AssociationID != 0:
		w.key, w.id = "m.search_key", "m.firm_id"
		src, seek, w.bargs = "member_keys m INDEXED BY member_keys_name_idx", []string{"m.association_id = ?"}, []any{f.AssociationID}
	default:
		src, seek = "firms f INDEXED BY firms_name_idx", []string{"1 = 1"}
	}
	w.o = order{name: firmOrder.name, keys: []sortKey{{expr: w.key, kind: 's'}, {expr: w.id, kind: 'i'}}}
	if !members && f.AssociationID != 0 && (f.WardCode != "" || f.SizeClass != "") {
		// Walked along the ward's or size's firms, each tested for
		// membership by member_keys' primary key: a small table, which
		// stays in the page cache, where a walk of the association's
		// members would read each one's row of firms, scattered over the
		// whole registry (230-270 ms a page at 1,000,000 firms).
		test, w.hargs = append(test, "EXISTS (SELECT 1 FROM member_keys k WHERE k.association_id = ? AND k.firm_id = f.id)"), append(w.hargs, f.AssociationID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if prefix, ok := taxCodePrefix(q); ok {
			test, w.hargs, w.joins = append(test, "f.tax_code >= ? AND f.tax_code < ?"), append(w.hargs, prefix, prefix+"~"), w.joins || w.id == "m.firm_id"
		} else if words := queryWords(q); len(words) > 0 {
			cond, wargs := nameHasWordsCond(w.key, words)
			test, w.hargs = append(test, cond), append(w.hargs, wargs...)
		}
	}
	w.bare = "FROM " + src + " WHERE " + strings.Join(seek, " AND ")
	w.from, w.args, w.hit, w.tested = w.bare, w.bargs, "1", len(test) > 0
	if w.joins {
		w.from = "FROM " + src + " JOIN firms f ON f.id = m.firm_id WHERE " + strings.Join(seek, " AND ")
	}
	if w.tested {
		w.hit = "CASE WHEN " + strings.Join(test, " AND ") + " THEN 1 ELSE 0 END"
	}
	return w
}

// windowCount counts wk's matches among its first w rows (all when w is
// 0), stopping at CountCap+1. Unless more than CountCap matched, within
// is w when the list goes on beyond them: the count is of those only.
func (s *Store) windowFirmCount(ctx context.Context, wk firmWalk, w int) (c Count, within int, err error) {
	if !wk.tested && len(wk.bargs) == 0 {
		c, err := s.countFirmsCapped(ctx, "1 = 1", nil, false) // the registry's counter
		return c, 0, err
	}
	if !wk.tested {
		w = 0 // every row a match: the count stops at the cap by itself
	}
	inner := "SELECT " + wk.hit + " AS hit " + wk.from
	if w > 0 {
		inner += " ORDER BY " + wk.o.orderBy(false) + limitSQL(w)
	}
	q := "SELECT COUNT(*) FROM (SELECT 1 FROM (" + inner + ") WHERE hit" + limitSQL(CountCap+1) + ")"
	if err := s.r.QueryRowContext(ctx, q, append(slices.Clone(wk.hargs), wk.args...)...).Scan(&c.N); err != nil {
		return c, 0, mapErr("count firms in a window", err)
	}
	if c.More, c.N = c.N > CountCap, min(c.N, CountCap); c.More || w == 0 {
		return c, 0, nil
	}
	if beyond, err := s.beyondWindow(ctx, wk.bare, wk.bargs, w); err != nil || beyond {
		return c, w, err
	}
	return c, 0, nil
}

// windowFirmPage reads limit firms of wk after (or before) cur, and one
// more, from the w rows that way (all when w is 0 or wk has no tests),
// with searched = w when the window stopped the page before it was filled
// (windowLinks).
func (s *Store) windowFirmPage(ctx context.Context, wk firmWalk, cur *cursor, limit, w int) (out []*firms.Firm, l Links, searched int, err error) {
	if !wk.tested {
		w = 0
	}
	back := cur != nil && cur.back
	q, args, bare, bargs := wk.pageSQL(cur, limit, w)
	keys, ids, err := s.wordRows(ctx, q, args)
	if err != nil {
		return nil, Links{}, 0, err
	}
	if back {
		slices.Reverse(keys)
		slices.Reverse(ids)
	}
	var end []any
	if w > 0 && len(ids) <= limit {
		// Not filled: did the walk stop at the window's last row?
		if end, err = s.windowEnd(ctx, wk.o, bare, bargs, back, w); err != nil {
			return nil, Links{}, 0, err
		}
	}
	lo, hi, l := wk.o.windowLinks(cur, len(ids), limit, func(i int) []any { return []any{keys[i], ids[i]} }, end)
	if end != nil {
		searched = w
	}
	out, err = s.firmsByID(ctx, ids[lo:hi])
	return out, l, searched, err
}

// pageSQL is the query of windowFirmPage (its rows: the search key and
// the id), and the walk's FROM/WHERE without the join, cursor included.
func (wk firmWalk) pageSQL(cur *cursor, limit, w int) (q string, args []any, bare string, bargs []any) {
	from, args, bare, bargs := wk.from, slices.Clone(wk.args), wk.bare, slices.Clone(wk.bargs)
	if cur != nil {
		cond, cargs := wk.o.where(cur)
		from, bare = from+" AND "+cond, bare+" AND "+cond
		args, bargs = append(args, cargs...), append(bargs, cargs...)
	}
	inner := "SELECT " + wk.key + " AS k, " + wk.id + " AS id, " + wk.hit + " AS hit " + from + " ORDER BY " + wk.o.orderBy(cur != nil && cur.back)
	if w > 0 {
		inner += limitSQL(w)
	}
	return "SELECT k, id FROM (" + inner + ") WHERE hit" + limitSQL(limit+1), append(slices.Clone(wk.hargs), args...), bare, bargs
}

// firmCandidates returns the ids (a JSON array) of the firms f's query
// matches by its own index, when they are fewFirms or fewer: words by
// firms_fts, the start of a tax code by its unique index; ok false when
// there are more, or f has no query.
func (s *Store) firmCandidates(ctx context.Context, f FirmFilter) (ids string, ok bool, err error) {
	q := strings.TrimSpace(f.Query)
	var sel string
	var args []any
	if prefix, tax := taxCodePrefix(q); tax {
		sel, args = "SELECT id FROM firms WHERE tax_code >= ? AND tax_code < ?", []any{prefix, prefix + "~"}
	} else if m := ftsQuery(q); m != "" {
		sel, args = "SELECT rowid AS id FROM firms_fts WHERE firms_fts MATCH ?", []any{m}
	} else {
		return "", false, nil
	}
	var n int
	err = s.r.QueryRowContext(ctx, "SELECT COUNT(*), json_group_array(id) FROM ("+sel+limitSQL(int(fewFirms.Load())+1)+")", args...).Scan(&n, &ids)
	if err != nil {
		return "", false, mapErr("list firms matching a query", err)
	}
	return ids, n <= int(fewFirms.Load()), nil
}

// candidateConds are f's filters tested on each firm f of a candidate
// list (firmCandidates): an association by its member's primary key.
func candidateConds(f FirmFilter) (string, []any) {
	conds, args := []string{"1 = 1"}, []any{}
	if f.AssociationID != 0 {
		conds, args = append(conds, "EXISTS (SELECT 1 FROM member_keys k WHERE k.association_id = ? AND k.firm_id = f.id)"), append(args, f.AssociationID)
	}
	if f.WardCode != "" {
		conds, args = append(conds, "f.ward_code = ?"), append(args, f.WardCode)
	}
	if f.SizeClass != "" {
		conds, args = append(conds, "f.size_class = ?"), append(args, string(f.SizeClass))
	}
	return strings.Join(conds, " AND "), args
}

// candidatePage fills p with the count and the page of the candidates ids
// (firmCandidates) that f's filters select: each read by its id, tested,
// and the matches sorted.
func (s *Store) candidatePage(ctx context.Context, f FirmFilter, ids string, cur *cursor, p *FirmPage) error {
	where, args := candidateConds(f)
	from := "FROM json_each(?) j CROSS JOIN firms f ON f.id = j.value WHERE " + where
	args = append([]any{ids}, args...)
	if err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) "+from, args...).Scan(&p.Count.N); err != nil {
		return mapErr("count firms", err)
	}
	page := func(cur *cursor) (err error) {
		q, qargs := "SELECT f.search_key, f.id "+from, slices.Clone(args)
		if cur != nil {
			cond, cargs := firmOrder.where(cur)
			q, qargs = q+" AND "+cond, append(qargs, cargs...)
		}
		p.Firms, p.Links, err = s.wordRowsPage(ctx, q+" ORDER BY "+firmOrder.orderBy(cur != nil && cur.back)+limitSQL(f.Limit+1), qargs, cur, f.Limit)
		return err
	}
	if err := page(cur); err != nil || cur == nil || !cur.back || p.Links.Prev != "" {
		return err
	}
	return page(nil) // back at the start: a whole first page
}

// searchWindowed fills p with a search that is not by words alone: the
// query's few matches tested against the filters (firmCandidates), or a
// walk of the filter's list (planFirmWalk) testing at most w firms for
// the count and w for the page.
func (s *Store) searchWindowed(ctx context.Context, f FirmFilter, cur *cursor, w int, p *FirmPage) error {
	ids, few, err := s.firmCandidates(ctx, f)
	if err != nil {
		return err
	}
	if few {
		return s.candidatePage(ctx, f, ids, cur, p)
	}
	members, err := s.walkMembers(ctx, f)
	if err != nil {
		return err
	}
	wk := planFirmWalk(f, members)
	if p.Count, p.CountedWithin, err = s.windowFirmCount(ctx, wk, w); err != nil {
		return err
	}
	p.Back = cur != nil && cur.back
	p.Firms, p.Links, p.Searched, err = s.windowFirmPage(ctx, wk, cur, f.Limit, w)
	if err == nil && p.Back && p.Links.Prev == "" {
		// Back at the start: a whole first page, not what was left before.
		p.Back = false
		p.Firms, p.Links, p.Searched, err = s.windowFirmPage(ctx, wk, nil, f.Limit, w)
	}
	return err
}

// membersFirst forces walkMembers' choice for tests: 0 chooses by the
// counters, 1 always walks the association's members, -1 never.
var membersFirst atomic.Int32

// SetMemberWalk forces (1, -1) or frees (0) the choice of walkMembers until
// the returned func restores it: a test of the admin search runs both walks.
func SetMemberWalk(mode int) (restore func()) {
	old := membersFirst.Swap(int32(mode))
	return func() { membersFirst.Store(old) }
}

// scatteredRow is what a member's firm row costs, read in the members'
// name order (scattered over the registry), in rows of a ward's or size's
// index walked in its own order with a membership test each: 16-55 µs
// against 1.5 µs (BenchmarkFirmSearchShort, association 1 with the micro
// firms: 375 members at 68,000 firms, 5,990 at 1,000,000).
const scatteredRow = 40

// walkMembers reports whether a search with an association and a ward or
// a size walks the association's members rather than the ward's or size's
// firms: when the association, read whole, costs less than the window of
// the other list (counters kept by triggers: members:<id>, reg:w:<ward>,
// reg:z:<size>). With the micro firms and a window of 20,000 rows: the
// 375 members of an association at 68,000 firms are walked (12 ms a page,
// against 30-34 ms along the micro firms), its 5,990 at 1,000,000 are not
// (315-590 ms, against 31 ms).
func (s *Store) walkMembers(ctx context.Context, f FirmFilter) (bool, error) {
	if f.AssociationID == 0 || (f.WardCode == "" && f.SizeClass == "") {
		return false, nil
	}
	if m := membersFirst.Load(); m != 0 {
		return m > 0, nil
	}
	names := []any{"members:" + strconv.FormatInt(f.AssociationID, 10), "", ""}
	if f.WardCode != "" {
		names[1] = "reg:w:" + f.WardCode
	}
	if f.SizeClass != "" {
		names[2] = "reg:z:" + string(f.SizeClass)
	}
	rows, err := s.r.QueryContext(ctx, "SELECT name, n FROM counters WHERE name IN (?, ?, ?)", names...)
	if err != nil {
		return false, mapErr("count an admin search's lists", err)
	}
	defer rows.Close()
	members, list := 0, -1
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			return false, mapErr("count an admin search's lists", err)
		}
		if name == names[0] {
			members = n
		} else if list < 0 || n < list {
			list = n
		}
	}
	if err := rows.Err(); err != nil {
		return false, mapErr("count an admin search's lists", err)
	}
	if list < 0 {
		list = 0 // no firm of the ward or size: either walk finds nothing
	}
	if w := int(firmWindow.Load()); w > 0 {
		list = min(list, w)
	}
	return members*scatteredRow < list, nil
}
