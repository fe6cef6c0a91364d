package firms

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NormalizeName returns s in Unicode NFC with surrounding space trimmed and
// inner runs of white space collapsed to one space. Control characters
// (NUL, tabs, line breaks pasted from a spreadsheet) count as space.
// Diacritics are kept.
func NormalizeName(s string) string {
	return strings.Join(strings.FieldsFunc(norm.NFC.String(s), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
}

// Fold returns a search key for s: lower case, Vietnamese diacritics removed
// (đ becomes d), white space collapsed. "CÔNG TY Gỗ Đức" folds to "cong ty go duc".
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		b.WriteRune(unicode.ToLower(r))
		space = false
	}
	return strings.TrimRight(b.String(), " ")
}

// legalForms are folded legal-form phrases that open most firm names. They
// say nothing about which firm it is, so search ignores them (longest first).
var legalForms = []string{
	"cong ty trach nhiem huu han mot thanh vien", "cong ty trach nhiem huu han", "cong ty tnhh mot thanh vien",
	"cong ty tnhh mtv", "cong ty tnhh", "cong ty co phan", "cong ty cp", "cong ty hop danh", "cong ty",
	"doanh nghiep tu nhan", "dntn", "ho kinh doanh", "chi nhanh", "hop tac xa",
}

// SearchKey is the folded name without its leading legal form(s): what the
// search index holds, and what a query is reduced to before matching.
// "CÔNG TY TNHH Gỗ Đức" gives "go duc"; a name that is only a legal form
// keeps its folded self.
func SearchKey(name string) string {
	key := Fold(name)
	for trimmed := true; trimmed; {
		trimmed = false
		for _, lf := range legalForms {
			if rest, ok := strings.CutPrefix(key, lf); ok && (rest == "" || rest[0] == ' ') {
				key, trimmed = strings.TrimSpace(rest), true
				break
			}
		}
	}
	return key
}

// legalText is every legal form's text, one after the other.
var legalText = strings.Join(legalForms, " ")

// KeyHoldsSubstring reports whether folded text q (as Fold gives it), when
// it occurs in Fold(name), must occur in SearchKey(name) too, whatever the
// name: Fold(name) is the legal forms SearchKey removed, each followed by
// a space, then SearchKey(name); so q can start inside them only if its
// first word (up to its first space) is part of a legal form's text. A
// member list's filter by part of a name then tests the search key alone.
func KeyHoldsSubstring(q string) bool {
	first, _, _ := strings.Cut(q, " ")
	return first != "" && !strings.Contains(legalText, first)
}
