package firms

import "strings"

// Tax code problems, as i18n message IDs.
const (
	ErrTaxCodeRequired Problem = "error.taxcode.required"
	ErrTaxCodeFormat   Problem = "error.taxcode.format"
	ErrTaxCodeChecksum Problem = "error.taxcode.checksum"
	ErrTaxCodeBody     Problem = "error.taxcode.body"
	ErrTaxCodeBranch   Problem = "error.taxcode.branch"
	ErrPersonalID      Problem = "error.taxcode.personal_id"
)

// TaxCodeKind says what a tax code identifies.
type TaxCodeKind int

// The kinds of tax code the registry accepts.
const (
	Enterprise TaxCodeKind = iota + 1 // 10 digits: an enterprise (same as its registration number)
	Branch                            // 10 digits + "-NNN": a dependent unit
	PersonalID                        // 12 digits: a household business's personal ID (from 1 July 2025)
)

// TaxCode is a validated, canonical MST ("3700000000" or "3700000000-001") or
// a 12-digit personal ID. It is always text: leading zeros matter.
type TaxCode string

// String returns the canonical form.
func (t TaxCode) String() string { return string(t) }

// Kind reports what the code identifies.
func (t TaxCode) Kind() TaxCodeKind {
	switch len(t) {
	case 12:
		return PersonalID
	case 14:
		return Branch
	default:
		return Enterprise
	}
}

// Parent returns the 10-digit enterprise code of a branch, or the code itself.
func (t TaxCode) Parent() TaxCode {
	if len(t) == 14 {
		return t[:10]
	}
	return t
}

// mstWeights are the weights of digits N1..N9 (Circular 105/2020/TT-BTC).
var mstWeights = [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3}

// CheckDigit returns the check digit N10 for a 9-digit body, and false when
// no valid code exists for that body (Σ mod 11 = 0) or body is malformed.
func CheckDigit(body string) (byte, bool) {
	if len(body) != 9 || !allDigits(body) {
		return 0, false
	}
	sum := 0
	for i := range 9 {
		sum += int(body[i]-'0') * mstWeights[i]
	}
	r := sum % 11
	if r == 0 {
		return 0, false
	}
	return byte('0' + (10-r)%10), true
}

// ParseTaxCode normalises s (spaces and dots removed) and validates it.
// It accepts an enterprise MST (10 digits), a branch MST (10 digits, a dash
// or not, and a 3-digit suffix 001–999), or a 12-digit personal ID. It
// returns one of the ErrTaxCode* problems when s is not valid.
func ParseTaxCode(s string) (TaxCode, error) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return "", ErrTaxCodeRequired
	}
	main, suffix, dashed := strings.Cut(s, "-")
	if !dashed && len(s) == 13 && allDigits(s) {
		main, suffix, dashed = s[:10], s[10:], true
	}
	if !allDigits(main) || (dashed && !allDigits(suffix)) {
		return "", ErrTaxCodeFormat
	}
	if !dashed && len(main) == 12 {
		return parsePersonalID(main)
	}
	if len(main) != 10 || (dashed && len(suffix) != 3) {
		return "", ErrTaxCodeFormat
	}
	if main[2:9] == "0000000" {
		return "", ErrTaxCodeBody
	}
	if d, ok := CheckDigit(main[:9]); !ok || d != main[9] {
		return "", ErrTaxCodeChecksum
	}
	if dashed {
		if suffix == "000" {
			return "", ErrTaxCodeBranch
		}
		return TaxCode(main + "-" + suffix), nil
	}
	return TaxCode(main), nil
}

// parsePersonalID checks the structure of a 12-digit citizen ID: a province
// of birth code 001–096 and a century/sex digit 0–9 (every digit is valid).
func parsePersonalID(s string) (TaxCode, error) {
	prov := int(s[0]-'0')*100 + int(s[1]-'0')*10 + int(s[2]-'0')
	if prov < 1 || prov > 96 {
		return "", ErrPersonalID
	}
	return TaxCode(s), nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
