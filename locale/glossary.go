package locale

import (
	_ "embed"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"golang.org/x/text/unicode/norm"
)

//go:embed glossary.toml
var glossaryTOML []byte

// Term is one entry of the portal's glossary: the word used for one idea in
// each language, its definition, and the variants no message may use.
type Term struct {
	VI      string   `toml:"vi"`
	EN      string   `toml:"en"`
	VIDef   string   `toml:"vi_def"`
	ENDef   string   `toml:"en_def"`
	VIAvoid []string `toml:"vi_avoid"`
	ENAvoid []string `toml:"en_avoid"`
	Allow   []string `toml:"allow"` // message IDs allowed a variant, each with its reason in the file
}

// Name is the term in lang (Vietnamese when lang is unknown).
func (t Term) Name(lang string) string {
	if lang == EN {
		return t.EN
	}
	return t.VI
}

// Definition is the term's definition in lang.
func (t Term) Definition(lang string) string {
	if lang == EN {
		return t.ENDef
	}
	return t.VIDef
}

func (t Term) avoid(lang string) []string {
	if lang == EN {
		return t.ENAvoid
	}
	return t.VIAvoid
}

// parseGlossary reads the glossary and checks every term is complete in
// both languages.
func parseGlossary(data []byte) ([]Term, error) {
	var g struct {
		Term []Term `toml:"term"`
	}
	md, err := toml.Decode(string(data), &g)
	if err != nil {
		return nil, fmt.Errorf("locale: glossary: %w", err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		return nil, fmt.Errorf("locale: glossary: unknown fields %v", un)
	}
	for i, t := range g.Term {
		if t.VI == "" || t.EN == "" || t.VIDef == "" || t.ENDef == "" {
			return nil, fmt.Errorf("locale: glossary term %d (%q/%q) lacks a name or definition in a language", i+1, t.VI, t.EN)
		}
	}
	return g.Term, nil
}

// Glossary returns the terms, in the order of the file.
func (b *Bundle) Glossary() []Term { return b.glossary }

// GlossaryViolations lists, for every message text of lang that uses a
// variant the glossary avoids, "lang:id uses "variant" (say "term")".
// texts maps a message ID to its text or texts (one per plural form).
// Words are compared lower-cased after NFC normalisation and only whole:
// "hủy" is flagged, "thủy" is not.
func GlossaryViolations(terms []Term, lang string, texts map[string][]string) []string {
	var out []string
	for _, t := range terms {
		allowed := map[string]bool{}
		for _, id := range t.Allow {
			allowed[id] = true
		}
		for _, variant := range t.avoid(lang) {
			v := fold(variant)
			for id, ss := range texts {
				if allowed[id] {
					continue
				}
				for _, s := range ss {
					if containsWord(fold(templateAction.ReplaceAllString(s, " ")), v) {
						out = append(out, fmt.Sprintf("%s:%s uses %q (say %q)", lang, id, variant, t.Name(lang)))
						break
					}
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// templateAction matches a message's placeholders ({{.Login}}), which are
// names, not words the reader sees.
var templateAction = regexp.MustCompile(`\{\{[^}]*\}\}`)

func fold(s string) string { return strings.ToLower(norm.NFC.String(s)) }

// containsWord reports whether w occurs in s with no letter or digit
// joined to either end.
func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		before, _ := utf8.DecodeLastRuneInString(s[:start])
		after, _ := utf8.DecodeRuneInString(s[end:])
		if !isWordRune(before) && !isWordRune(after) {
			return true
		}
		i = start + 1
	}
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
}

// oldTone matches a word ending in oa, oe or uy with the tone mark on the
// first vowel (hóa, khóa, hủy): the portal writes the new placement (hoá,
// khoá, huỷ), as the glossary's header says.
var oldTone = regexp.MustCompile(`\pL*[óòỏõọ][ae]\b|\pL*[úùủũụ]y\b`)

// OldTonePlacements lists the words of s that put the tone mark the old
// way. The pattern's \b is ASCII-only, so the match is confirmed by hand:
// no letter may follow.
func OldTonePlacements(s string) []string {
	s = norm.NFC.String(s)
	var out []string
	for _, loc := range oldTone.FindAllStringIndex(s, -1) {
		if r, _ := utf8.DecodeRuneInString(s[loc[1]:]); !isWordRune(r) {
			out = append(out, s[loc[0]:loc[1]])
		}
	}
	return out
}
