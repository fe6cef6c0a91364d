package store

import (
	"database/sql/driver"
	"strings"
	"unicode"

	"modernc.org/sqlite"
)

// nameHasWordsCond is the admin search's name condition tested on one
// row: true when every one of words starts a word of the firm's search
// key, which is what the firms_fts query ftsQuery builds asks of the
// index. SQLite's instr, which a match needs and which costs far less
// than a call into Go, sees each row first (CASE keeps that order).
func nameHasWordsCond(words []string) (string, []any) {
	var b strings.Builder
	b.WriteString("CASE WHEN ")
	args := make([]any, 0, len(words)+1)
	for i, w := range words {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteString("instr(f.search_key, ?) > 0")
		args = append(args, w)
	}
	b.WriteString(" THEN name_has_words(f.search_key, ?) ELSE 0 END")
	return b.String(), append(args, strings.Join(words, " "))
}

// readerDriver is the SQLite driver of the store's readers, with
// name_has_words, the per-row test of nameHasWordsCond.
func readerDriver() *sqlite.Driver {
	d := &sqlite.Driver{}
	d.MustRegisterDeterministicScalarFunction("name_has_words", 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		key, _ := args[0].(string)
		words, _ := args[1].(string)
		return nameHasWords(key, strings.Fields(words)), nil
	})
	return d
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
