package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"dxready/auth"
)

// The people pages: Center staff search every account and change its
// access (role, association, status). The rule of what may change is
// auth.CheckAccessChange; ChangeAccess asks it inside the write.

// userOrder is the people search's one order: the address, then the id.
// The address is unique, so its index walks the list in this order;
// userOrderSorted is the same order hidden from the index ('+'), for a
// text query: its few matches are read and sorted.
var (
	userOrder       = order{name: "users", keys: []sortKey{{expr: "u.email", kind: 's'}, {expr: "u.id", kind: 'i'}}}
	userOrderSorted = order{name: "users", keys: []sortKey{{expr: "+u.email", kind: 's'}, {expr: "+u.id", kind: 'i'}}}
)

// UserFilter is a people search. Query matches part of an address or of
// a name (as typed: SQLite folds only ASCII letters' case), the start of
// a firm's tax code, or the starts of words of the firm's name (without
// diacritics, as the admin search does); the others are exact. Zero
// values do not filter.
type UserFilter struct {
	Query         string
	Role          auth.Role
	Status        auth.Status
	AssociationID int64 // its leads and the users of its member firms
	Cursor        string
	Limit         int
}

// MaxUserQuery is how many characters of a query the search reads.
const MaxUserQuery = 200

// UserRow is one account of the people search, with its firm's tax code
// and name (empty for staff).
type UserRow struct {
	*auth.User
	FirmTaxCode, FirmName string
}

// UserPage is one page of the people search.
type UserPage struct {
	Users []UserRow
	Count Count // how many match in all, up to CountCap
	// BroadTaxCode: the query is the start of more than MaxTaxCodeFirms
	// firms' tax codes, so it was matched against addresses and names
	// only; the page asks for more digits.
	BroadTaxCode bool
	Links
}

// SearchUsers returns the page of accounts matching f after (or before)
// the cursor f.Cursor, Limit rows at most (50 when out of 1…200). A
// cursor that is not one of its own is ErrBadCursor.
func (s *Store) SearchUsers(ctx context.Context, f UserFilter) (UserPage, error) {
	var p UserPage
	cur, err := userOrder.decodeCursor(f.Cursor)
	if err != nil {
		return p, err
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if prefix, ok := taxCodePrefix(userQuery(f.Query)); ok {
		if p.BroadTaxCode, err = s.broadTaxCode(ctx, prefix); err != nil {
			return p, err
		}
	}
	where, args, sorted := userWhere(f, !p.BroadTaxCode)
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM users u WHERE "+where+limitSQL(CountCap+1)+")",
		args...).Scan(&n); err != nil {
		return p, mapErr("count users", err)
	}
	p.Count = Count{N: min(n, CountCap), More: n > CountCap}
	o := userOrder
	if sorted && p.Count.N <= orderedWalkAbove {
		o = userOrderSorted
	}
	p.Users, p.Links, err = s.userPage(ctx, o, where, args, cur, f.Limit)
	if err == nil && cur != nil && cur.back && p.Links.Prev == "" {
		p.Users, p.Links, err = s.userPage(ctx, o, where, args, nil, f.Limit) // back at the start: a whole first page
	}
	return p, err
}

// userWhere is f's condition on users u, and whether it has a text query
// (few matches, as a rule: read them all and sort, rather than walk the
// address index past every account that does not match). The firm is
// matched through the firms' own indexes (a tax-code range, the name's
// words in firms_fts, as the admin search does), never by joining every
// account to its firm.
func userWhere(f UserFilter, taxCodes bool) (string, []any, bool) {
	conds, args := []string{"1 = 1"}, []any{}
	if q := userQuery(f.Query); q != "" {
		// The pattern is built in SQL ('%' || ? || '%'), not bound whole:
		// SQLite's planner reads a bound LIKE pattern (for a prefix it
		// could seek) and prepares a kept statement again each time it is
		// bound, as with LIMIT ? (limit.go); a pattern that starts with %
		// never seeks anyway.
		or := []string{`u.email LIKE ('%' || ? || '%') ESCAPE '\'`, `u.name LIKE ('%' || ? || '%') ESCAPE '\'`}
		args = append(args, escapeLike(strings.ToLower(q)), escapeLike(q))
		if prefix, ok := taxCodePrefix(q); ok && taxCodes {
			or = append(or, "u.firm_id IN (SELECT id FROM firms WHERE tax_code >= ? AND tax_code < ?)")
			args = append(args, prefix, prefix+"~")
		} else if m := ftsQuery(q); m != "" && !ok {
			or = append(or, "u.firm_id IN (SELECT rowid FROM firms_fts WHERE firms_fts MATCH ?)")
			args = append(args, m)
		}
		conds = append(conds, "("+strings.Join(or, " OR ")+")")
	}
	if f.Role != "" {
		conds, args = append(conds, "u.role = ?"), append(args, string(f.Role))
	}
	if f.Status != "" {
		conds, args = append(conds, "u.status = ?"), append(args, string(f.Status))
	}
	if f.AssociationID != 0 {
		conds = append(conds, "(u.association_id = ? OR u.firm_id IN (SELECT firm_id FROM firm_associations WHERE association_id = ?))")
		args = append(args, f.AssociationID, f.AssociationID)
	}
	return strings.Join(conds, " AND "), args, userQuery(f.Query) != ""
}

