package store

import (
	"context"
	"database/sql"
	"strings"
)

// gramCandidates is how many members the trigram index (member_name_grams,
// migration 0029) may offer for a member list's name filter before the
// list is walked instead. A candidate costs a lookup of its membership and
// a test of its name (2-3.5 µs), about ten walked index entries, so at this
// cap the candidates cost at most what a walk of 100,000-150,000 members
// does, whatever the association's size; a query with more candidates is
// common in the association, and the walk's count, which stops at
// CountCap matches, then stops early unless the index's candidates were
// mostly false (detail none: a candidate holds every trigram of the query,
// not always in a row). At most CountCap, so a count read from the
// candidates is exact.
var gramCandidates = CountCap

// gramRowid is the rowid of association assoc's member firm in
// member_name_grams: an association's members are one range of rowids.
func gramRowid(assoc, firm int64) int64 { return assoc<<32 + firm }

// maxQueryGrams bounds the trigrams of a query the index is asked for: any
// of them narrow the candidates (each must be in a matching name), and a
// query of 3,000 characters must not become a query of 3,000 terms.
const maxQueryGrams = 8

// nameGrams returns the FTS5 query for the names that may hold folded
// text q: the AND of up to maxQueryGrams of its trigrams, each quoted; ""
// when q has fewer than three characters (the index has no shorter unit).
func nameGrams(q string) string {
	runes := []rune(q)
	if len(runes) < 3 || strings.ContainsRune(q, 0) { // FTS5 reads a query up to a NUL
		return ""
	}
	var terms []string
	seen := map[string]bool{}
	// Every third trigram first (they overlap least), then the others.
	for _, start := range []int{0, 1, 2} {
		for i := start; i+3 <= len(runes) && len(terms) < maxQueryGrams; i += 3 {
			g := string(runes[i : i+3])
			if !seen[g] {
				seen[g] = true
				terms = append(terms, `"`+strings.ReplaceAll(g, `"`, `""`)+`"`)
			}
		}
	}
	return strings.Join(terms, " AND ")
}

// gramMembers counts the members f selects from those the trigram index
// offers for name.grams, when they are gramCandidates or fewer: the
// count is then exact (c), and the matches' ids (a JSON array) are
// returned when they are fewMembers or fewer, as countMembers returns
// them. ok is false when the index cannot answer (no trigram, too many
// candidates, or ids beyond its rowid scheme): the caller walks the list.
func (s *Store) gramMembers(ctx context.Context, f MemberFilter, name nameCond, c *Count) (ids string, ok bool, err error) {
	if name.grams == "" || gramCandidates <= 0 || f.AssociationID < 0 || f.AssociationID >= 1<<31-1 {
		return "", false, nil
	}
	// The candidates are counted first, from the index alone: a query with
	// too many is walked without testing any. So is any query while a firm
	// has an id of 2^32 or more, or below 0 (written by hand): its members'
	// rowids would be in another association's range.
	var candidates int
	var minFirm, maxFirm int64
	lo, hi := gramRowid(f.AssociationID, 0), gramRowid(f.AssociationID+1, 0)-1
	err = s.r.QueryRowContext(ctx, `SELECT COUNT(*), (SELECT COALESCE(MIN(id), 0) FROM firms), (SELECT COALESCE(MAX(id), 0) FROM firms)
		FROM (SELECT 1 FROM member_name_grams WHERE member_name_grams MATCH ? AND rowid BETWEEN ? AND ?`+limitSQL(gramCandidates+1)+`)`,
		name.grams, lo, hi).Scan(&candidates, &minFirm, &maxFirm)
	if err != nil || candidates > gramCandidates || minFirm < 0 || maxFirm >= 1<<32 {
		return "", false, mapErr("count name trigram candidates", err)
	}
	unordered := f
	unordered.Sort, unordered.Desc = "", false
	from, args, _ := memberQuery(unordered, true, name)
	// Each candidate's membership by its primary key; CROSS JOIN keeps
	// SQLite from walking the association and probing the candidates.
	from = "FROM (SELECT rowid - ? AS id FROM member_name_grams WHERE member_name_grams MATCH ? AND rowid BETWEEN ? AND ?) cand CROSS JOIN " +
		strings.TrimPrefix(from, "FROM ") + " AND m.firm_id = cand.id"
	q := "SELECT COUNT(*), CASE WHEN COUNT(*) <= ? THEN json_group_array(m.firm_id) END " + from
	var matched sql.NullString
	if err := s.r.QueryRowContext(ctx, q, append([]any{fewMembers, lo, name.grams, lo, hi}, args...)...).Scan(&c.N, &matched); err != nil {
		return "", false, mapErr("count members by name trigrams", err)
	}
	c.More, c.N = c.N > CountCap, min(c.N, CountCap) // more only if firms were added since the candidates were counted
	return matched.String, true, nil
}

// rebuildMemberNameGrams derives member_name_grams from every membership
// (as migration 0029 does), after a bulk load that wrote memberships with
// its triggers dropped: one pass in rowid order instead of an insert per
// membership (which took as long as the rest of an import's work).
func (s *Store) rebuildMemberNameGrams(ctx context.Context) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{"INSERT INTO member_name_grams (member_name_grams) VALUES ('delete-all')",
			`INSERT INTO member_name_grams (rowid, name)
			SELECT m.association_id * 4294967296 + m.firm_id,
				f.name_folded || CASE WHEN length(f.search_key) <= length(f.name_folded)
					AND substr(f.name_folded, length(f.name_folded) - length(f.search_key) + 1) = f.search_key
				THEN '' ELSE char(10) || f.search_key END
			FROM firm_associations m JOIN firms f ON f.id = m.firm_id ORDER BY 1`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return mapErr("rebuild member name trigrams", err)
			}
		}
		return nil
	})
}
