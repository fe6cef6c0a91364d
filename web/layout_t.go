package web

import (
	"strconv"
	"strings"
	"sync"

	"dxready/locale"
)

// keptMessages is the templates' t for one language. A message given
// arguments ("Step 2 of 6: …", "12 of 42 answered") is a go-i18n lookup and
// a run of the message's own text/template, some 2% of the server's CPU in
// the firm cycle, for a handful of texts that come back on every page; so
// such a message is kept by its ID and arguments when they are ints and
// strings (T is a pure function of them: the plural form and the digits
// of a Count, the values filled in). Only messages of the catalogue are
// kept, so a gap is reported every time it is asked for, as T does; the
// messages kept are bounded (cleared when full).
type keptMessages struct {
	loc   *locale.Localizer
	known map[string]bool
	mu    sync.Mutex
	kept  map[string]string
}

// maxKeptMessages bounds the messages kept in one language.
const maxKeptMessages = 4096

// maxKeptArgument is the longest string argument of a message kept: some
// arguments come from the address as given (the province page's
// quarter=, up to the 64 kB of a request's header), and 4,096 of those
// kept would be half a gigabyte; the texts that come back on every page
// are short.
const maxKeptArgument = 256

func newKeptMessages(b *locale.Bundle, l string) *keptMessages {
	k := &keptMessages{loc: b.For(l), known: map[string]bool{}, kept: map[string]string{}}
	for _, id := range b.MessageIDs(l) {
		k.known[id] = true
	}
	return k
}

// t is Localizer.T, kept for messages with arguments.
func (k *keptMessages) t(id string, kv ...any) string {
	if len(kv) == 0 || !k.known[id] {
		return k.loc.T(id, kv...)
	}
	key, ok := messageKey(id, kv)
	if !ok {
		return k.loc.T(id, kv...)
	}
	k.mu.Lock()
	s, hit := k.kept[key]
	k.mu.Unlock()
	if hit {
		return s
	}
	s = k.loc.T(id, kv...)
	k.mu.Lock()
	if len(k.kept) >= maxKeptMessages {
		clear(k.kept)
	}
	k.kept[key] = s
	k.mu.Unlock()
	return s
}

// secretArgument reports whether a message argument of that name holds a
// secret (a new account's first password, a token): such a message is
// shown once and never kept, so no secret stays in the server's memory
// after its page.
func secretArgument(name string) bool {
	for _, w := range []string{"Password", "Secret", "Token"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// messageKey is id and its arguments, each typed and a string's length
// given, so no two calls share a key; false when an argument is of
// another type than string, int or int64, a string longer than
// maxKeptArgument, or a secret (secretArgument).
func messageKey(id string, kv []any) (string, bool) {
	var b strings.Builder
	b.WriteString(id)
	for i, v := range kv {
		if name, ok := v.(string); ok && i%2 == 0 && secretArgument(name) {
			return "", false
		}
		switch v := v.(type) {
		case string:
			if len(v) > maxKeptArgument {
				return "", false
			}
			b.WriteString("\x00s")
			b.WriteString(strconv.Itoa(len(v)))
			b.WriteByte(':')
			b.WriteString(v)
		case int:
			b.WriteString("\x00i")
			b.WriteString(strconv.Itoa(v))
		case int64:
			b.WriteString("\x00l")
			b.WriteString(strconv.FormatInt(v, 10))
		default:
			return "", false
		}
	}
	return b.String(), true
}
