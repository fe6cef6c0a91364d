package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode"

	"dxready/firms"
)

const firmColumns = `f.id, f.tax_code, f.name, f.vsic_version, f.vsic_code, f.section, f.ward_code, f.park_code,
	f.employees, f.revenue_vnd, f.capital_vnd, f.size_year, f.size_class, f.demo, f.created_at, f.updated_at`

type scanner interface{ Scan(...any) error }

func scanFirm(sc scanner) (*firms.Firm, error) {
	var f firms.Firm
	var vsic, section, ward, park, size sql.NullString
	var emp, rev, capital, year sql.NullInt64
	var tax string
	if err := sc.Scan(&f.ID, &tax, &f.Name, &f.VSICVersion, &vsic, &section, &ward, &park,
		&emp, &rev, &capital, &year, &size, &f.Demo, &f.CreatedAt, &f.UpdatedAt); err != nil {
		return nil, err
	}
	f.TaxCode = firms.TaxCode(tax)
	f.VSICCode, f.Section, f.WardCode, f.ParkCode = vsic.String, section.String, ward.String, park.String
	f.SizeClass = firms.SizeClass(size.String)
	f.Size = firms.SizeInputs{Employees: int(emp.Int64), RevenueVND: rev.Int64, CapitalVND: capital.Int64, Year: int(year.Int64)}
	return &f, nil
}

// nullStr stores "" as NULL.
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// sizeArgs stores the size inputs as NULL while the class is unknown.
func sizeArgs(f *firms.Firm) []any {
	if f.SizeClass == "" {
		return []any{nil, nil, nil, nil, nil}
	}
	return []any{f.Size.Employees, f.Size.RevenueVND, f.Size.CapitalVND, f.Size.Year, string(f.SizeClass)}
}

// FindFirmByID returns the firm with id, or ErrNotFound.
func (s *Store) FindFirmByID(ctx context.Context, id int64) (*firms.Firm, error) {
	f, err := scanFirm(s.r.QueryRowContext(ctx, "SELECT "+firmColumns+" FROM firms f WHERE f.id = ?", id))
	return f, mapErr(fmt.Sprintf("find firm %d", id), err)
}

// FindFirmByTaxCode returns the firm with tax code tc, or ErrNotFound.
func (s *Store) FindFirmByTaxCode(ctx context.Context, tc firms.TaxCode) (*firms.Firm, error) {
	f, err := scanFirm(s.r.QueryRowContext(ctx, "SELECT "+firmColumns+" FROM firms f WHERE f.tax_code = ?", string(tc)))
	return f, mapErr("find firm "+string(tc), err)
}

const insertFirmSQL = `INSERT INTO firms (tax_code, name, name_folded, search_key, vsic_version, vsic_code, section, ward_code, park_code,
	employees, revenue_vnd, capital_vnd, size_year, size_class, demo, created_at, updated_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func firmInsertArgs(f *firms.Firm) []any {
	return append(firmColumnArgs(f), f.CreatedAt, f.UpdatedAt)
}

// firmColumnArgs are insertFirmSQL's arguments but the two times.
func firmColumnArgs(f *firms.Firm) []any {
	args := make([]any, 0, 17)
	args = append(args, string(f.TaxCode), f.Name, firms.Fold(f.Name), firms.SearchKey(f.Name), f.VSICVersion, nullStr(f.VSICCode), nullStr(f.Section),
		nullStr(f.WardCode), nullStr(f.ParkCode))
	args = append(args, sizeArgs(f)...)
	return append(args, f.Demo)
}

// CreateFirm inserts f and sets its ID and times. A taken tax code is ErrConflict.
func (s *Store) CreateFirm(ctx context.Context, f *firms.Firm) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return createFirm(ctx, tx, f, s.now()) })
}

// CreateFirms inserts many firms in one transaction (the demo generator and
// bulk loads), setting their IDs, and rebuilds the search index once.
func (s *Store) CreateFirms(ctx context.Context, fs []*firms.Firm) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, insertFirmSQL)
		if err != nil {
			return err
		}
		defer stmt.Close()
		now := s.now()
		for _, f := range fs {
			f.CreatedAt, f.UpdatedAt = now, now
			res, err := stmt.ExecContext(ctx, firmInsertArgs(f)...)
			if err != nil {
				return mapErr("create firm "+string(f.TaxCode), err)
			}
			f.ID, _ = res.LastInsertId()
		}
		return rebuildSearch(ctx, tx)
	})
}

// rebuildSearch rebuilds firms_fts from the firms table.
func rebuildSearch(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO firms_fts (firms_fts) VALUES ('rebuild')")
	return mapErr("rebuild search index", err)
}

// indexFirm adds firm id's search key to firms_fts.
func indexFirm(ctx context.Context, tx *sql.Tx, id int64, key string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO firms_fts (rowid, search_key) VALUES (?, ?)", id, key)
	return mapErr("index firm", err)
}

// unindexFirm removes firm id's current search key from firms_fts; call it
// before the firm's row changes.
func unindexFirm(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO firms_fts (firms_fts, rowid, search_key)
		SELECT 'delete', id, search_key FROM firms WHERE id = ?`, id)
	return mapErr("unindex firm", err)
}

