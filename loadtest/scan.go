package loadtest

import (
	"bytes"
	"strconv"
	"strings"
)

// The tool reads every page it is shown for three things: the assets to
// fetch, the review's version and the draft a start led to. Regular
// expressions did this and cost two thirds of the tool's CPU (a step page
// is ~86 kB); these scanners find the same with bytes.Index, which skips
// through a page at memory speed. scan_test.go holds them to the former
// expressions on the portal's real pages.

// staticPrefix begins the path of every asset the portal serves, under a
// hashed, long-cached name.
var staticPrefix = []byte("/static/")

// assetPaths calls fn with the path of every asset page names as a
// browser would fetch it: the value of an attribute named href or src (in
// any case, spaces allowed around its "=") quoted with " or ' or unquoted,
// that begins /static/, cut at its first ? or #. An attribute whose value
// the page never ends (no closing quote) names nothing, as a browser drops
// the tag. The path aliases page.
func assetPaths(page []byte, fn func(path []byte)) {
	for i := 0; ; {
		j := bytes.Index(page[i:], staticPrefix)
		if j < 0 {
			return
		}
		start := i + j
		end, ok := attrValueEnd(page, start)
		if !ok {
			i = start + 1
			continue
		}
		if end < 0 {
			return // unterminated: the rest of the page is inside it
		}
		i = end
		p := page[start:end]
		if k := bytes.IndexAny(p, "?#"); k >= 0 {
			p = p[:k]
		}
		if len(p) > len(staticPrefix) {
			fn(p)
		}
	}
}

// attrValueEnd reports whether the value starting at page[start] is that
// of an href or src attribute, and where it ends (-1: never).
func attrValueEnd(page []byte, start int) (end int, ok bool) {
	k := start - 1
	var quote byte
	if k >= 0 && (page[k] == '"' || page[k] == '\'') {
		quote, k = page[k], k-1
	}
	k = skipSpaceBack(page, k)
	if k < 0 || page[k] != '=' || !endsInAssetAttr(page, skipSpaceBack(page, k-1)) {
		return 0, false
	}
	if quote != 0 {
		if n := bytes.IndexByte(page[start:], quote); n >= 0 {
			return start + n, true
		}
		return -1, true
	}
	if n := bytes.IndexAny(page[start:], " \t\n\r\f>"); n >= 0 {
		return start + n, true
	}
	return -1, true
}

// endsInAssetAttr reports whether page[:k+1] ends in an attribute name
// href or src: the name, in any case, right after a space, / or quote (a
// name like data-src is not one).
func endsInAssetAttr(page []byte, k int) bool {
	for _, name := range []string{"href", "src"} {
		from := k + 1 - len(name)
		if from < 0 || !strings.EqualFold(string(page[from:k+1]), name) {
			continue
		}
		if from == 0 || isSpace(page[from-1]) || page[from-1] == '/' || page[from-1] == '"' || page[from-1] == '\'' {
			return true
		}
	}
	return false
}

func skipSpaceBack(page []byte, k int) int {
	for k >= 0 && isSpace(page[k]) {
		k--
	}
	return k
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' }

var versionInput = []byte(`name="version" value="`)

// reviewedVersion returns the version of a review page's submit form: the
// first `name="version" value="HEX"` in page whose value is lower-case hex
// of one digit or more.
func reviewedVersion(page []byte) (string, bool) {
	for i := 0; ; {
		j := bytes.Index(page[i:], versionInput)
		if j < 0 {
			return "", false
		}
		v := i + j + len(versionInput)
		n := 0
		for v+n < len(page) && (page[v+n] >= '0' && page[v+n] <= '9' || page[v+n] >= 'a' && page[v+n] <= 'f') {
			n++
		}
		if n > 0 && v+n < len(page) && page[v+n] == '"' {
			return string(page[v : v+n]), true
		}
		i += j + 1
	}
}

// draftIn returns the draft id in a Location: the digits of the first
// /assessment/ID/ in loc.
func draftIn(loc string) (int64, bool) {
	const pre = "/assessment/"
	for i := 0; ; {
		j := strings.Index(loc[i:], pre)
		if j < 0 {
			return 0, false
		}
		v := i + j + len(pre)
		n := 0
		for v+n < len(loc) && loc[v+n] >= '0' && loc[v+n] <= '9' {
			n++
		}
		if n > 0 && v+n < len(loc) && loc[v+n] == '/' {
			id, err := strconv.ParseInt(loc[v:v+n], 10, 64)
			if err != nil {
				return 0, false
			}
			return id, true
		}
		i += j + 1
	}
}
