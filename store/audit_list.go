package store

import (
	"context"
	"slices"
	"strings"
	"time"
)

// auditOrder is the viewer's one order: newest first, by the stored time
// (UTC text in one format, which sorts as the times do) and then the id.
// Each filter has an index that ends in (at, id): migration 0020.
var auditOrder = order{name: "audit", keys: []sortKey{{expr: "a.at", desc: true, kind: 's'}, {expr: "a.id", desc: true, kind: 'i'}}}

// AuditFilter selects audit entries; zero fields select everything.
type AuditFilter struct {
	UserID int64  // who did it
	Action string // exactly this action
	// Subject is what it was done to: that subject and the ones under it
	// ("association:1" also takes "association:1/members.csv").
	Subject  string
	From, To time.Time // From ≤ at < To
	Cursor   string    // a token of AuditPage.Links; "" for the first page
	Limit    int       // rows a page, 1…200; 50 otherwise
}

// AuditPage is one page of the viewer.
type AuditPage struct {
	Entries []AuditEntry
	Count   Count // how many match in all, up to CountCap
	Links
}

// auditSelect is the columns of a listed entry, with the actor's address.
const auditSelect = `SELECT a.id, a.at, COALESCE(a.user_id, 0), COALESCE(u.email, ''), a.action, a.subject, a.detail,
	COALESCE(a.hash, X''), CAST(a.at AS TEXT) FROM audit_log a LEFT JOIN users u ON u.id = a.user_id`

// where is f as SQL conditions on audit_log a.
func (f AuditFilter) where() (string, []any) {
	conds, args := []string{"1"}, []any{}
	if f.UserID != 0 {
		conds, args = append(conds, "a.user_id = ?"), append(args, f.UserID)
	}
	if f.Action != "" {
		conds, args = append(conds, "a.action = ?"), append(args, f.Action)
	}
	if f.Subject != "" {
		// One range of the subject index: from Subject up to Subject+"0"
		// ('0' follows '/' in bytes) holds Subject, what lies under it
		// (Subject + "/…") and a few others (Subject + "-…"), which the
		// last term drops.
		conds = append(conds, "a.subject >= ? AND a.subject < ? AND (a.subject = ? OR substr(a.subject, ?, 1) = '/')")
		args = append(args, f.Subject, f.Subject+"0", f.Subject, len(f.Subject)+1)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "a.at >= ?"), append(args, f.From.UTC().Format(auditTimeFormat))
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "a.at < ?"), append(args, f.To.UTC().Format(auditTimeFormat))
	}
	return strings.Join(conds, " AND "), args
}

// AuditEntriesPage returns the page of entries matching f that follows
// (or precedes) f.Cursor, newest first, at most f.Limit; each page costs
// the same wherever it is (keyset pagination), and the count stops at
// CountCap. A token that is not one of its own is ErrBadCursor.
func (s *Store) AuditEntriesPage(ctx context.Context, f AuditFilter) (AuditPage, error) {
	var p AuditPage
	cur, err := auditOrder.decodeCursor(f.Cursor)
	if err != nil {
		return p, err
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	where, args := f.where()
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM audit_log a WHERE "+where+limitSQL(CountCap+1)+")",
		args...).Scan(&n); err != nil {
		return p, mapErr("count audit entries", err)
	}
	p.Count = Count{N: min(n, CountCap), More: n > CountCap}
	if n == 0 {
		return p, nil // nothing to read: a filter that matches nothing costs one scan, not two
	}
	p.Entries, p.Links, err = s.auditPage(ctx, where, args, cur, f.Limit)
	if err == nil && cur != nil && cur.back && p.Links.Prev == "" {
		p.Entries, p.Links, err = s.auditPage(ctx, where, args, nil, f.Limit) // back at the start: a whole first page
	}
	return p, err
}

// auditPage reads limit entries from the cursor on (limit+1, to know
// whether there are more).
func (s *Store) auditPage(ctx context.Context, where string, args []any, cur *cursor, limit int) ([]AuditEntry, Links, error) {
	if cur != nil {
		cond, cargs := auditOrder.where(cur)
		where += " AND " + cond
		args = append(slices.Clone(args), cargs...)
	}
	back := cur != nil && cur.back
	var out []AuditEntry
	var keys []string
	// The page's ids first, from the filter's index alone (each holds
	// every filtered column, the time and the id), then their rows: a
	// filter whose matches the index does not give in time order (a
	// target and what lies under it) sorts thousands of index entries,
	// not thousands of rows.
	ids := "SELECT a.id FROM audit_log a WHERE " + where + " ORDER BY " + auditOrder.orderBy(back) + limitSQL(limit+1)
	err := s.eachAuditRow(ctx, auditSelect+" WHERE a.id IN ("+ids+") ORDER BY "+auditOrder.orderBy(back), args,
		func(e AuditEntry, key string) error {
			out, keys = append(out, e), append(keys, key)
			return nil
		})
	if err != nil {
		return nil, Links{}, err
	}
	if back {
		slices.Reverse(out)
		slices.Reverse(keys)
	}
	lo, hi, l := auditOrder.links(cur, len(out), limit, func(i int) []any { return []any{keys[i], out[i].ID} })
	return out[lo:hi], l, nil
}

// EachAuditEntry calls fn with every entry matching f (its Cursor and
// Limit ignored), newest first, one at a time: an export of any size in
// bounded memory. An error from fn stops the walk and is returned.
func (s *Store) EachAuditEntry(ctx context.Context, f AuditFilter, fn func(AuditEntry) error) error {
	where, args := f.where()
	return s.eachAuditRow(ctx, auditSelect+" WHERE "+where+" ORDER BY "+auditOrder.orderBy(false), args,
		func(e AuditEntry, _ string) error { return fn(e) })
}

// eachAuditRow runs q and calls fn with each entry and its time as stored.
func (s *Store) eachAuditRow(ctx context.Context, q string, args []any, fn func(AuditEntry, string) error) error {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return mapErr("audit entries", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e AuditEntry
		var key string
		if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.UserEmail, &e.Action, &e.Subject, &e.Detail, &e.Hash, &key); err != nil {
			return mapErr("scan audit entry", err)
		}
		if err := fn(e, key); err != nil {
			return err
		}
	}
	return mapErr("audit entries", rows.Err())
}

// AuditActions lists the actions the log holds, in order, each found by
// one seek of the action index (a skip scan), not by reading the log.
func (s *Store) AuditActions(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `WITH RECURSIVE acts(a) AS (
		SELECT MIN(action) FROM audit_log
		UNION ALL
		SELECT (SELECT MIN(action) FROM audit_log WHERE action > acts.a) FROM acts WHERE acts.a IS NOT NULL
	) SELECT a FROM acts WHERE a IS NOT NULL`)
	if err != nil {
		return nil, mapErr("audit actions", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, mapErr("audit actions", err)
		}
		out = append(out, a)
	}
	return out, mapErr("audit actions", rows.Err())
}

// HasAuditAction reports whether any entry has action a.
func (s *Store) HasAuditAction(ctx context.Context, a string) (bool, error) {
	var ok bool
	err := s.r.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM audit_log WHERE action = ?)", a).Scan(&ok)
	return ok, mapErr("audit action", err)
}
