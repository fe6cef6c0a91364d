package store

import (
	"context"
	"database/sql"
	"strings"
)

// fewMembers is how many matches of a name or status filter PageMembers
// lists by id rather than by walking an order's index: a rare part of a
// name, or a status few members have, is read once (the count's walk
// gathers its matches' ids), and a page is those members sorted (a lookup
// each), not a walk of the association that skips nearly every member.
var fewMembers = 2000

// MemberPage is one page of an association's member list.
type MemberPage struct {
	Members []Member
	Count   Count // how many match in all, up to CountCap
	Links
	// Window: how much of the list this request examined, when a filter
	// the list's indexes do not serve is walked with memberWindow.
	Window
}

// PageMembers returns the page of members f selects that follows (or
// precedes) the cursor token f.Cursor in f's order, f.Limit rows at most
// (50 when unset); f.Offset is ignored. The page is chosen by keyset (the
// sort keys of the cursor's row, then the id), and the count stops at
// CountCap. A token that is not one of this order's is ErrBadCursor.
func (s *Store) PageMembers(ctx context.Context, f MemberFilter) (MemberPage, error) {
	var p MemberPage
	o := memberOrder(f)
	cur, err := o.decodeCursor(f.Cursor)
	if err != nil {
		return p, err
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	name, err := s.memberNameCond(ctx, f.Query)
	if err != nil {
		return p, err
	}
	ids, err := s.countMembers(ctx, f, name, &p.Count, &p.CountedWithin)
	if err != nil {
		return p, err
	}
	p.Back = cur != nil && cur.back
	// The count found no match in the first page's window: it is not walked again.
	none := p.CountedWithin > 0 && p.Count.N == 0
	if p.Members, p.Links, p.Searched, err = s.memberPage(ctx, f, o, cur, name, ids, none && cur == nil); err == nil && p.Back && p.Links.Prev == "" {
		// Back at the start: a whole first page, not what was left before.
		p.Back = false
		p.Members, p.Links, p.Searched, err = s.memberPage(ctx, f, o, nil, name, ids, none)
	}
	return p, err
}

// countMembers counts the members f selects into c, up to CountCap. With
// a name or status filter it also returns the matches' ids (a JSON array)
// for memberPage when they are fewMembers or fewer; "" otherwise. A name
// filter's walk gathers them as it counts (a rare part of a name may take
// the whole association to find). A status filter's matches are a range of
// the status index: its first fewMembers+1 are read first, and only a
// status that more members have is counted (by SQLite's own plan, the
// faster for many matches) and paged by walking the order's index, where
// its members are then common enough to fill a page soon.
// A part of a name is first asked of the trigram index (gramMembers):
// when it offers CountCap members or fewer, only those are tested.
// Any other filter but a status alone is counted within the window
// (windowCount; within: how many members it examined when it stopped).
func (s *Store) countMembers(ctx context.Context, f MemberFilter, name nameCond, c *Count, within *int) (string, error) {
	if ids, ok, err := s.gramMembers(ctx, f, name, c); ok || err != nil {
		return ids, err
	}
	if memberWindow.Load() > 0 && (name.sql != "" || f.Section != "" || f.Size != "" || f.Ward != "") {
		ids, n, err := s.windowCount(ctx, f, name, c)
		*within = n
		return ids, err
	}
	unordered := f
	unordered.Sort, unordered.Desc = "status", false // counted: by the status index when filtered by status
	if _, byStatus := memberStatusKey[f.Status]; byStatus && name.sql == "" {
		probe := unordered
		probe.statusIndex = true
		from, args, _ := memberQuery(probe, true, name)
		var ids string
		q := "SELECT COUNT(*), json_group_array(firm_id) FROM (SELECT m.firm_id " + from + limitSQL(fewMembers+1) + ")"
		if err := s.r.QueryRowContext(ctx, q, args...).Scan(&c.N, &ids); err != nil {
			return "", mapErr("count members", err)
		}
		if c.N <= fewMembers {
			return ids, nil
		}
	}
	from, args, _ := memberQuery(unordered, true, name)
	q, qargs := "SELECT COUNT(*), NULL FROM (SELECT 1 "+from+limitSQL(CountCap+1)+")", args
	if name.sql != "" {
		q = "SELECT COUNT(*), CASE WHEN COUNT(*) <= ? THEN json_group_array(firm_id) END FROM (SELECT m.firm_id " + from + limitSQL(CountCap+1) + ")"
		qargs = append([]any{fewMembers}, qargs...)
	}
	var ids sql.NullString
	if err := s.r.QueryRowContext(ctx, q, qargs...).Scan(&c.N, &ids); err != nil {
		return "", mapErr("count members", err)
	}
	c.More, c.N = c.N > CountCap, min(c.N, CountCap)
	return ids.String, nil
}

// memberPage reads f.Limit members after (or before) cur, and one more to
// know whether there are more that way: from the order's index, or, when
// ids (countMembers) lists every match, from those members alone. A walk
// that tests its members is windowed (windowPage; searched > 0 when the
// window stopped it; none: the window is known to hold no match).
func (s *Store) memberPage(ctx context.Context, f MemberFilter, o order, cur *cursor, name nameCond, ids string, none bool) ([]Member, Links, int, error) {
	if ids == "" && windowed(f, name) {
		return s.windowPage(ctx, f, o, cur, name, none)
	}
	pageFrom, pageArgs, _ := memberQuery(f, true, name)
	if ids != "" {
		// Each listed member by its primary key, then sorted; CROSS JOIN
		// keeps SQLite from walking the order's index instead.
		pageFrom = "FROM json_each(?) j CROSS JOIN " + strings.TrimPrefix(pageFrom, "FROM ") + " AND m.firm_id = j.value"
		pageArgs = append([]any{ids}, pageArgs...)
	}
	back := cur != nil && cur.back
	if cur != nil {
		cond, cargs := o.where(cur)
		pageFrom += " AND " + cond
		pageArgs = append(pageArgs, cargs...)
	}
	// SQLite computes every result column, subqueries included, of every
	// matching row before it sorts; so a page is chosen first, from
	// member_keys' index of its order, and only its rows are read in full.
	q, args := memberSelect(f, o, "SELECT m.firm_id "+pageFrom+" ORDER BY "+o.orderBy(back)+limitSQL(f.Limit+1), pageArgs, name)
	q += " ORDER BY " + o.orderBy(false)
	var out []Member
	err := s.eachMemberRow(ctx, q, args, len(f.Pillars), len(o.keys), func(m Member) error {
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, Links{}, 0, err
	}
	lo, hi, l := o.links(cur, len(out), f.Limit, func(i int) []any { return out[i].key })
	return out[lo:hi], l, 0, nil
}
