package store

import (
	"context"
	"strings"
	"unicode/utf8"

	"dxready/firms"
)

// maxLegalPrefixes bounds the legal prefixes a member list's name filter
// reads (migration 0027): a registry has a handful. With more (names
// crafted to open with ever new runs of legal forms), the filter tests
// each member's folded name on its firm's row, as before.
const maxLegalPrefixes = 256

// nameCond is a member list's filter by its query: a condition on
// member_keys m (and, with firmRow, on the joined firm f) and its
// arguments; sql "" does not filter.
type nameCond struct {
	sql     string
	args    []any
	firmRow bool
	grams   string // the trigram index's query for the names that may match (nameGrams); "" none
}

// legalPrefix is one row of legal_prefixes: the folded legal forms that
// open a firm's name, each followed by a space (migration 0027).
type legalPrefix struct {
	code   int64
	prefix string
}

// memberNameCond returns the filter for query q: the start of a tax code
// when q is digits; otherwise the members whose folded name contains
// Fold(q). A folded name is its legal prefix (member_keys.legal) followed
// by its search key, so q occurs in it in one of three ways: inside the
// prefix (a code whose prefix contains q), inside the key (instr), or
// across both (a code whose prefix ends with q's first part and a key
// that starts with the rest). Each is decided on member_keys' index
// entries; no firm row is read unless legal is -1 (the key is not the
// end of the folded name) or the prefixes are too many.
func (s *Store) memberNameCond(ctx context.Context, q string) (nameCond, error) {
	q = strings.TrimSpace(q)
	folded := firms.Fold(q)
	switch {
	case q == "":
		return nameCond{}, nil
	case isDigits(q):
		return nameCond{sql: "f.tax_code >= ? AND f.tax_code < ?", args: []any{q, q + ":"}, firmRow: true}, nil
	case folded == "":
		return nameCond{}, nil // contained in every name, as LIKE '%%' was
	case firms.KeyHoldsSubstring(folded):
		// In the search key or nowhere.
		return nameCond{sql: "instr(m.search_key, ?) > 0", args: []any{folded}, grams: nameGrams(folded)}, nil
	}
	like := escapeLike(folded) // the LIKE pattern is '%' || like || '%', built in SQL: a bound pattern is re-planned each run (people.go userWhere)
	prefixes, err := s.legalPrefixes(ctx)
	if err != nil {
		return nameCond{}, err
	}
	if len(prefixes) > maxLegalPrefixes {
		return nameCond{sql: "f.name_folded LIKE ('%' || ? || '%') ESCAPE '\\'", args: []any{like}, firmRow: true, grams: nameGrams(folded)}, nil
	}
	c := legalNameCond(prefixes, folded, like)
	c.grams = nameGrams(folded)
	return c, nil
}

// legalNameCond is memberNameCond's condition for folded text q that may
// start inside a legal prefix.
func legalNameCond(prefixes []legalPrefix, q, like string) nameCond {
	var terms []string
	var args []any
	codesWhere := func(keep func(p string) bool) string {
		var marks []string
		for _, p := range prefixes {
			if keep(p.prefix) {
				marks, args = append(marks, "?"), append(args, p.code)
			}
		}
		if marks == nil {
			return ""
		}
		return "m.legal IN (" + strings.Join(marks, ", ") + ")"
	}
	if in := codesWhere(func(p string) bool { return strings.Contains(p, q) }); in != "" {
		terms = append(terms, in)
	}
	terms, args = append(terms, "instr(m.search_key, ?) > 0"), append(args, q)
	longest := 0
	for _, p := range prefixes {
		longest = max(longest, len(p.prefix))
	}
	// Across: q[:i] ends the prefix (so is no longer than it), q[i:] starts
	// the key.
	for i := range q {
		if i == 0 {
			continue
		} else if i > longest {
			break
		}
		start, rest := q[:i], q[i:]
		if in := codesWhere(func(p string) bool { return strings.HasSuffix(p, start) }); in != "" {
			terms = append(terms, "("+in+" AND substr(m.search_key, 1, ?) = ?)")
			args = append(args, utf8.RuneCountInString(rest), rest)
		}
	}
	terms = append(terms, `(m.legal = -1 AND EXISTS (SELECT 1 FROM firms f1 WHERE f1.id = m.firm_id AND f1.name_folded LIKE ('%' || ? || '%') ESCAPE '\'))`)
	args = append(args, like)
	return nameCond{sql: "(" + strings.Join(terms, " OR ") + ")", args: args}
}

// legalPrefixes reads legal_prefixes, maxLegalPrefixes+1 rows at most.
func (s *Store) legalPrefixes(ctx context.Context) ([]legalPrefix, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT code, prefix FROM legal_prefixes ORDER BY code"+limitSQL(maxLegalPrefixes+1))
	if err != nil {
		return nil, mapErr("legal prefixes", err)
	}
	defer rows.Close()
	var out []legalPrefix
	for rows.Next() {
		var p legalPrefix
		if err := rows.Scan(&p.code, &p.prefix); err != nil {
			return nil, mapErr("legal prefixes", err)
		}
		out = append(out, p)
	}
	return out, mapErr("legal prefixes", rows.Err())
}
