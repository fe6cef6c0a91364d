package store

import (
	"context"
	"database/sql"
	"strings"
	"sync/atomic"
)

// memberWindow is how many members one request of a member list examines
// at most, in the list's order, for a filter its indexes do not serve (a
// part of a name the trigram index cannot answer, a section, size or ward,
// a status in another order): the count examines the list's first
// memberWindow members, a page the memberWindow members after its cursor.
// A page that is not filled within them shows what it found, and its link
// that way leads on from the last member it examined ("search further"),
// so a rare filter in an association of any size costs a bounded walk per
// request instead of the whole association. 0: no window (the full walk).
var memberWindow atomic.Int64

func init() { memberWindow.Store(20_000) }

// SetMemberWindow sets how many members one member-list request examines
// (0: no window, the full walk), until the returned func restores it: for
// tests, which need a window smaller than their lists, and benchmarks.
func SetMemberWindow(n int) (restore func()) {
	old := memberWindow.Swap(int64(n))
	return func() { memberWindow.Store(old) }
}

// memberWalk is a windowed walk's FROM/WHERE, with the conditions the
// order's index serves (memberConds' seek), and hit, an expression that
// is 1 for a member the other conditions (test) select and 0 otherwise.
// Without tests, the FROM does not join the firm (which hit may read):
// every member has one, so the walk has the same members.
func memberWalk(f MemberFilter, name nameCond, tests bool) (from string, args []any, hit string, hitArgs []any) {
	seek, test, sargs, targs := memberConds(f, name)
	var b strings.Builder
	b.WriteString("FROM member_keys m")
	if tests && (name.firmRow || f.Section != "" || f.Size != "" || f.Ward != "") {
		b.WriteString(" JOIN firms f ON f.id = m.firm_id")
	}
	b.WriteString(" WHERE m.association_id = ?")
	for _, c := range seek {
		b.WriteString(" AND " + c)
	}
	hit = "1"
	if len(test) > 0 {
		hit = "CASE WHEN " + strings.Join(test, " AND ") + " THEN 1 ELSE 0 END"
	}
	return b.String(), append([]any{f.AssociationID}, sargs...), hit, targs
}

// windowed reports whether f's list is walked with a window: it has a
// condition its order's index does not serve.
func windowed(f MemberFilter, name nameCond) bool {
	_, test, _, _ := memberConds(f, name)
	return memberWindow.Load() > 0 && len(test) > 0 && !f.statusIndex
}

// windowCount counts f's matches among the list's first memberWindow
// members (in f's order) into c, stopping at CountCap+1 as the full walk
// does. When those members are the whole list, the count is the full
// walk's (and the matches' ids, a JSON array, are returned when a name
// filter has fewMembers or fewer); otherwise, unless more than CountCap
// matched (c.More, as before), within is how many members were examined:
// the count is of those only.
func (s *Store) windowCount(ctx context.Context, f MemberFilter, name nameCond, c *Count) (ids string, within int, err error) {
	w := int(memberWindow.Load())
	from, args, hit, hargs := memberWalk(f, name, true)
	q := "SELECT COUNT(*), CASE WHEN COUNT(*) <= ? THEN json_group_array(firm_id) END FROM (SELECT firm_id FROM (SELECT m.firm_id, " +
		hit + " AS hit " + from + " ORDER BY " + memberOrder(f).orderBy(false) + limitSQL(w) + ") WHERE hit" + limitSQL(CountCap+1) + ")"
	var matched sql.NullString
	qargs := append(append([]any{fewMembers}, hargs...), args...)
	if err := s.r.QueryRowContext(ctx, q, qargs...).Scan(&c.N, &matched); err != nil {
		return "", 0, mapErr("count members in a window", err)
	}
	if c.More, c.N = c.N > CountCap, min(c.N, CountCap); c.More {
		return "", 0, nil
	}
	// Every member of the window was examined: is there one beyond it?
	bare, bargs, _, _ := memberWalk(f, name, false)
	if beyond, err := s.beyondWindow(ctx, bare, bargs, w); err != nil || beyond {
		return "", w, err
	}
	if name.sql == "" {
		return "", 0, nil
	}
	return matched.String, 0, nil
}

// windowPage reads f.Limit members after (or before) cur, and one more,
// from the memberWindow members that way (windowed). A page not filled
// within them has searched > 0 (the members examined) and its link that
// way leads on from the last member examined; the other way, from its
// first row (or, when it found none, from that same member: every member
// between is no match). With none, the window is known to hold no match
// (windowCount walked the same members) and is not walked.
func (s *Store) windowPage(ctx context.Context, f MemberFilter, o order, cur *cursor, name nameCond, none bool) (out []Member, l Links, searched int, err error) {
	w := int(memberWindow.Load())
	from, args, hit, hargs := memberWalk(f, name, true)
	bare, bargs, _, _ := memberWalk(f, name, false)
	back := cur != nil && cur.back
	if cur != nil {
		cond, cargs := o.where(cur)
		from, bare = from+" AND "+cond, bare+" AND "+cond
		args, bargs = append(args, cargs...), append(bargs, cargs...)
	}
	// The window and the page size go into the text (limitSQL): both are
	// the code's constants (a test sets smaller windows).
	walk := "FROM (SELECT m.firm_id, " + hit + " AS hit " + from + " ORDER BY " + o.orderBy(back) + limitSQL(w) + ") WHERE hit" + limitSQL(f.Limit+1)
	q, all := memberSelect(f, o, "SELECT firm_id "+walk, append(hargs, args...), name)
	if !none {
		err = s.eachMemberRow(ctx, q+" ORDER BY "+o.orderBy(false), all, len(f.Pillars), len(o.keys), func(m Member) error {
			out = append(out, m)
			return nil
		})
		if err != nil {
			return nil, Links{}, 0, err
		}
	}
	var end []any
	if len(out) <= f.Limit {
		// Not filled: did the walk stop at the window's last member?
		if end, err = s.windowEnd(ctx, o, bare, bargs, back, w); err != nil {
			return nil, Links{}, 0, err
		}
	}
	lo, hi, l := o.windowLinks(cur, len(out), f.Limit, func(i int) []any { return out[i].key }, end)
	if end != nil {
		searched = w
	}
	return out[lo:hi], l, searched, nil
}
