package store

import (
	"database/sql/driver"
	"encoding/json"
	"slices"
	"strings"
	"unicode"

	"modernc.org/sqlite"
)

// nameHasWordsCond is the admin search's name condition tested on one
// row: true when every one of words starts a word of the firm's search
// key, which is what the firms_fts query ftsQuery builds asks of the
// index. SQLite's instr, which a match needs and which costs far less
// than a call into Go, sees each row first (CASE keeps that order).
func nameHasWordsCond(col string, words []string) (string, []any) {
	var b strings.Builder
	b.WriteString("CASE WHEN ")
	args := make([]any, 0, len(words)+1)
	for i, w := range words {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteString("instr(" + col + ", ?) > 0")
		args = append(args, w)
	}
	b.WriteString(" THEN name_has_words(" + col + ", ?) ELSE 0 END")
	return b.String(), append(args, strings.Join(words, " "))
}

// readerDriver is the SQLite driver of the store's readers, with
// name_has_words, the per-row test of nameHasWordsCond, and search_terms.
func readerDriver() *sqlite.Driver {
	d := &sqlite.Driver{}
	d.MustRegisterDeterministicScalarFunction("name_has_words", 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		key, _ := args[0].(string)
		words, _ := args[1].(string)
		return nameHasWords(key, strings.Fields(words)), nil
	})
	d.MustRegisterDeterministicScalarFunction("search_terms", 1, searchTermsFunc)
	return d
}

func init() {
	// firm_words' triggers (migration 0026) call search_terms on every
	// connection that writes a firm: the store's own drivers have it
	// (readerDriver, openWriter), and this gives it to any other opened by
	// the "sqlite" name in this process (tools, tests), whose writes would
	// otherwise fail with "no such function".
	sqlite.MustRegisterDeterministicScalarFunction("search_terms", 1, searchTermsFunc)
}

// searchTermsFunc is search_terms(key): searchTerms(key) as a JSON array,
// which the triggers read with json_each.
func searchTermsFunc(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	key, _ := args[0].(string)
	b, err := json.Marshal(searchTerms(key))
	return string(b), err
}

// termPrefix is how many letters of a longer token firm_words also keeps
// as a term of its own: a query word that short is then one term, and a
// query word of one letter at most a term per letter or digit that can
// follow it.
const termPrefix = 2

// searchTerms are the terms firm_words holds for a search key: each of its
// tokens (as nameHasWords reads them: runs of letters, numbers and
// private-use characters), and the first termPrefix characters of each
// longer one, each once. A query word w starts a token of the key exactly
// when a term of the key starts with w and is no longer than
// max(len(w), termPrefix) characters, or is longer and w is too.
func searchTerms(key string) []string {
	var out []string
	add := func(t string) {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	start, n := -1, 0 // the current token's first byte and its length in characters
	for i, r := range key + " " {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r) {
			if start < 0 {
				start, n = i, 0
			}
			if n++; n == termPrefix+1 {
				add(key[start:i])
			}
			continue
		}
		if start >= 0 {
			add(key[start:i])
			start = -1
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// nameHasWords reports whether each of words (letters and digits only, as
// queryWords makes them) starts a token of key, the tokens being what
// firms_fts's tokenizer (unicode61) makes of it: runs of letters, numbers
// and private-use characters. The key is already folded and lower-cased
// (firms.SearchKey), so the tokenizer has nothing left to fold.
func nameHasWords(key string, words []string) bool {
	if len(words) == 0 || len(words) > 64 {
		return false
	}
	var found uint64 // bit i: words[i] starts a token
	inToken := false
	for i, r := range key {
		isTok := unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
		if isTok && !inToken {
			for j, w := range words {
				if found&(1<<j) == 0 && strings.HasPrefix(key[i:], w) {
					found |= 1 << j
				}
			}
		}
		inToken = isTok
	}
	return found == 1<<len(words)-1
}