func createFirm(ctx context.Context, tx *sql.Tx, f *firms.Firm, now time.Time) error {
	f.CreatedAt, f.UpdatedAt = now, now
	res, err := tx.ExecContext(ctx, insertFirmSQL, firmInsertArgs(f)...)
	if err != nil {
		return mapErr("create firm "+string(f.TaxCode), err)
	}
	if f.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	return indexFirm(ctx, tx, f.ID, firms.SearchKey(f.Name))
}

// UpdateFirm saves f's registry fields (not its tax code), or ErrNotFound.
func (s *Store) UpdateFirm(ctx context.Context, f *firms.Firm) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return updateFirm(ctx, tx, f, s.now()) })
}

func updateFirm(ctx context.Context, tx *sql.Tx, f *firms.Firm, now time.Time) error {
	if err := unindexFirm(ctx, tx, f.ID); err != nil {
		return err
	}
	if err := updateFirmRow(ctx, tx, f, now); err != nil {
		return err
	}
	return indexFirm(ctx, tx, f.ID, firms.SearchKey(f.Name))
}

// updateFirmRow writes f's row without touching the search index.
func updateFirmRow(ctx context.Context, tx *sql.Tx, f *firms.Firm, now time.Time) error {
	args := []any{f.Name, firms.Fold(f.Name), firms.SearchKey(f.Name), f.VSICVersion, nullStr(f.VSICCode), nullStr(f.Section), nullStr(f.WardCode), nullStr(f.ParkCode)}
	args = append(args, sizeArgs(f)...)
	args = append(args, now, f.ID)
	res, err := tx.ExecContext(ctx, `UPDATE firms SET name = ?, name_folded = ?, search_key = ?, vsic_version = ?, vsic_code = ?, section = ?,
		ward_code = ?, park_code = ?, employees = ?, revenue_vnd = ?, capital_vnd = ?, size_year = ?, size_class = ?,
		updated_at = ? WHERE id = ?`, args...)
	if err != nil {
		return mapErr(fmt.Sprintf("update firm %d", f.ID), err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update firm %d: %w", f.ID, ErrNotFound)
	}
	// An open draft follows the firm's profile until it is submitted, so a
	// firm that completes its industry mid-survey is asked what applies.
	if _, err := tx.ExecContext(ctx, "UPDATE responses SET section = ?, size_class = ? WHERE firm_id = ? AND status = 'draft'",
		f.Section, string(f.SizeClass), f.ID); err != nil {
		return mapErr(fmt.Sprintf("update draft profile of firm %d", f.ID), err)
	}
	f.UpdatedAt = now
	return nil
}

// FirmFilter selects firms for the admin search. Zero fields do not filter.
type FirmFilter struct {
	Query         string // words of the name (diacritics optional) or the start of a tax code
	AssociationID int64
	WardCode      string
	SizeClass     firms.SizeClass
	Limit, Offset int
	Cursor        string // SearchFirms: the page after or before this token; "" the first
}

// FindFirms returns one page of firms matching f, ordered by name without
// its legal form (search_key), and the total number that match.
//
// Two plans, chosen by the count: few matches are sorted in a temporary
// b-tree; many (a common word such as "cong") are read in name order from
// firms_name_idx, stopping after one page, because sorting 55,000 matches
// costs ~80 ms in modernc SQLite while the ordered walk costs a few.
func (s *Store) FindFirms(ctx context.Context, f FirmFilter) ([]*firms.Firm, int, error) {
	where, args, ftsOnly := firmWhere(f, false)
	total, err := s.countFirms(ctx, where, args, ftsOnly)
	if err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	from := "firms f"
	if total > orderedWalkAbove {
		from = "firms f INDEXED BY firms_name_idx"
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+firmColumns+" FROM "+from+" WHERE "+where+
		" ORDER BY f.search_key, f.id"+limitSQL(f.Limit)+" OFFSET ?", append(args, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, mapErr("find firms", err)
	}
	defer rows.Close()
	var out []*firms.Firm
	for rows.Next() {
		firm, err := scanFirm(rows)
		if err != nil {
			return nil, 0, mapErr("scan firm", err)
		}
		out = append(out, firm)
	}
	return out, total, mapErr("find firms", rows.Err())
}

// orderedWalkAbove is the match count above which FindFirms walks the name
// index instead of sorting (measured in BenchmarkFindFirms).
const orderedWalkAbove = 2000

func (s *Store) countFirms(ctx context.Context, where string, args []any, ftsOnly bool) (int, error) {
	q := "SELECT COUNT(*) FROM firms f WHERE " + where
	if ftsOnly {
		// Every firm has exactly one row in firms_fts: count the index alone.
		q, args = "SELECT COUNT(*) FROM firms_fts WHERE firms_fts MATCH ?", args[:1]
	}
	var total int
	err := s.r.QueryRowContext(ctx, q, args...).Scan(&total)
	return total, mapErr("count firms", err)
}

// firmWhere builds the WHERE clause; ftsOnly reports that the name words
// are the only filter. perRow tests the name words on each row read
// (nameHasWords) instead of listing every match from firms_fts first: for
// a walk along the name index, which reads a page's rows and stops.
func firmWhere(f FirmFilter, perRow bool) (string, []any, bool) {
	conds, args, fts := []string{"1 = 1"}, []any{}, false
	if q := strings.TrimSpace(f.Query); q != "" {
		if prefix, ok := taxCodePrefix(q); ok {
			conds = append(conds, "f.tax_code >= ? AND f.tax_code < ?")
			args = append(args, prefix, prefix+"~")
		} else if words := queryWords(q); perRow && len(words) > 0 {
			cond, wargs := nameHasWordsCond("f.search_key", words)
			conds = append(conds, cond)
			args = append(args, wargs...)
		} else if m := ftsQuery(q); m != "" {
			conds = append(conds, "f.id IN (SELECT rowid FROM firms_fts WHERE firms_fts MATCH ?)")
			args = append(args, m)
			fts = true
		}
	}
	if f.AssociationID != 0 {
		conds = append(conds, "f.id IN (SELECT firm_id FROM firm_associations WHERE association_id = ?)")
		args = append(args, f.AssociationID)
	}
	if f.WardCode != "" {
		conds = append(conds, "f.ward_code = ?")
		args = append(args, f.WardCode)
	}
	if f.SizeClass != "" {
		conds = append(conds, "f.size_class = ?")
		args = append(args, string(f.SizeClass))
	}
	return strings.Join(conds, " AND "), args, fts && len(conds) == 2
}

// taxCodePrefix reports whether q looks like the start of a tax code (digits,
// optionally a dash), returning it with spaces and dots removed.
func taxCodePrefix(q string) (string, bool) {
	q = strings.NewReplacer(" ", "", ".", "").Replace(q)
	if q == "" {
		return "", false
	}
	for _, r := range q {
		if (r < '0' || r > '9') && r != '-' {
			return "", false
		}
	}
	return q, true
}

// ftsQuery turns free text into an FTS5 query where every folded word must
// start a word of the name's search key: "Công ty Gỗ Đức" -> "go"* AND
// "duc"*. Words keep only letters and digits, as the index's tokenizer does;
// anything else (quotes, FTS syntax, control bytes such as NUL, which the
// FTS5 parser takes as the end of a string) separates words. A query that
// is only a legal form or junk gives "" (no name filter).
func ftsQuery(q string) string {
	var terms []string
	for _, w := range queryWords(q) {
		terms = append(terms, `"`+w+`"*`)
	}
	return strings.Join(terms, " AND ")
}

// queryWords are the folded words of a search, as ftsQuery and
// nameHasWords read them.
func queryWords(q string) []string {
	return strings.FieldsFunc(firms.SearchKey(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// CountFirms returns the number of firms in the registry, read from the
// counter its triggers keep (migration 0017), not by counting.
func (s *Store) CountFirms(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT n FROM counters WHERE name = 'firms'").Scan(&n)
	return n, mapErr("count firms", err)
}