// userQuery is the part of a query the search reads: trimmed, and its
// first MaxUserQuery characters.
func userQuery(raw string) string {
	q := strings.TrimSpace(raw)
	if utf8.RuneCountInString(q) <= MaxUserQuery {
		return q
	}
	return strings.TrimSpace(string([]rune(q)[:MaxUserQuery]))
}

// MaxTaxCodeFirms is how many firms' tax codes a people search's digits
// may start: the province's codes share their first digits, and "3709"
// would match every firm user while costing a pass over every firm.
const MaxTaxCodeFirms = 1000

// broadTaxCode reports whether prefix starts more than MaxTaxCodeFirms
// tax codes (read from the tax-code index alone, stopping there).
func (s *Store) broadTaxCode(ctx context.Context, prefix string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM firms WHERE tax_code >= ? AND tax_code < ?"+limitSQL(MaxTaxCodeFirms+1)+")",
		prefix, prefix+"~").Scan(&n)
	return n > MaxTaxCodeFirms, mapErr("count tax codes", err)
}

// userPage reads limit rows from the cursor on (limit+1, to know whether
// there are more).
func (s *Store) userPage(ctx context.Context, o order, where string, args []any, cur *cursor, limit int) ([]UserRow, Links, error) {
	if cur != nil {
		cond, cargs := o.where(cur)
		where += " AND " + cond
		args = append(slices.Clone(args), cargs...)
	}
	back := cur != nil && cur.back
	// The page's rows are found first, then joined to their firms: the
	// join is made for limit+1 rows, not for every match sorted.
	rows, err := s.r.QueryContext(ctx, "SELECT "+sessionUserColumns+", COALESCE(f.tax_code, ''), COALESCE(f.name, '') FROM (SELECT * FROM users u WHERE "+
		where+" ORDER BY "+o.orderBy(back)+limitSQL(limit+1)+") u LEFT JOIN firms f ON f.id = u.firm_id ORDER BY "+o.orderBy(back), args...)
	if err != nil {
		return nil, Links{}, mapErr("search users", err)
	}
	defer rows.Close()
	var out []UserRow
	for rows.Next() {
		var row UserRow
		u, err := scanUser(scannerFunc(func(d ...any) error { return rows.Scan(append(d, &row.FirmTaxCode, &row.FirmName)...) }))
		if err != nil {
			return nil, Links{}, mapErr("scan user", err)
		}
		row.User = u
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, Links{}, mapErr("search users", err)
	}
	if back {
		slices.Reverse(out)
	}
	lo, hi, l := o.links(cur, len(out), limit, func(i int) []any { return []any{out[i].Email, out[i].ID} })
	return out[lo:hi], l, nil
}

// ChangeAccess changes account id's access to what change makes of it,
// as actor, in one transaction: the rule (auth.CheckAccessChange, with the
// other active admins counted here) is asked inside it, so two admins
// disabling each other at once cannot leave none. Disabling ends the
// account's sessions and pending sign-ins; an advisor who is disabled or
// given another role leaves the advisor list (bookings made stay), and
// an account made an advisor gets a starter profile, or its old one back.
// It returns the account as it was; ErrNotFound when there is none; an
// auth.Problem when the rule refuses. A change to nothing is no change
// and writes nothing; any other is audited with its before and after.
func (s *Store) ChangeAccess(ctx context.Context, actor *auth.User, id int64, change func(auth.Access) auth.Access) (*auth.User, error) {
	var before *auth.User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if before, err = scanUser(tx.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id)); err != nil {
			return mapErr(fmt.Sprintf("change access of %d", id), err)
		}
		to := change(auth.AccessOf(before))
		var others int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND status = 'active' AND id <> ?", id).Scan(&others); err != nil {
			return mapErr("count admins", err)
		}
		if err := auth.CheckAccessChange(actor, before, to, others); err != nil {
			return err
		}
		if to == auth.AccessOf(before) {
			return nil
		}
		return s.writeAccess(ctx, tx, actor, before, to)
	})
	return before, err
}

