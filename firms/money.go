package firms

import (
	"regexp"
	"strconv"
	"strings"
)

// Problems of an amount typed in billion đồng, as i18n message IDs.
const (
	ErrBillionFormat Problem = "error.firm.billion_format"
	ErrBillionRange  Problem = "error.firm.billion_range"
)

// MaxBillions bounds an amount typed in billion đồng: a million billion,
// far above any firm, as Validate bounds the stored đồng.
const MaxBillions = 1_000_000

var (
	plainDigits = regexp.MustCompile(`^\d+$`)
	// groupedBy[sep]: thousands grouped by sep or a space ("1.234.567", "1 234").
	// Its first group never starts with 0: "0.704" is a decimal written
	// with the other language's mark, not 704 thousandths grouped, and read
	// as grouped it was a thousand times the amount meant.
	groupedBy = map[byte]*regexp.Regexp{
		'.': regexp.MustCompile(`^[1-9]\d{0,2}([. ]\d{3})+$`),
		',': regexp.MustCompile(`^[1-9]\d{0,2}([, ]\d{3})+$`),
	}
)

// separators are the decimal mark and the thousands separator of lang:
// Vietnamese writes 1.234,5; English 1,234.5.
func separators(lang string) (decimal, group byte) {
	if lang == "en" {
		return '.', ','
	}
	return ',', '.'
}

// ParseBillionVND reads an amount typed in billion đồng (tỷ đồng) the way
// lang writes numbers ("12,5" in Vietnamese, "12.5" in English, thousands
// optionally grouped) and returns it in whole đồng, rounded to the nearest
// đồng beyond nine decimals. Anything else (letters, exponents, a second
// decimal mark, the other language's decimal mark) is ErrBillionFormat; a
// negative amount or one above MaxBillions is ErrBillionRange.
func ParseBillionVND(s, lang string) (int64, Problem) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimSpace(strings.TrimPrefix(s, "-"))
	dec, group := separators(lang)
	whole, frac, hasFrac := strings.Cut(s, string(dec))
	switch {
	case plainDigits.MatchString(whole):
	case groupedBy[group].MatchString(whole):
		whole = strings.NewReplacer(string(group), "", " ", "").Replace(whole)
	default:
		return 0, ErrBillionFormat
	}
	if hasFrac && !plainDigits.MatchString(frac) {
		return 0, ErrBillionFormat // "12,", "12,5,3", "1,5e9"
	}
	if neg {
		return 0, ErrBillionRange
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > len(strconv.Itoa(MaxBillions)) {
		return 0, ErrBillionRange // before ParseInt, which would overflow
	}
	n, _ := strconv.ParseInt("0"+whole, 10, 64)
	vnd := n*billion + fraction(frac)
	if vnd > MaxBillions*billion {
		return 0, ErrBillionRange
	}
	return vnd, ""
}

// fraction turns the decimals of a billion into đồng (nine digits), rounded
// half up on the tenth.
func fraction(digits string) int64 {
	padded := (digits + "000000000")[:9]
	n, _ := strconv.ParseInt(padded, 10, 64)
	if len(digits) > 9 && digits[9] >= '5' {
		n++
	}
	return n
}

// FormatBillionVND writes vnd in billion đồng the way lang writes numbers,
// with no more decimals than it needs ("12,5"; "3"; "0,000000001"), so
// that ParseBillionVND reads back the same amount.
func FormatBillionVND(vnd int64, lang string) string {
	dec, _ := separators(lang)
	sign := ""
	if vnd < 0 {
		sign, vnd = "-", -vnd
	}
	out := sign + strconv.FormatInt(vnd/billion, 10)
	if rest := vnd % billion; rest != 0 {
		out += string(dec) + strings.TrimRight(strconv.FormatInt(billion+rest, 10)[1:], "0")
	}
	return out
}
