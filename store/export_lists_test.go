package store

import (
	"context"
	"strings"
)

// MatchingFirmIDs lists the ids of the firms f's filters match, in id
// order, with the name words tested per row (perRow, as a walk along the
// name index does) or through firms_fts (as counts and sorted pages do).
func MatchingFirmIDs(s *Store, f FirmFilter, perRow bool) ([]int64, error) {
	where, args, _ := firmWhere(f, perRow)
	return queryIDs(context.Background(), s.r, "matching firms", "SELECT f.id FROM firms f WHERE "+where+" ORDER BY f.id", args...)
}

// SearchesByWords reports whether SearchFirms reads f's pages from
// firm_words (rather than walking or sorting firms).
func SearchesByWords(s *Store, f FirmFilter) (bool, error) {
	words := nameWordsOnly(f)
	if len(words) == 0 {
		return false, nil
	}
	_, _, ok, err := s.wordTermsOf(context.Background(), words)
	return ok, err
}

// FirmWordsDiff lists the rows firm_words lacks or has too many of, against
// a derivation from every firm's search key, and the terms whose count in
// firm_word_counts is not their number of rows.
func FirmWordsDiff(s *Store) ([]string, error) {
	rows, err := s.r.QueryContext(context.Background(), `
		SELECT '-' || term || '|' || search_key || '|' || firm_id FROM (
			SELECT j.value AS term, f.search_key, f.id AS firm_id FROM firms f, json_each(search_terms(f.search_key)) j
			EXCEPT SELECT term, search_key, firm_id FROM firm_words)
		UNION ALL
		SELECT '+' || term || '|' || search_key || '|' || firm_id FROM (
			SELECT term, search_key, firm_id FROM firm_words
			EXCEPT SELECT j.value, f.search_key, f.id FROM firms f, json_each(search_terms(f.search_key)) j)
		UNION ALL
		SELECT 'count ' || COALESCE(w.term, c.term) || ': ' || COALESCE(w.n, 0) || ' rows, counted ' || COALESCE(c.n, 0)
		FROM (SELECT term, COUNT(*) AS n FROM firm_words GROUP BY term) w
		FULL JOIN (SELECT term, n FROM firm_word_counts WHERE n <> 0) c ON c.term = w.term
		WHERE w.n IS NOT c.n`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SearchTerms exposes searchTerms.
var SearchTerms = searchTerms

// SortWordsAlways makes searches by several words sort their matches
// (wordSortRows, walkRowsPerMatch), until the test ends.
func SortWordsAlways(t interface{ Cleanup(func()) }) {
	rows, per := wordSortRows, walkRowsPerMatch
	wordSortRows, walkRowsPerMatch = -1, 0
	t.Cleanup(func() { wordSortRows, walkRowsPerMatch = rows, per })
}

// FirmWalkPlan is SQLite's plan of the windowed admin search's page query
// for f, from a cursor at key and id (back: the page before it), its steps
// one a line.
func FirmWalkPlan(s *Store, f FirmFilter, key string, id int64, back bool) (string, error) {
	members, err := s.walkMembers(context.Background(), f)
	if err != nil {
		return "", err
	}
	wk := planFirmWalk(f, members)
	q, args, _, _ := wk.pageSQL(&cursor{vals: []any{key, id}, back: back}, 50, 20_000)
	rows, err := s.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return "", err
		}
		b.WriteString(detail + "\n")
	}
	return b.String(), rows.Err()
}

// ScatteredRow is scatteredRow, for the test of walkMembers' choice.
const ScatteredRow = scatteredRow

// WalkMembers is s.walkMembers: whether f's admin search walks its
// association's members rather than its ward's or size's firms.
func WalkMembers(s *Store, f FirmFilter) (bool, error) { return s.walkMembers(context.Background(), f) }

// AnswerChangesPlan is SQLite's plan of AnswerChanges' query with a limit,
// its steps one a line.
func AnswerChangesPlan(s *Store) (string, error) {
	rows, err := s.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+answerChangesSQL+limitSQL(15), 1)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			return "", err
		}
		b.WriteString(detail + "\n")
	}
	return b.String(), rows.Err()
}
