package firms

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Problems of an industry chosen by name, as i18n message IDs.
const (
	ErrVSICNameUnknown Problem = "error.firm.vsic_name_unknown"
	ErrVSICAmbiguous   Problem = "error.firm.vsic_ambiguous"
	ErrVSICTooLong     Problem = "error.firm.vsic_too_long"
	// ErrVSICConfirm: the words carry diacritics and no name has them as
	// typed; names found once the accents are folded away ("gốm" and
	// "thu gom") are offered to choose from, never taken.
	ErrVSICConfirm Problem = "error.firm.vsic_confirm"
)

// Bounds of the words a name search takes (ErrVSICTooLong beyond): a
// search compares every word with every name, and the live size preview
// asks on each keystroke, so a long text would hold a core. They leave
// room for the longest VSIC 2018 name pasted whole (about 180 bytes, 30
// words; TestEveryIndustryNameIsSearchable keeps it so).
const (
	MaxIndustrySearchBytes = 240
	MaxIndustrySearchWords = 32 // distinct, once folded
)

// MaxIndustryChoices bounds the candidates an ambiguous search offers.
const MaxIndustryChoices = 12

// leadingCode is a choice of the industry list: its code, then its name
// ("3100 – Sản xuất giường, tủ, bàn, ghế").
var leadingCode = regexp.MustCompile(`^(\d{2,5})(\s*[-–—·:]\s*|\s+)\S`)

// Choosable lists the industries a firm may pick, in code order: the
// divisions and classes of version (a section letter is not a code).
func (r *Reference) Choosable(version string) []Industry {
	var out []Industry
	for _, i := range r.Industries {
		if i.Version == version && allDigits(i.Code) {
			out = append(out, i)
		}
	}
	return out
}

// ResolveIndustry finds the industry the user typed in the profile's
// industry field: a VSIC code ("3100"), a choice of the list ("3100 – …"),
// or words of its name in Vietnamese or English, with or without
// diacritics, or an everyday word for it (synonyms.csv: "nội thất",
// "may mặc"). Diacritics typed are compared as typed first: a name found
// only once they are folded away ("gốm" against "thu gom") is
// ErrVSICConfirm with its candidates, never taken silently. A name
// matched by several industries is ErrVSICAmbiguous with
// up to MaxIndustryChoices candidates to choose from (an exact name wins
// over names that merely contain it); none is ErrVSICNameUnknown; a code not
// in the list ErrVSICUnknown; nothing typed ErrVSICRequired; words over
// MaxIndustrySearchBytes or MaxIndustrySearchWords ErrVSICTooLong, before
// any is compared.
func (r *Reference) ResolveIndustry(version, typed string) (Industry, []Industry, Problem) {
	typed = strings.TrimSpace(typed)
	code := typed
	if m := leadingCode.FindStringSubmatch(typed); m != nil {
		code = m[1]
	}
	switch {
	case typed == "":
		return Industry{}, nil, ErrVSICRequired
	case allDigits(code):
		if i, ok := r.IndustryFor(version, code); ok {
			return i, nil, ""
		}
		return Industry{}, nil, ErrVSICUnknown
	}
	if len(typed) > MaxIndustrySearchBytes {
		return Industry{}, nil, ErrVSICTooLong
	}
	words := distinct(strings.Fields(searchText(typed)))
	if len(words) > MaxIndustrySearchWords {
		return Industry{}, nil, ErrVSICTooLong
	}
	if len(words) == 0 {
		return Industry{}, nil, ErrVSICNameUnknown
	}
	found := r.findByName(version, words, searchText)
	if exact := exactText(typed); exact != strings.Join(words, " ") {
		// Diacritics typed: they are compared first. What only folding
		// finds is a guess the user confirms.
		if byExact := r.findByName(version, distinct(strings.Fields(exact)), exactText); len(byExact) > 0 {
			found = byExact
		} else if len(found) > 0 {
			return Industry{}, found[:min(len(found), MaxIndustryChoices)], ErrVSICConfirm
		}
	}
	switch len(found) {
	case 0:
		return Industry{}, nil, ErrVSICNameUnknown
	case 1:
		return found[0], nil, ""
	}
	return Industry{}, found[:min(len(found), MaxIndustryChoices)], ErrVSICAmbiguous
}

// findByName is the industries of version that words (made by text from
// what was typed) name, at the best of four tiers that finds any: a
// synonym (synonyms.csv) or the whole name, the words as one phrase of a
// name, the words anywhere in it.
func (r *Reference) findByName(version string, words []string, text func(string) string) []Industry {
	var tiers [3][]Industry
	phrase := strings.Join(words, " ")
	for _, syn := range r.synonyms {
		if i, ok := r.Industry(syn.Version, syn.Code); ok && syn.Version == version && text(syn.Word) == phrase && !slices.Contains(tiers[0], i) {
			tiers[0] = append(tiers[0], i)
		}
	}
	for _, i := range r.Choosable(version) {
		if t := matchTier(i, words, text); t >= 0 && !slices.Contains(tiers[t], i) {
			tiers[t] = append(tiers[t], i)
		}
	}
	for _, t := range tiers {
		if found := mostSpecific(t); len(found) > 0 {
			return found
		}
	}
	return nil
}

// distinct is words without repeats, in their first order.
func distinct(words []string) []string {
	out := words[:0]
	for _, w := range words {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// searchText folds s (case and diacritics, Fold) and turns punctuation into
// space, so "giường, tủ" and "giuong tu" compare equal.
func searchText(s string) string {
	return strings.Join(strings.FieldsFunc(Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// exactText is s in lower case (NFC), diacritics kept, punctuation turned
// into space: "Gốm, sứ" gives "gốm sứ", which "gom su" does not equal.
func exactText(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(norm.NFC.String(s)), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// matchTier is how well words name i, in either language, both sides
// made by text: 0 its whole name, 1 a phrase of it, 2 words of it in any
// order, -1 not at all.
func matchTier(i Industry, words []string, text func(string) string) int {
	best := -1
	phrase := " " + strings.Join(words, " ")
	for _, name := range []string{text(i.NameVI), text(i.NameEN)} {
		t := -1
		switch {
		case " "+name == phrase:
			t = 0
		case strings.Contains(" "+name, phrase):
			t = 1
		case containsAll(name, words):
			t = 2
		}
		if t >= 0 && (best < 0 || t < best) {
			best = t
		}
	}
	return best
}

// containsAll reports whether every word is in name as the start of one of
// its words ("san xuat giuong" is in "san xuat giuong tu ban ghe").
func containsAll(name string, words []string) bool {
	padded := " " + name
	for _, w := range words {
		if !strings.Contains(padded, " "+w) {
			return false
		}
	}
	return true
}

// mostSpecific drops a division when one of its classes bearing the same
// name is also found (VSIC names division 31 and class 3100 alike): the
// class says more, and the user has nothing to choose between them.
func mostSpecific(found []Industry) []Industry {
	var out []Industry
	for _, i := range found {
		if !slices.ContainsFunc(found, func(j Industry) bool {
			return j.Code != i.Code && strings.HasPrefix(j.Code, i.Code) && j.NameVI == i.NameVI
		}) {
			out = append(out, i)
		}
	}
	return out
}
