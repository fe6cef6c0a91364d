package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"dxready/firms"
)

// nameWordsOnly returns the folded words of f's query when the query is the
// search's one filter and is words of a name, not the start of a tax code.
func nameWordsOnly(f FirmFilter) []string {
	q := strings.TrimSpace(f.Query)
	if f.AssociationID != 0 || f.WardCode != "" || f.SizeClass != "" || q == "" {
		return nil
	}
	if _, tax := taxCodePrefix(q); tax {
		return nil
	}
	return queryWords(q)
}

// maxWordTerms bounds how many terms of firm_words one query word may stand
// for before the search falls back to walking the name index: a page reads
// one seek and up to a page of rows per term. A word of one or two letters
// stands for at most one term per character that can follow it; a longer
// one for the registry's tokens that start with it (at 1,000,000 firms,
// never more than a handful).
const maxWordTerms = 64

// wordPlan is how a name search's page is read. Either from firm_words:
// the terms of its rarest word, whose rows in name order are merged, and
// the other words, tested on each of those rows; or, for several words
// that are each common but rare together (match, an FTS5 query), every
// match from firms_fts, sorted by firms_id_key_idx's copy of its key.
type wordPlan struct {
	terms  []string
	others []string
	match  string
}

// wordSortRows is how many rows the rarest word of several may have in
// firm_words and still be walked whatever the matches; walkRowsPerMatch
// is how many of its rows a walk may read, on average, for each firm that
// has all the words. Variables for tests.
var (
	wordSortRows     = CountCap
	walkRowsPerMatch = 40
)

// searchByWords fills p with the count and the page of a search by words
// only, read from firm_words (and firms_fts), and reports whether it did:
// not when a word stands for more than maxWordTerms terms.
func (s *Store) searchByWords(ctx context.Context, words []string, cur *cursor, limit int, p *FirmPage) (bool, error) {
	terms, rows, ok, err := s.wordTermsOf(ctx, words)
	if err != nil || !ok {
		return false, err
	}
	if terms == nil {
		return true, nil // a word no firm has
	}
	if p.Count, err = s.countMatch(ctx, termsMatch(words, terms)); err != nil {
		return true, err
	}
	plan := planWords(words, terms, rows, p.Count)
	p.Firms, p.Links, err = s.wordPage(ctx, plan, cur, limit)
	if err == nil && cur != nil && cur.back && p.Links.Prev == "" {
		// Back at the start: a whole first page, not what was left before.
		p.Firms, p.Links, err = s.wordPage(ctx, plan, nil, limit)
	}
	return true, err
}

