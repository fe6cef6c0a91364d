package firms

import (
	"encoding/csv"
	"errors"
	"io"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Import problems, as i18n message IDs.
const (
	ErrImportEmpty         Problem = "error.import.empty"
	ErrImportMissingColumn Problem = "error.import.missing_column"
	ErrImportDuplicateHead Problem = "error.import.duplicate_column"
	ErrImportSyntax        Problem = "error.import.syntax"
	ErrImportEncoding      Problem = "error.import.encoding"
	ErrImportFieldCount    Problem = "error.import.field_count"
	ErrImportNumber        Problem = "error.number_whole"
	ErrImportDuplicateRow  Problem = "error.import.duplicate_tax_code"
	ErrImportEmail         Problem = "error.import.email"
	ErrImportPhone         Problem = "error.import.phone"
)

// Import columns. Headers are matched after folding ("Mã số thuế" ->
// "ma_so_thue"), so Vietnamese and English headers both work.
var importColumns = map[string][]string{
	"tax_code":     {"tax_code", "mst", "ma_so_thue", "taxcode"},
	"name":         {"name", "ten", "ten_doanh_nghiep", "legal_name"},
	"vsic":         {"vsic", "vsic_code", "nganh", "ma_nganh"},
	"vsic_version": {"vsic_version", "phien_ban_vsic"},
	"ward":         {"ward", "ward_code", "ma_phuong_xa", "phuong_xa"},
	"park":         {"park", "park_code", "kcn", "khu_cong_nghiep"},
	"employees":    {"employees", "si_employees", "lao_dong", "so_lao_dong"},
	"revenue_vnd":  {"revenue_vnd", "revenue", "doanh_thu", "doanh_thu_vnd"},
	"capital_vnd":  {"capital_vnd", "capital", "nguon_von", "nguon_von_vnd"},
	"year":         {"year", "size_year", "nam"},
	"associations": {"associations", "hiep_hoi"},
	// The registry's contact for the firm: where a claim code goes.
	"email": {"email", "e_mail", "thu_dien_tu", "dia_chi_email"},
	"phone": {"phone", "telephone", "dien_thoai", "so_dien_thoai"},
}

var requiredColumns = []string{"tax_code", "name", "vsic", "ward", "employees", "revenue_vnd", "capital_vnd", "year"}

// RowError is what is wrong with one line of an import file. Column is the
// canonical column name ("" for the whole line).
type RowError struct {
	Line    int
	Column  string
	Problem Problem
	Value   string
}

// ImportRow is one valid line: the firm, and its association codes when the
// file has an associations column.
type ImportRow struct {
	Line            int
	Firm            Firm
	Associations    []string
	HasAssociations bool
	// The registry contact, when the file has an email or a phone column
	// (HasContact): normalised, "" when the cell is empty.
	Email, Phone string
	HasContact   bool
}

// ImportReader streams a firm registry CSV, validating each row. It keeps
// only the set of tax codes seen (to catch duplicates), never the file:
// each as a number and its line, about 20 bytes a row (4 MB for 200,000
// rows), not the row's text.
type ImportReader struct {
	csv          *csv.Reader
	ref          *Reference
	now          time.Time
	knownAssocs  map[string]bool
	col          map[string]int
	seen         map[uint64]int32 // taxKey of each tax code read, and its line
	ColumnsFound []string
	// NormalizeEmail checks and normalises the email column; callers set
	// auth.NormalizeEmail, the accounts' rule. Nil: the contact person's
	// rule (a bare address), lower-cased.
	NormalizeEmail func(string) (string, error)
}

// NewImportReader reads the header from r (UTF-8, with or without a BOM;
// commas or semicolons, whichever the file's start has more of, and
// Excel's "sep=" line skipped: csvReader).
// knownAssociations are the association codes an associations column may
// name. A file-level problem comes back as a RowError for line 1.
func NewImportReader(r io.Reader, ref *Reference, now time.Time, knownAssociations map[string]bool) (*ImportReader, *RowError) {
	cr, rerr := csvReader(r)
	if rerr != nil {
		return nil, rerr
	}
	head, err := cr.Read()
	if err == io.EOF {
		return nil, &RowError{Line: 1, Problem: ErrImportEmpty}
	}
	if err != nil {
		return nil, &RowError{Line: 1, Problem: ErrImportSyntax}
	}
	ir := &ImportReader{csv: cr, ref: ref, now: now, knownAssocs: knownAssociations, col: map[string]int{}, seen: map[uint64]int32{}}
	line, _ := cr.FieldPos(0) // 2 after a "sep=" line
	if e := ir.mapHeader(head); e != nil {
		e.Line = line
		return nil, e
	}
	return ir, nil
}

// mapHeader finds the columns in the header; a problem is the header's,
// its Line set by the caller.
func (ir *ImportReader) mapHeader(head []string) *RowError {
	alias := map[string]string{}
	for canon, names := range importColumns {
		for _, n := range names {
			alias[n] = canon
		}
	}
	for i, h := range head {
		if !utf8.ValidString(h) {
			return &RowError{Line: 1, Problem: ErrImportEncoding}
		}
		key := strings.ReplaceAll(Fold(h), " ", "_")
		canon, ok := alias[key]
		if !ok {
			continue // unknown columns are ignored, so registry extracts can be imported as they are
		}
		if _, dup := ir.col[canon]; dup {
			return &RowError{Line: 1, Column: canon, Problem: ErrImportDuplicateHead, Value: h}
		}
		ir.col[canon] = i
		ir.ColumnsFound = append(ir.ColumnsFound, canon)
	}
	for _, c := range requiredColumns {
		if _, ok := ir.col[c]; !ok {
			return &RowError{Line: 1, Column: c, Problem: ErrImportMissingColumn}
		}
	}
	return nil
}

// Next returns the next valid row, or the problems of an invalid one.
// At the end of the file it returns io.EOF. When the file's CSV syntax is
// broken it returns the problem's line and ErrStop: nothing after it is read.
func (ir *ImportReader) Next() (*ImportRow, []RowError, error) {
	rec, err := ir.csv.Read()
	if err == io.EOF {
		return nil, nil, io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, []RowError{{Line: pe.StartLine, Problem: ErrImportSyntax}}, ErrStop
	}
	if err != nil {
		return nil, nil, err
	}
	if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
		return ir.Next() // a line of only spaces
	}
	line, _ := ir.csv.FieldPos(0)
	return ir.parseRow(line, rec)
}

