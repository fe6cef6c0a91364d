package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"dxready/firms"
	"dxready/scoring"
)

// Member statuses.
const (
	MemberNotStarted = "none"
	MemberDraft      = "draft"
	MemberSubmitted  = "submitted"
)

// MemberSorts are the orders a member list can take.
var MemberSorts = []string{"name", "status", "submitted", "score"}

// MemberFilter selects and orders one association's members. Zero fields
// do not filter.
type MemberFilter struct {
	AssociationID int64
	Query         string // words of the name, or the start of a tax code
	Status        string // MemberNotStarted, MemberDraft or MemberSubmitted
	Section       string
	Size          string
	Ward          string
	Sort          string // one of MemberSorts; "" is name
	Desc          bool
	Limit, Offset int      // Limit 0: all
	Cursor        string   // PageMembers: the page after or before this token; "" the first
	Pillars       []string // pillar IDs whose scores to read, for shared results
	// statusIndex makes a lean query read member_keys_status_idx, which
	// holds exactly the members of one status (countMembers' probe);
	// SQLite, which has no statistics, would walk the whole association.
	statusIndex bool
}

// Member is one member firm as its association sees it. Overall, Level,
// Pillars and the exact SubmittedAt are filled only when the firm shares
// its results with the association: the store never reads the scores
// otherwise, and gives the submission's quarter only, so a lead cannot
// line a non-sharing member's submission up with a change in the
// association's figures (docs/PRIVACY.md).
type Member struct {
	FirmID              int64
	TaxCode             firms.TaxCode
	Name                string
	Section, Size, Ward string
	Status              string
	Drafting            bool            // a (re-)assessment is in progress
	SubmittedAt         time.Time       // of the current result, when there is one and it is shared
	Quarter             scoring.Quarter // of the current result, when there is one
	Shared              bool
	Overall             float64
	Level               int
	Pillars             []sql.NullFloat64 // by f.Pillars; null when not scored
	HasAccount          bool
	InvitedAt           time.Time // its last invitation by the association; zero: never
	key                 []any     // its sort key values, for the page cursors
}

// memberQuery builds the member list's FROM/WHERE and its ORDER BY, name
// being f.Query's condition (memberNameCond). Every sort key, the status
// and the legal prefix are columns of member_keys (migrations 0022, 0027),
// so the count and the choice of a page (lean) read that table's indexes,
// and join a member's firm only for a filter on its record; the outer joins
// (one current result, one draft by responses_one_draft_idx, one sharing
// row) are for the columns shown, read for a page's rows only.
func memberQuery(f MemberFilter, lean bool, name nameCond) (from string, args []any, order string) {
	var b strings.Builder
	b.WriteString("FROM member_keys m")
	if f.statusIndex {
		b.WriteString(" INDEXED BY member_keys_status_idx")
	}
	if !lean || name.firmRow || f.Section != "" || f.Size != "" || f.Ward != "" {
		b.WriteString(" JOIN firms f ON f.id = m.firm_id")
	}
	if !lean {
		b.WriteString(`
		LEFT JOIN current_results c ON c.firm_id = f.id
		LEFT JOIN responses d ON d.firm_id = f.id AND d.status = 'draft' AND d.owner_id IS NULL
		LEFT JOIN result_sharing sh ON sh.association_id = m.association_id AND sh.firm_id = f.id`)
	}
	b.WriteString(`
		WHERE m.association_id = ?`)
	args = []any{f.AssociationID}
	seek, test, sargs, targs := memberConds(f, name)
	for _, c := range append(seek, test...) {
		b.WriteString(" AND " + c)
	}
	args = append(append(args, sargs...), targs...)
	order = memberOrder(f).orderBy(false)
	return b.String(), args, order
}

