package store

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// ErrBadCursor is returned for a page cursor that does not decode, or
// belongs to another order: the caller shows the first page instead.
var ErrBadCursor = errors.New("store: bad page cursor")

// CountCap is how far a list counts its matches: beyond it, a list says
// "more than CountCap" instead of reading every match.
const CountCap = 10_000

// Count is how many rows a list's filter matches: exact up to CountCap;
// above it More is set and N is CountCap.
type Count struct {
	N    int
	More bool
}

// sortKey is one column of a list's order: an SQL expression that is never
// NULL, its direction, and the kind of value it gives ('s' text, 'n'
// number, 'i' integer), which a cursor's value must have.
type sortKey struct {
	expr string
	desc bool
	kind byte
}

// order is a list's full order, ending with a unique integer key (the id),
// so that every row has its own place and a cursor names one row.
type order struct {
	name string // bound into cursors: a cursor of another order is refused
	keys []sortKey
}

// cursor is a position in a list: the sort key values of one row, and
// whether the page wanted is the one before that row (back) or after it.
type cursor struct {
	vals []any
	back bool
}

// maxCursorLen bounds the tokens decodeCursor looks at. It must hold every
// token encodeCursor makes for a row the portal can store, or the row's
// "next page" link would lead back to the first page. An order has one text
// key: a search key (firms.SearchKey of a name of at most
// firms.MaxNameLen = 300 characters, up to 4 bytes each in UTF-8, which
// canonical decomposition can make at most 3 times longer) or an email
// (shorter). JSON without HTML escaping at most doubles that (\u2028; and
// control characters, which names never hold), so 300·4·3·2 = 7,200 bytes,
// plus the order's name, the id and the punctuation, and base64's 4/3:
// under 10,000. 16 KiB leaves room and still bounds what a request makes
// the server decode (TestTheLongestNamesCursorFits).
const maxCursorLen = 16 << 10

// encodeCursor is the opaque token of the page after (or, back, before)
// the row whose key values are vals. It is not signed: a forged token
// can only move the list to another position in the same filter.
func (o order) encodeCursor(vals []any, back bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the token is base64: <, > and & need no escaping, and would triple in size
	if err := enc.Encode([]any{o.name, back, vals}); err != nil {
		return "" // the values come from our own scan: text, numbers
	}
	return base64.RawURLEncoding.EncodeToString(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// decodeCursor reads a token made by encodeCursor for this order; "" is
// no cursor (the first page). Anything else that does not fit is
// ErrBadCursor.
func (o order) decodeCursor(tok string) (*cursor, error) {
	if tok == "" {
		return nil, nil
	}
	if len(tok) > maxCursorLen {
		return nil, ErrBadCursor
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return nil, ErrBadCursor
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) != 3 {
		return nil, ErrBadCursor
	}
	var name string
	var c cursor
	if json.Unmarshal(parts[0], &name) != nil || name != o.name || json.Unmarshal(parts[1], &c.back) != nil {
		return nil, ErrBadCursor
	}
	if c.vals, err = o.decodeValues(parts[2]); err != nil {
		return nil, err
	}
	return &c, nil
}

// decodeValues reads the cursor's key values, one per key, each of its kind.
func (o order) decodeValues(raw json.RawMessage) ([]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var vals []any
	if err := dec.Decode(&vals); err != nil || len(vals) != len(o.keys) {
		return nil, ErrBadCursor
	}
	for i, k := range o.keys {
		v, ok := keyValue(vals[i], k.kind)
		if !ok {
			return nil, ErrBadCursor
		}
		vals[i] = v
	}
	return vals, nil
}

// keyValue checks one decoded value against its kind and converts numbers
// to what SQLite compares them as.
func keyValue(v any, kind byte) (any, bool) {
	switch kind {
	case 's':
		s, ok := v.(string)
		return s, ok
	case 'i':
		n, ok := v.(json.Number)
		if !ok {
			return nil, false
		}
		i, err := n.Int64()
		return i, err == nil
	default:
		n, ok := v.(json.Number)
		if !ok {
			return nil, false
		}
		f, err := n.Float64()
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	}
}

// where is the condition "strictly after the cursor's row" in this order
// (before it, when back): the lexicographic comparison, key by key, with
// each key's direction. Keys all one way compare as one row value; keys
// in mixed directions key by key, and then the first key is also bounded
// on its own (>= or <=), which lets SQLite seek an index whose first
// column it is.
func (o order) where(c *cursor) (string, []any) {
	if o.oneWay() {
		// All keys one way: a row value, which SQLite seeks in an index
		// of these columns (the OR form below only bounds the first key,
		// and then reads every row with the cursor's first key value).
		op := ">"
		if o.keys[0].desc != c.back {
			op = "<"
		}
		return "(" + o.columns() + ") " + op + " (" + strings.Repeat("?, ", len(o.keys)-1) + "?)", slices.Clone(c.vals)
	}
	var ors []string
	var args []any
	for i, k := range o.keys {
		var ands []string
		for j := 0; j < i; j++ {
			ands = append(ands, o.keys[j].expr+" = ?")
			args = append(args, c.vals[j])
		}
		op := ">"
		if k.desc != c.back {
			op = "<"
		}
		ands = append(ands, k.expr+" "+op+" ?")
		args = append(args, c.vals[i])
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	op := ">="
	if o.keys[0].desc != c.back {
		op = "<="
	}
	cond := fmt.Sprintf("%s %s ? AND (%s)", o.keys[0].expr, op, strings.Join(ors, " OR "))
	return cond, append([]any{c.vals[0]}, args...)
}

// oneWay reports whether every key of o sorts in the same direction.
func (o order) oneWay() bool {
	for _, k := range o.keys {
		if k.desc != o.keys[0].desc {
			return false
		}
	}
	return true
}

// orderBy is the ORDER BY list, reversed when reading backwards.
func (o order) orderBy(back bool) string {
	parts := make([]string, len(o.keys))
	for i, k := range o.keys {
		dir := " ASC"
		if k.desc != back {
			dir = " DESC"
		}
		parts[i] = k.expr + dir
	}
	return strings.Join(parts, ", ")
}

// columns is the keys as a select list, to scan a row's cursor values.
func (o order) columns() string {
	parts := make([]string, len(o.keys))
	for i, k := range o.keys {
		parts[i] = k.expr
	}
	return strings.Join(parts, ", ")
}

// Links are a page's neighbours: the cursors of the page before and after
// it ("" when there is none).
type Links struct {
	Prev, Next string
}

// links trims the page read with one row more than limit (to know whether
// there is more in the direction read) and works out the neighbours from
// the first and last rows' keys. rows are in list order whichever way
// they were read; keys(i) gives row i's key values.
func (o order) links(c *cursor, n, limit int, keys func(i int) []any) (lo, hi int, l Links) {
	lo, hi = 0, n
	more := n > limit
	back := c != nil && c.back
	if more && back {
		lo = 1
	} else if more {
		hi = limit
	}
	if hi <= lo {
		return lo, hi, l
	}
	if (back && more) || (!back && c != nil) {
		l.Prev = o.encodeCursor(keys(lo), true)
	}
	if back || more {
		l.Next = o.encodeCursor(keys(hi-1), false)
	}
	return lo, hi, l
}
