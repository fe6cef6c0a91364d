package web

import (
	"bytes"
	"strings"
)

// The layout's per-request values (layout_pieces.go) are written between
// pieces the templates rendered, escaped as html/template escapes a string
// in the places the layout puts them. html/template keeps its escapers to
// itself, so these are copies of the two the layout needs (Go 1.26,
// html/template html.go and url.go); a layout's pieces are only used when
// probes rendered by the template itself match them (layoutSkeleton.probe),
// and TestLayoutEscapersAreHTMLTemplates compares them on many strings.

// layoutEscaper writes s escaped for one kind of place.
type layoutEscaper func(b *bytes.Buffer, s string)

// layoutEscapers are the escapers a slot may need, in the order they are
// tried against a probe.
var layoutEscapers = []layoutEscaper{writeHTMLEscaped, writeURLEscaped}

// writeHTMLEscaped is html/template's htmlEscaper (text), rcdataEscaper
// (a title) and attrEscaper (a quoted attribute) for a string: they share
// one table of ASCII characters, so a byte-wise walk is the same as its
// rune-wise one (a byte of a multi-byte or broken sequence is never ASCII).
func writeHTMLEscaped(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(repl)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// writeURLEscaped is what html/template writes for a string that is a
// whole quoted URL attribute (href="{{.}}"): urlFilter (a scheme other
// than http, https or mailto becomes "#ZgotmplZ"), urlNormalizer, then
// attrEscaper, of which only '&' and '+' can still reach it.
func writeURLEscaped(b *bytes.Buffer, s string) {
	if !isSafeLayoutURL(s) {
		s = "#ZgotmplZ"
	}
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '&':
			b.WriteString("&amp;")
		case c == '+':
			b.WriteString("&#43;")
		case urlKept(s, i):
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
}

// urlKept reports whether urlNormalizer keeps byte i of s as it is.
func urlKept(s string, i int) bool {
	switch c := s[i]; c {
	case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']', '-', '.', '_', '~':
		return true
	case '%': // a valid escape stays
		return i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2])
	default:
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// isSafeLayoutURL is html/template's isSafeURL: a relative URL, or one
// whose scheme is http, https or mailto.
func isSafeLayoutURL(s string) bool {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		return strings.EqualFold(protocol, "http") || strings.EqualFold(protocol, "https") || strings.EqualFold(protocol, "mailto")
	}
	return true
}