// wordTermsOf returns the terms each word stands for and how many rows of
// firm_words they have (firm_word_counts), or ok false when a word stands
// for more than maxWordTerms; terms is nil when a word stands for none.
func (s *Store) wordTermsOf(ctx context.Context, words []string) (terms [][]string, rows []int, ok bool, err error) {
	terms, rows = make([][]string, len(words)), make([]int, len(words))
	for i, w := range words {
		if terms[i], err = s.wordTerms(ctx, w); err != nil || len(terms[i]) > maxWordTerms {
			return nil, nil, false, err
		}
		if len(terms[i]) == 0 {
			return nil, nil, true, nil
		}
		b, _ := json.Marshal(terms[i])
		if err := s.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(n), 0) FROM firm_word_counts
			WHERE term IN (SELECT value FROM json_each(?))`, string(b)).Scan(&rows[i]); err != nil {
			return nil, nil, false, mapErr("count search words", err)
		}
	}
	return terms, rows, true, nil
}

// planWords chooses how a search by words matching n firms reads a page.
// The rows it reads stay bounded: a merge of terms reads a page's worth
// per term, plus, with several words, the rows of the rarest word's terms
// that lack the others: at most wordSortRows when that word is that rare,
// or about walkRowsPerMatch for each row shown when the matches are that
// dense among them (or more than CountCap); otherwise the matches, fewer
// than CountCap, are sorted.
func planWords(words []string, terms [][]string, rows []int, n Count) wordPlan {
	r := slices.Index(rows, slices.Min(rows))
	p := wordPlan{terms: terms[r], others: append(slices.Clone(words[:r]), words[r+1:]...)}
	if len(words) == 1 || rows[r] <= wordSortRows || n.More || rows[r] <= walkRowsPerMatch*n.N {
		return p
	}
	return wordPlan{match: termsMatch(words, terms)}
}

// countMatch counts the firms firms_fts matches with FTS5 query m,
// stopping at CountCap+1.
func (s *Store) countMatch(ctx context.Context, m string) (Count, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM firms_fts WHERE firms_fts MATCH ?"+limitSQL(CountCap+1)+")", m).Scan(&n)
	return Count{N: min(n, CountCap), More: n > CountCap}, mapErr("count firms", err)
}

// termsMatch is the FTS5 query of firms having every word: a word of up
// to termPrefix characters as a prefix (read from firms_fts' prefix
// index), a longer one as the tokens it stands for (an FTS5 prefix query
// without a prefix index that long merges every token's list first).
func termsMatch(words []string, terms [][]string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		if utf8.RuneCountInString(w) <= termPrefix {
			parts[i] = `"` + w + `"*`
			continue
		}
		parts[i] = `("` + strings.Join(terms[i], `" OR "`) + `")`
	}
	return strings.Join(parts, " AND ")
}

// wordTerms lists the terms of firm_words that stand for query word w
// (searchTerms): w itself when it is termPrefix characters long; for a
// shorter one, the terms of at most termPrefix characters that start with
// it; for a longer one, every term that starts with it. Each is found by
// one seek past the one before (maxWordTerms+1 at most).
func (s *Store) wordTerms(ctx context.Context, w string) ([]string, error) {
	n := utf8.RuneCountInString(w)
	if n == termPrefix {
		var one int
		err := s.r.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM firm_words WHERE term = ?)", w).Scan(&one)
		if err != nil || one == 0 {
			return nil, mapErr("search words", err)
		}
		return []string{w}, nil
	}
	var out []string
	from, op, end := w, ">=", prefixEnd(w)
	for len(out) <= maxWordTerms {
		var t string
		err := s.r.QueryRowContext(ctx, "SELECT term FROM firm_words WHERE term "+op+" ? AND term < ? ORDER BY term LIMIT 1", from, end).Scan(&t)
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				break
			}
			return nil, mapErr("search words", err)
		}
		if n < termPrefix && utf8.RuneCountInString(t) > termPrefix {
			// A longer token's own term: its first termPrefix characters
			// are a term too, just before it, already listed.
			t = string([]rune(t)[:termPrefix])
		}
		out = append(out, t)
		from, op = t, ">"
		if n < termPrefix && utf8.RuneCountInString(t) == termPrefix {
			from, op = prefixEnd(t), ">=" // skip the longer terms under it
		}
	}
	return out, nil
}

// prefixEnd is the least string above every string that starts with p (p
// not empty): p with its last byte one higher, compared byte by byte as
// SQLite compares text. A UTF-8 string's last byte is never 0xFF.
func prefixEnd(p string) string {
	b := []byte(p)
	b[len(b)-1]++
	return string(b)
}

// wordPage reads limit rows (and one more) of plan from the cursor on, in
// firmOrder: each term's rows in name order from the cursor, merged by
// SQLite (a compound SELECT with ORDER BY merges its arms, reading each
// only as far as the page needs), each row also tested for the other
// words; then the page's firms by id.
func (s *Store) wordPage(ctx context.Context, plan wordPlan, cur *cursor, limit int) ([]*firms.Firm, Links, error) {
	if plan.match != "" {
		return s.sortedWordPage(ctx, plan.match, cur, limit)
	}
	if len(plan.terms) == 0 {
		return nil, Links{}, nil
	}
	back := cur != nil && cur.back
	arm, armArgs := "term = ?", []any{}
	if cur != nil {
		c, cargs := firmWordsOrder.where(cur)
		arm += " AND " + c
		armArgs = append(armArgs, cargs...)
	}
	if len(plan.others) > 0 {
		c, cargs := nameHasWordsCond("search_key", plan.others)
		arm += " AND " + c
		armArgs = append(armArgs, cargs...)
	}
	var q strings.Builder
	var args []any
	for i, t := range plan.terms {
		if i > 0 {
			q.WriteString(" UNION ")
		}
		q.WriteString("SELECT search_key, firm_id FROM firm_words WHERE " + arm)
		args = append(append(args, t), armArgs...)
	}
	q.WriteString(" ORDER BY " + firmWordsOrder.orderBy(back) + limitSQL(limit+1))
	return s.wordRowsPage(ctx, q.String(), args, cur, limit)
}

// sortedWordPage reads limit rows (and one more) of the firms that match
// match from the cursor on, in firmOrder: every match, its key read from
// firms_id_key_idx (not the firm's whole row), sorted; then the page's
// firms by id.
func (s *Store) sortedWordPage(ctx context.Context, match string, cur *cursor, limit int) ([]*firms.Firm, Links, error) {
	o := firmOrder
	q, args := "SELECT f.search_key, f.id FROM firms f INDEXED BY firms_id_key_idx WHERE f.id IN (SELECT rowid FROM firms_fts WHERE firms_fts MATCH ?)", []any{match}
	if cur != nil {
		c, cargs := o.where(cur)
		q += " AND " + c
		args = append(args, cargs...)
	}
	q += " ORDER BY " + o.orderBy(cur != nil && cur.back) + limitSQL(limit+1)
	return s.wordRowsPage(ctx, q, args, cur, limit)
}

// wordRowsPage runs a page query of (search key, id) rows read in the
// cursor's direction and reads the page's firms.
func (s *Store) wordRowsPage(ctx context.Context, q string, args []any, cur *cursor, limit int) ([]*firms.Firm, Links, error) {
	back := cur != nil && cur.back
	keys, ids, err := s.wordRows(ctx, q, args)
	if err != nil {
		return nil, Links{}, err
	}
	if back {
		slices.Reverse(keys)
		slices.Reverse(ids)
	}
	lo, hi, l := firmOrder.links(cur, len(ids), limit, func(i int) []any { return []any{keys[i], ids[i]} })
	out, err := s.firmsByID(ctx, ids[lo:hi])
	return out, l, err
}

// firmWordsOrder is firmOrder in firm_words' own columns.
var firmWordsOrder = order{name: "firms", keys: []sortKey{{expr: "search_key", kind: 's'}, {expr: "firm_id", kind: 'i'}}}

// wordRows runs a page query of wordPage: its rows' search keys and ids.
func (s *Store) wordRows(ctx context.Context, q string, args []any) (keys []string, ids []int64, err error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, mapErr("search firms by words", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			return nil, nil, mapErr("search firms by words", err)
		}
		keys, ids = append(keys, k), append(ids, id)
	}
	return keys, ids, mapErr("search firms by words", rows.Err())
}

// firmsByID reads the firms ids, in that order. A firm deleted since the
// page's ids were read is left out.
func (s *Store) firmsByID(ctx context.Context, ids []int64) ([]*firms.Firm, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	b, _ := json.Marshal(ids)
	rows, err := s.r.QueryContext(ctx, "SELECT "+firmColumns+" FROM firms f WHERE f.id IN (SELECT value FROM json_each(?))", string(b))
	if err != nil {
		return nil, mapErr("read firms", err)
	}
	defer rows.Close()
	byID := make(map[int64]*firms.Firm, len(ids))
	for rows.Next() {
		f, err := scanFirm(rows)
		if err != nil {
			return nil, mapErr("read firms", err)
		}
		byID[f.ID] = f
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr("read firms", err)
	}
	out := make([]*firms.Firm, 0, len(ids))
	for _, id := range ids {
		if f := byID[id]; f != nil {
			out = append(out, f)
		}
	}
	return out, nil
}

// rebuildFirmWords derives firm_words and firm_word_counts again from
// every firm, in the table's order (one sorted insert rather than a random one per row): at
// the end of a bulk load, whose firms its triggers did not see.
func (s *Store) rebuildFirmWords(ctx context.Context) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{"DELETE FROM firm_words", "DELETE FROM firm_word_counts",
			`INSERT INTO firm_words (term, search_key, firm_id)
			SELECT j.value, f.search_key, f.id FROM firms f, json_each(search_terms(f.search_key)) j ORDER BY 1, 2, 3`,
			"INSERT INTO firm_word_counts (term, n) SELECT term, COUNT(*) FROM firm_words GROUP BY term"} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return mapErr("rebuild search words", err)
			}
		}
		return nil
	})
}