// writeAccess stores before's new access to, with what follows from it,
// and its audit entry.
func (s *Store) writeAccess(ctx context.Context, tx *sql.Tx, actor, before *auth.User, to auth.Access) error {
	now := s.now()
	if to.AssociationID != 0 {
		var one int
		err := tx.QueryRowContext(ctx, "SELECT 1 FROM associations WHERE id = ?", to.AssociationID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return auth.ErrAccessAssocAbsent
		} else if err != nil {
			return mapErr("find association", err)
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE users SET role = ?, association_id = ?, status = ? WHERE id = ?",
		string(to.Role), nullID(to.AssociationID), string(to.Status), before.ID); err != nil {
		return mapErr("change access", err)
	}
	if to.Status != auth.StatusActive {
		if err := endSignIns(ctx, tx, before.ID, nil); err != nil {
			return err
		}
	}
	if err := syncAdvisorProfile(ctx, tx, before, to, now); err != nil {
		return err
	}
	return writeAudit(ctx, tx, now, []AuditEntry{accessEntry(actor, before, to)})
}

// syncAdvisorProfile keeps the advisor list to active advisors: an
// account leaving the role, or disabled, is taken off it (bookings made
// stay); one given the role is put on it, with a starter profile when it
// never had one. Re-enabling an advisor leaves the profile off: the
// Center turns it on again on the advisors page, once it has looked at it.
func syncAdvisorProfile(ctx context.Context, tx *sql.Tx, before *auth.User, to auth.Access, now time.Time) error {
	switch {
	case to.Role == auth.RoleAdvisor && before.Role != auth.RoleAdvisor:
		res, err := tx.ExecContext(ctx, "UPDATE advisors SET active = ?, updated_at = ? WHERE user_id = ?", to.Status == auth.StatusActive, now, before.ID)
		if err != nil {
			return mapErr("advisor profile back", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO advisors (user_id, active, updated_at) VALUES (?, ?, ?)", before.ID, to.Status == auth.StatusActive, now); err != nil {
			return mapErr("advisor profile", err)
		}
		return saveAdvisor(ctx, tx, StarterAdvisor(before.ID), now)
	case before.Role == auth.RoleAdvisor && (to.Role != auth.RoleAdvisor || to.Status != auth.StatusActive):
		_, err := tx.ExecContext(ctx, "UPDATE advisors SET active = 0, updated_at = ? WHERE user_id = ?", now, before.ID)
		return mapErr("advisor profile off", err)
	}
	return nil
}

// accessEntry is the audit entry of a change of access: who, whose, and
// each part that changed, before → after.
func accessEntry(actor, before *auth.User, to auth.Access) AuditEntry {
	var parts []string
	if to.Role != before.Role {
		parts = append(parts, fmt.Sprintf("role %s→%s", before.Role, to.Role))
	}
	if to.AssociationID != before.AssociationID {
		parts = append(parts, fmt.Sprintf("association %d→%d", before.AssociationID, to.AssociationID))
	}
	if to.Status != before.Status {
		parts = append(parts, fmt.Sprintf("status %s→%s", before.Status, to.Status))
	}
	action := "user.access"
	if len(parts) == 1 && to.Status != before.Status {
		action = "user.status"
	}
	var by int64
	if actor != nil {
		by = actor.ID
	}
	return AuditEntry{UserID: by, Action: action, Subject: fmt.Sprintf("user:%d", before.ID), Detail: before.Email + ": " + strings.Join(parts, "; ")}
}

// ActiveAdminsBesides counts the active admins other than account id:
// what auth.CheckAccessChange needs to be asked outside a write, to draw a
// page (the write asks it again, counting inside its transaction).
func (s *Store) ActiveAdminsBesides(ctx context.Context, id int64) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND status = 'active' AND id <> ?", id).Scan(&n)
	return n, mapErr("count admins", err)
}
