package store

import (
	"context"
	"math"
	"slices"
	"strings"

	"dxready/firms"
)

// firmOrder is the admin search's one order: the name without its legal
// form, then the id. firmOrderSorted is the same order written so that
// SQLite cannot seek firms_name_idx with it ('+' hides the column), for
// filters with few matches: those are read by their own index and sorted,
// rather than found by walking the whole name index from the cursor.
var (
	firmOrder       = order{name: "firms", keys: []sortKey{{expr: "f.search_key", kind: 's'}, {expr: "f.id", kind: 'i'}}}
	firmOrderSorted = order{name: "firms", keys: []sortKey{{expr: "+f.search_key", kind: 's'}, {expr: "+f.id", kind: 'i'}}}
)

// FirmPage is one page of the admin search.
type FirmPage struct {
	Firms []*firms.Firm
	Count Count // how many match in all, up to CountCap
	Links
	// Window: how much of the filter's list this request examined, when
	// its query is tested on the list's firms (firmWindow).
	Window
}

// SearchFirms returns the page of firms matching f that follows (or
// precedes) the cursor token f.Cursor, in firmOrder, Limit rows at most;
// f.Offset is ignored. Each page costs the same wherever it is in the
// list (keyset pagination), and the count stops at CountCap. A token
// that is not one of SearchFirms' own is ErrBadCursor.
func (s *Store) SearchFirms(ctx context.Context, f FirmFilter) (FirmPage, error) {
	var p FirmPage
	cur, err := firmOrder.decodeCursor(f.Cursor)
	if err != nil {
		return p, err
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if words := nameWordsOnly(f); len(words) > 0 {
		if done, err := s.searchByWords(ctx, words, cur, f.Limit, &p); done || err != nil {
			return p, err
		}
	}
	if w := int(firmWindow.Load()); w > 0 && !taxCodeAlone(f) {
		return p, s.searchWindowed(ctx, f, cur, w, &p)
	}
	where, args, ftsOnly := firmWhere(f, false)
	if p.Count, err = s.countFirmsCapped(ctx, where, args, ftsOnly); err != nil {
		return p, err
	}
	walk, err := s.walkFirms(ctx, p.Count)
	if err != nil {
		return p, err
	}
	if walk {
		where, args, _ = firmWhere(f, true)
	}
	p.Firms, p.Links, err = s.firmPage(ctx, where, args, walk, cur, f.Limit)
	if err == nil && cur != nil && cur.back && p.Links.Prev == "" {
		// Back at the start: show a whole first page, not the few rows
		// that were left before the cursor.
		p.Firms, p.Links, err = s.firmPage(ctx, where, args, walk, nil, f.Limit)
	}
	return p, err
}

// taxCodeAlone reports whether f is the start of a tax code and no filter:
// its own index counts it exactly (to CountCap) and walkFirms pages it, so
// it is not searched in windows (a province's firms share their tax codes'
// first digits: a window would count and show only the matches among the
// first firmWindow names).
func taxCodeAlone(f FirmFilter) bool {
	_, tax := taxCodePrefix(strings.TrimSpace(f.Query))
	return tax && f.AssociationID == 0 && f.WardCode == "" && f.SizeClass == ""
}

// walkFirms reports whether a page of a search with n matches is read by
// walking the name index from the cursor, testing each firm, rather than
// by listing every match and sorting them. A walk reads about
// registry/n firms for each one it keeps; a sort reads every match: the
// two cost the same near n = 5·√registry (5,000 matches of 1,000,000
// firms, 1,300 of 68,000), with a walk's row costing about a sixth of a
// sorted one's (BenchmarkLists1M, BenchmarkLists68k).
func (s *Store) walkFirms(ctx context.Context, n Count) (bool, error) {
	if n.More {
		return true, nil
	}
	total, err := s.CountFirms(ctx)
	return float64(n.N) > 5*math.Sqrt(float64(total)), err
}

// firmPage reads limit rows from the cursor on (limit+1, to know whether
// there are more); walk reads them in name order from firms_name_idx.
func (s *Store) firmPage(ctx context.Context, where string, args []any, walk bool, cur *cursor, limit int) ([]*firms.Firm, Links, error) {
	o, from := firmOrderSorted, "firms f"
	if walk {
		o, from = firmOrder, "firms f INDEXED BY firms_name_idx"
	}
	if cur != nil {
		cond, cargs := o.where(cur)
		where += " AND " + cond
		args = append(slices.Clone(args), cargs...)
	}
	back := cur != nil && cur.back
	rows, err := s.r.QueryContext(ctx, "SELECT "+firmColumns+", f.search_key FROM "+from+" WHERE "+where+
		" ORDER BY "+o.orderBy(back)+limitSQL(limit+1), args...)
	if err != nil {
		return nil, Links{}, mapErr("search firms", err)
	}
	defer rows.Close()
	var out []*firms.Firm
	var keys []string
	for rows.Next() {
		var key string
		firm, err := scanFirm(keyScanner{rows, &key})
		if err != nil {
			return nil, Links{}, mapErr("scan firm", err)
		}
		out, keys = append(out, firm), append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, Links{}, mapErr("search firms", err)
	}
	if back {
		slices.Reverse(out)
		slices.Reverse(keys)
	}
	lo, hi, l := firmOrder.links(cur, len(out), limit, func(i int) []any { return []any{keys[i], out[i].ID} })
	return out[lo:hi], l, nil
}

// keyScanner scans a row's own columns and then one more, the sort key.
type keyScanner struct {
	sc  scanner
	key any
}

func (k keyScanner) Scan(dest ...any) error { return k.sc.Scan(append(dest, k.key)...) }

// countFirmsCapped counts the firms where matches, stopping at CountCap+1.
// Without any filter it reads the registry's counter instead.
func (s *Store) countFirmsCapped(ctx context.Context, where string, args []any, ftsOnly bool) (Count, error) {
	if len(args) == 0 {
		n, err := s.CountFirms(ctx)
		return Count{N: min(n, CountCap), More: n > CountCap}, err
	}
	q := "SELECT COUNT(*) FROM (SELECT 1 FROM firms f WHERE " + where + limitSQL(CountCap+1) + ")"
	if ftsOnly {
		// Every firm has exactly one row in firms_fts: count the index alone.
		q, args = "SELECT COUNT(*) FROM (SELECT 1 FROM firms_fts WHERE firms_fts MATCH ?"+limitSQL(CountCap+1)+")", args[:1]
	}
	var n int
	if err := s.r.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return Count{}, mapErr("count firms", err)
	}
	return Count{N: min(n, CountCap), More: n > CountCap}, nil
}
