package firms

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// Problems of a membership list.
const (
	ErrMemberUnknownFirm Problem = "error.import.unknown_firm"
	ErrMemberTooMany     Problem = "error.import.too_many_rows"
)

// MaxMemberRows bounds a membership list (the province has ~68,000 firms).
const MaxMemberRows = 200_000

// MemberLine is one tax code of a membership list, with its line.
type MemberLine struct {
	Line    int
	TaxCode TaxCode
}

// ParseMemberList reads a CSV membership list: one tax code a line, in the
// column headed "tax_code", "mst" or "mã số thuế" when there is a header,
// otherwise the first column. Blank lines and repeats are skipped. It
// returns every line's problem, so the user can fix them all at once.
func ParseMemberList(r io.Reader) ([]MemberLine, []RowError) {
	cr, rerr := csvReader(r)
	if rerr != nil {
		return nil, []RowError{*rerr}
	}
	var out []MemberLine
	var errs []RowError
	col, seen := 0, map[TaxCode]bool{}
	for first := true; ; first = false {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, append(errs, RowError{Line: pe.StartLine, Problem: ErrImportSyntax})
		}
		if err != nil {
			return nil, append(errs, RowError{Line: 1, Problem: ErrImportSyntax})
		}
		line, _ := cr.FieldPos(0) // the file's line: 2 for the first after a "sep=" line
		if first && len(rec) > 0 {
			rec[0] = strings.TrimPrefix(rec[0], "\uFEFF")
			if c, ok := memberHeader(rec); ok {
				col = c
				continue
			}
		}
		if len(rec) <= col || strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		cell := strings.TrimSpace(rec[col])
		if !utf8.ValidString(cell) {
			errs = append(errs, RowError{Line: line, Column: "tax_code", Problem: ErrImportEncoding})
			continue
		}
		tc, err := ParseTaxCode(cell)
		if err != nil {
			var p Problem
			errors.As(err, &p)
			errs = append(errs, RowError{Line: line, Column: "tax_code", Problem: p, Value: cell})
			continue
		}
		if !seen[tc] {
			seen[tc] = true
			out = append(out, MemberLine{Line: line, TaxCode: tc})
		}
		if len(out) > MaxMemberRows {
			return nil, []RowError{{Line: line, Problem: ErrMemberTooMany}}
		}
	}
	if len(out) == 0 && len(errs) == 0 {
		errs = append(errs, RowError{Line: 1, Problem: ErrImportEmpty})
	}
	return out, errs
}

// memberHeader finds the tax-code column of a header row; a row whose
// first cell is a tax code is data, not a header.
func memberHeader(rec []string) (int, bool) {
	for i, h := range rec {
		switch Fold(strings.TrimSpace(h)) {
		case "tax_code", "tax code", "mst", "ma so thue":
			return i, true
		}
	}
	if _, err := ParseTaxCode(strings.TrimSpace(rec[0])); err == nil {
		return 0, false
	}
	return 0, strings.ContainsFunc(rec[0], func(r rune) bool { return r > '9' })
}