// memberConds are f's conditions on a member beyond its association:
// seek, those the order's index serves as a range (a status in the status
// order), then test, those tested on each member walked (name, a status in
// another order, the firm's section, size and ward); sargs and targs are
// their arguments.
func memberConds(f MemberFilter, name nameCond) (seek, test []string, sargs, targs []any) {
	if st, ok := memberStatusKey[f.Status]; ok && f.Sort == "status" {
		seek, sargs = append(seek, "m.status = ?"), append(sargs, st)
	}
	if name.sql != "" {
		test, targs = append(test, name.sql), append(targs, name.args...)
	}
	if st, ok := memberStatusKey[f.Status]; ok && f.Sort != "status" {
		// Not the order's own key: '+' keeps SQLite from choosing the status
		// index and sorting every member of that status; it walks the
		// order's index and skips the others instead.
		test, targs = append(test, "+m.status = ?"), append(targs, st)
	}
	for _, c := range []struct{ col, v string }{{"f.section", f.Section}, {"f.size_class", f.Size}, {"f.ward_code", f.Ward}} {
		if c.v != "" {
			test, targs = append(test, c.col+" = ?"), append(targs, c.v)
		}
	}
	return seek, test, sargs, targs
}

// memberStatusKey is each status's value in member_keys.status.
var memberStatusKey = map[string]int{MemberNotStarted: 0, MemberDraft: 1, MemberSubmitted: 2}

// memberOrder is the member list's order for f.Sort and f.Desc, each key a
// column of member_keys that is never NULL (no quarter or shared date is
// 0, below every one; no shared score is -1, below every score), ending
// with the firm's id so that every row has its own place. Only the name
// order applies Desc to its tie-breakers; the others read a key's "_rev"
// twin (its negation) for descending, so that each order has an index in
// one direction, which a cursor seeks into (order.where).
func memberOrder(f MemberFilter) order {
	name := []sortKey{{expr: "m.search_key", kind: 's'}, {expr: "m.firm_id", kind: 'i'}}
	rev := ""
	if f.Desc {
		rev = "_rev"
	}
	var keys []sortKey
	switch f.Sort {
	case "status":
		keys = []sortKey{{expr: "m.status" + rev, kind: 'i'}}
	case "submitted": // by quarter; within one, by date only where shared
		keys = []sortKey{{expr: "m.no_result", kind: 'i'}, {expr: "m.quarter" + rev, kind: 'i'}, {expr: "m.shared_at" + rev, kind: 'n'}}
	case "score": // only shared scores order the list; the others follow, by name
		keys = []sortKey{{expr: "m.unshared", kind: 'i'}, {expr: "m.shared_score" + rev, kind: 'n'}}
	default:
		name[0].desc, name[1].desc = f.Desc, f.Desc
	}
	dir := "asc"
	if f.Desc {
		dir = "desc"
	}
	sort := f.Sort
	if sort == "" {
		sort = "name"
	}
	return order{name: "members:" + sort + ":" + dir, keys: append(keys, name...)}
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// escapeLike makes s match itself in a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string { return likeEscape.Replace(s) }

var likeEscape = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// FindMembers returns the page of members at f.Offset and how many match
// in all, counted exactly: for the association's member total and tests.
// The member list pages with PageMembers, which costs the same on any page.
func (s *Store) FindMembers(ctx context.Context, f MemberFilter) ([]Member, int, error) {
	name, err := s.memberNameCond(ctx, f.Query)
	if err != nil {
		return nil, 0, err
	}
	unordered := f
	unordered.Sort = "status" // counted: by the status index when filtered by status
	from, args, _ := memberQuery(unordered, true, name)
	var total int
	if err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) "+from, args...).Scan(&total); err != nil {
		return nil, 0, mapErr("count members", err)
	}
	var out []Member
	err = s.EachMember(ctx, f, func(m Member) error {
		out = append(out, m)
		return nil
	})
	return out, total, err
}

// CountMembers returns how many members association assoc has, exactly,
// from the membership index alone (the association's page shows it; a
// page of members is not read for it).
func (s *Store) CountMembers(ctx context.Context, assoc int64) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM firm_associations WHERE association_id = ?", assoc).Scan(&n)
	return n, mapErr(fmt.Sprintf("count members of association %d", assoc), err)
}