// taxKey is a valid tax code as one number: its digits (10, 12, or 13 for
// a branch, the dash left out) times 16 plus how many there are, so codes
// of different lengths never meet (a 12-digit personal ID starting with
// 00 is, as a number, a 10-digit MST). It holds none of the row's text: a TaxCode read from a CSV
// field shares the memory of the whole record, which kept every row of
// the file alive until the import ended (the import's memory grew with the
// file, 160 bytes a row).
func taxKey(tc TaxCode) uint64 {
	var n, digits uint64
	for i := 0; i < len(tc); i++ {
		if c := tc[i]; c >= '0' && c <= '9' {
			n, digits = n*10+uint64(c-'0'), digits+1
		}
	}
	return n<<4 | digits
}

// ErrStop means the file cannot be read further (its syntax is broken);
// the problems returned with it say where.
var ErrStop = errors.New("firms: import stopped")

func (ir *ImportReader) field(rec []string, name string) string {
	i, ok := ir.col[name]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

func (ir *ImportReader) parseRow(line int, rec []string) (*ImportRow, []RowError, error) {
	var errs []RowError
	bad := func(col string, p Problem) {
		errs = append(errs, RowError{Line: line, Column: col, Problem: p, Value: ir.field(rec, col)})
	}
	for _, f := range rec {
		if !utf8.ValidString(f) {
			return nil, []RowError{{Line: line, Problem: ErrImportEncoding}}, nil
		}
	}
	if maxCol := ir.maxCol(); len(rec) <= maxCol {
		return nil, []RowError{{Line: line, Problem: ErrImportFieldCount}}, nil
	}
	row := &ImportRow{Line: line}
	f := &row.Firm
	tc, err := ParseTaxCode(ir.field(rec, "tax_code"))
	if err != nil {
		bad("tax_code", err.(Problem))
	} else if first, dup := ir.seen[taxKey(tc)]; dup {
		errs = append(errs, RowError{Line: line, Column: "tax_code", Problem: ErrImportDuplicateRow, Value: strconv.Itoa(int(first))})
	} else {
		ir.seen[taxKey(tc)] = int32(line)
	}
	f.TaxCode = tc
	f.Name, f.VSICCode, f.WardCode, f.ParkCode = ir.field(rec, "name"), ir.field(rec, "vsic"), ir.field(rec, "ward"), ir.field(rec, "park")
	f.VSICVersion = ir.field(rec, "vsic_version")
	nums := map[string]*int64{}
	var emp, year int64
	nums["employees"], nums["revenue_vnd"], nums["capital_vnd"], nums["year"] = &emp, &f.Size.RevenueVND, &f.Size.CapitalVND, &year
	for _, col := range []string{"employees", "revenue_vnd", "capital_vnd", "year"} {
		n, ok := ParseWhole(ir.field(rec, col))
		if !ok {
			bad(col, ErrImportNumber)
		}
		*nums[col] = n
	}
	f.Size.Employees, f.Size.Year = int(emp), int(year)
	for field, p := range f.Validate(ir.ref, ir.now) {
		if col := formField2Column[field]; !hasColumnError(errs, col) {
			bad(col, p)
		}
	}
	if _, ok := ir.col["associations"]; ok {
		row.HasAssociations = true
		for _, code := range strings.FieldsFunc(ir.field(rec, "associations"), func(r rune) bool { return r == ';' || r == ',' || r == ' ' }) {
			code = strings.ToLower(code)
			if !ir.knownAssocs[code] {
				errs = append(errs, RowError{Line: line, Column: "associations", Problem: ErrAssociationUnknown, Value: code})
			}
			row.Associations = append(row.Associations, code)
		}
	}
	errs = ir.parseContact(line, rec, row, errs)
	if len(errs) > 0 {
		return nil, errs, nil
	}
	return row, nil, nil
}

// parseContact reads the optional email and phone columns into row.
func (ir *ImportReader) parseContact(line int, rec []string, row *ImportRow, errs []RowError) []RowError {
	_, hasEmail := ir.col["email"]
	_, hasPhone := ir.col["phone"]
	row.HasContact = hasEmail || hasPhone
	if v := ir.field(rec, "email"); v != "" {
		norm := ir.NormalizeEmail
		if norm == nil {
			norm = contactEmail
		}
		e, err := norm(v)
		if err != nil {
			errs = append(errs, RowError{Line: line, Column: "email", Problem: ErrImportEmail, Value: v})
		}
		row.Email = e
	}
	if v := ir.field(rec, "phone"); v != "" {
		p := strings.NewReplacer(" ", "", ".", "", "-", "").Replace(v)
		if !validPhone(p) {
			errs = append(errs, RowError{Line: line, Column: "phone", Problem: ErrImportPhone, Value: v})
		}
		row.Phone = p
	}
	return errs
}

func contactEmail(s string) (string, error) {
	s = strings.ToLower(s)
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
		return "", ErrImportEmail
	}
	return s, nil
}

func (ir *ImportReader) maxCol() int {
	m := 0
	for _, c := range requiredColumns {
		m = max(m, ir.col[c])
	}
	return m
}

func hasColumnError(errs []RowError, col string) bool {
	for _, e := range errs {
		if e.Column == col {
			return true
		}
	}
	return false
}

// formField2Column maps Firm.Validate's field names to import columns.
var formField2Column = map[string]string{"name": "name", "vsic": "vsic", "ward": "ward", "park": "park",
	"employees": "employees", "revenue": "revenue_vnd", "capital": "capital_vnd", "year": "year"}

var grouped = regexp.MustCompile(`^[1-9]\d{0,2}([., ]\d{3})+$`)

// ParseWhole reads a non-negative whole number: "1500", or grouped by
// thousands with dots, commas or spaces ("12.500.000.000"). Decimals are refused.
func ParseWhole(s string) (int64, bool) {
	s = strings.ReplaceAll(s, "\u00a0", " ")
	if grouped.MatchString(s) {
		s = strings.NewReplacer(".", "", ",", "", " ", "").Replace(s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0
}
