package store

import (
	"context"
	"database/sql"
)

// Window says how much of a list one request examined, for a list walked
// with a window (the member list's memberWindow, the admin search's
// firmWindow): a filter its indexes do not serve is tested on at most a
// window of rows per request, so that a rare match in a long list costs a
// bounded walk per request instead of the whole list.
type Window struct {
	// CountedWithin is how many rows, from the list's start, the count
	// examined when it stopped at the window with CountCap matches or
	// fewer: Count is then of those rows only. 0: the count is the list's.
	CountedWithin int
	// Searched is how many rows this page examined when it stopped at the
	// window before it was filled; its link that way (Next, or Prev when
	// Back) then leads on from the last row it examined ("search
	// further"). 0: the page was filled or the list ended.
	Searched int
	Back     bool
}

// windowEnd returns the sort key values of the w-th row of a windowed
// walk (from, args: the walk's FROM/WHERE, cursor included), read that
// way; nil when the walk has fewer rows (it reached the end).
func (s *Store) windowEnd(ctx context.Context, o order, from string, args []any, back bool, w int) ([]any, error) {
	vals := make([]any, len(o.keys))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	q := "SELECT " + o.columns() + " " + from + " ORDER BY " + o.orderBy(back) + " LIMIT 1 OFFSET ?"
	err := s.r.QueryRowContext(ctx, q, append(args, w-1)...).Scan(ptrs...)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	return vals, mapErr("end of a window", err)
}

// beyondWindow reports whether a walk (from, args: its FROM/WHERE, without
// a cursor) has more than w rows.
func (s *Store) beyondWindow(ctx context.Context, from string, args []any, w int) (bool, error) {
	var beyond int
	err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 "+from+" LIMIT 1 OFFSET ?)", append(args, w)...).Scan(&beyond)
	return beyond > 0, mapErr("count rows beyond a window", err)
}

// windowLinks are the links of a windowed page of n rows (in list order,
// read limit+1 at most; key(i) is row i's key values). end is the key
// values of the window's last row when the walk stopped there before the
// page was filled (windowEnd), nil otherwise: then the page's links are
// the usual ones (o.links). Otherwise every row read is shown, the link
// that way ("search further") leads on from end, and the other way from
// the page's first row that way (or, when it found none, from end too:
// every row between is no match); a first page has no link back.
func (o order) windowLinks(cur *cursor, n, limit int, key func(i int) []any, end []any) (lo, hi int, l Links) {
	if end == nil {
		return o.links(cur, n, limit, key)
	}
	back := cur != nil && cur.back
	further, near := o.encodeCursor(end, back), o.encodeCursor(end, !back)
	if n > 0 && back {
		near = o.encodeCursor(key(n-1), false)
	} else if n > 0 {
		near = o.encodeCursor(key(0), true)
	}
	if back {
		return 0, n, Links{Prev: further, Next: near}
	}
	if cur == nil {
		near = "" // the list's start: nothing before
	}
	return 0, n, Links{Prev: near, Next: further}
}
