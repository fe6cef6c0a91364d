package firms

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NormalizeName returns s in Unicode NFC with surrounding space trimmed and
// inner runs of white space collapsed to one space. Diacritics are kept.
func NormalizeName(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
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
