// Package plaintext is the one rule for free text that people type or
// import: firm and person names, titles, notes, advisor bios, action
// items. Text is stored as valid UTF-8 in Unicode NFC, without control
// characters and without the invisible characters that reorder how text is
// shown (bidirectional embeddings, overrides and isolates, the "Trojan
// Source" characters), so every page, message and export that shows it —
// CSV files declared UTF-8 among them — gets what it claims to.
//
// It is its own package, not part of firms, because the text comes from
// several domains (the registry, advisors' bios and leave, consultations'
// notes and action plans, accounts), and the web layer applies it to every
// form field it reads. It is pure: no HTTP, no SQL, no templates.
//
// What is cleaned, because that is obviously right: surrounding space;
// runs of white space in a one-line field (a tab or line break pasted from
// a spreadsheet becomes one space); Windows and old Mac line ends in a
// multi-line field (CRLF and CR become LF); a stray byte-order mark;
// decomposed accents (composed to NFC, so "Đức" typed on any keyboard is
// one string). What is refused, because it is never typed on purpose and
// hides what the text says: bytes that are not UTF-8, control characters
// (NUL, ESC and the rest of C0 and C1 apart from white space, DEL) and the
// bidirectional controls U+202A–U+202E and U+2066–U+2069.
package plaintext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Problem is the i18n message ID of what is wrong with a text.
type Problem string

// Problems a text can have; "" is none.
const (
	ErrEncoding Problem = "error.text.encoding" // bytes that are not UTF-8
	ErrControl  Problem = "error.text.control"  // control characters such as NUL or ESC
	ErrBidi     Problem = "error.text.bidi"     // invisible characters that reorder the text
)

// Line cleans one-line text (a name, a title, an email address): NFC, white
// space of any kind collapsed to single spaces, trimmed. When s holds what
// the rule refuses, Line returns the problem and s without the offending
// characters, for the form to show back; store nothing then.
func Line(s string) (string, Problem) {
	s, p := check(s, false)
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " "), p
}

// Block cleans multi-line text (a note, a bio): NFC, line ends as LF, other
// white space kept except at the end of each line, blank lines at the
// start and end dropped. Problems are reported as by Line.
func Block(s string) (string, Problem) {
	s, p := check(s, true)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n "), p
}

// Check reports the first problem of s, without cleaning it.
func Check(s string) Problem {
	_, p := check(s, true)
	return p
}

// check returns s as NFC with refused characters dropped (and, for a
// block, line ends made LF and tabs made spaces), and the first problem.
func check(s string, block bool) (string, Problem) {
	var p Problem
	if !utf8.ValidString(s) {
		p = ErrEncoding
		s = strings.ToValidUTF8(s, "")
	}
	if block {
		s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n", "\u0085", "\n", "\t", " ", "\v", " ", "\f", " ").Replace(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch q := refused(r); {
		case q != "":
			if p == "" {
				p = q
			}
		case r == '\uFEFF': // a byte-order mark pasted along: not text
		default:
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String()), p
}

// refused is the problem of one character, or "".
func refused(r rune) Problem {
	switch {
	case unicode.IsSpace(r):
		return "" // tabs and line breaks are cleaned, not refused
	case unicode.IsControl(r):
		return ErrControl
	case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
		return ErrBidi
	}
	return ""
}