// memberSelect is the member list's full select, with its order's key
// columns last, up to its WHERE clause (to which a page restriction may
// be added). With page, a query of firm ids, it reads those members only,
// each by its key: joined first (CROSS JOIN keeps SQLite from walking the
// association's members in order and testing each against the page).
func memberSelect(f MemberFilter, o order, page string, pageArgs []any, name nameCond) (string, []any) {
	from, args, _ := memberQuery(f, false, name)
	if page != "" {
		from = "FROM (" + page + ") pg CROSS JOIN " + strings.TrimPrefix(from, "FROM ") + " AND m.firm_id = pg.firm_id"
		args = append(pageArgs, args...)
	}
	var pillarCols strings.Builder
	var pargs []any
	for _, p := range f.Pillars {
		pillarCols.WriteString(`, CASE WHEN sh.firm_id IS NOT NULL THEN
			(SELECT score FROM pillar_scores ps WHERE ps.response_id = c.response_id AND ps.pillar = ? AND ps.scored = 1) END`)
		pargs = append(pargs, p)
	}
	q := `SELECT f.id, f.tax_code, f.name, COALESCE(f.section, ''), COALESCE(f.size_class, ''), COALESCE(f.ward_code, ''),
		c.firm_id IS NOT NULL, d.id IS NOT NULL, c.submitted_at, sh.firm_id IS NOT NULL,
		CASE WHEN sh.firm_id IS NOT NULL THEN c.overall END, CASE WHEN sh.firm_id IS NOT NULL THEN c.level END,
		EXISTS (SELECT 1 FROM users u WHERE u.firm_id = f.id AND u.status = 'active' AND u.firm_verified_at IS NOT NULL), ` +
		memberInvitedAt + pillarCols.String() + ", " + o.columns() + " " + from
	return q, append(pargs, args...)
}

// EachMember calls fn for every member f selects, in order, streaming: an
// export of 68,000 members holds one row at a time. With f.Limit set it
// reads the page at f.Offset only.
func (s *Store) EachMember(ctx context.Context, f MemberFilter, fn func(Member) error) error {
	o := memberOrder(f)
	name, err := s.memberNameCond(ctx, f.Query)
	if err != nil {
		return err
	}
	page, pageArgs := "", []any(nil)
	if f.Limit > 0 {
		pageFrom, args, _ := memberQuery(f, true, name)
		page, pageArgs = "SELECT m.firm_id "+pageFrom+" ORDER BY "+o.orderBy(false)+limitSQL(f.Limit)+" OFFSET ?", append(args, f.Offset)
	}
	q, all := memberSelect(f, o, page, pageArgs, name)
	return s.eachMemberRow(ctx, q+" ORDER BY "+o.orderBy(false), all, len(f.Pillars), len(o.keys), fn)
}

// eachMemberRow runs a member select and calls fn for each row.
func (s *Store) eachMemberRow(ctx context.Context, q string, args []any, pillars, keys int, fn func(Member) error) error {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return mapErr("members", err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMember(rows, pillars, keys)
		if err != nil {
			return err
		}
		if err := fn(m); err != nil {
			return err
		}
	}
	return mapErr("members", rows.Err())
}

func scanMember(rows *sql.Rows, pillars, keys int) (Member, error) {
	var m Member
	var submitted bool
	var at sql.NullTime
	var overall sql.NullFloat64
	var level sql.NullInt64
	var invited sql.NullString
	m.Pillars = make([]sql.NullFloat64, pillars)
	dest := []any{&m.FirmID, &m.TaxCode, &m.Name, &m.Section, &m.Size, &m.Ward, &submitted, &m.Drafting, &at, &m.Shared, &overall, &level, &m.HasAccount,
		&invited}
	for i := range m.Pillars {
		dest = append(dest, &m.Pillars[i])
	}
	m.key = make([]any, keys)
	for i := range m.key {
		dest = append(dest, &m.key[i])
	}
	if err := rows.Scan(dest...); err != nil {
		return m, fmt.Errorf("store: scan member: %w", err)
	}
	m.Status = MemberNotStarted
	switch {
	case submitted:
		m.Status, m.Quarter = MemberSubmitted, scoring.QuarterOf(at.Time)
		if m.Shared {
			m.SubmittedAt = at.Time
		}
	case m.Drafting:
		m.Status = MemberDraft
	}
	m.Overall, m.Level = overall.Float64, int(level.Int64)
	return m, scanInvitedAt(&m, invited)
}
