package web

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/template/parse"

	"dxready/locale"
)

// Counts in kept pieces (the step page's frame, the review's content).
// A page's counts (questions answered, in all, missing, not answered)
// take hundreds of values across real users; were they part of a shape,
// a language would reach hundreds of shapes, and past the bound every
// page would render whole (the load tool's cycle, showing the same few
// counts, hid it). So a count is a value: the pieces are rendered with a
// stand-in number for it, and the stand-in's digits, as the template
// writes them (plain digits: {{.Total}} or a message argument other than
// Count; grouped as Localizer.Int writes them: a Count, "1.234" in
// Vietnamese), become a slot. What the template branches on stays in the
// shape: a count's class (countClass: 0, 1, or more), which is what
// {{if .Missing}} and a message's plural form (one/other, in both
// languages: TestCountStandInsHaveThePluralFormOfEveryCountFromTwo) see.
// A template that branches on a count otherwise (eq, lt, a function of
// it) is refused by checkCountUses, and a pieces' writing that differs
// from the template's for a second page of other counts is refused when
// cut (the step's frame, the review's pieces): the page renders whole.

// countClass is what the shape keeps of count n: 0, 1, or 2 for two or
// more (every such count has the plural form "other" in vi and en).
func countClass(n int) int { return min(max(n, 0), 2) }

// countsKeepTheirClass is whether every count is one countClass tells
// truly: a negative count (none is today: counts go up from 0) is true to
// {{if}} but of class 0, so its page renders whole.
func countsKeepTheirClass(counts ...int) bool {
	for _, n := range counts {
		if n < 0 {
			return false
		}
	}
	return true
}

// countStandIn is the number a count of class c is rendered with: itself
// below 2, else n (a stand-in that cannot occur, so its digits mark it).
func countStandIn(c int, n int64) int64 {
	if c < 2 {
		return int64(c)
	}
	return n
}

// numberSlot is a count written in the pieces: which, and how.
type numberSlot struct {
	field   int
	grouped bool // as Localizer.Int writes it ("1.234"); else plain digits
}

// writeNumber writes n as slot s says, in loc's language. A number from 0
// to 999 is its digits in either form (TestSmallCountsAreTheirDigits):
// Localizer.Int's printer costs some 15 allocations a number, and the
// counts are such numbers.
func (s numberSlot) writeNumber(b *bytes.Buffer, loc *locale.Localizer, n int64) {
	if s.grouped && (n < 0 || n > 999) {
		b.WriteString(loc.Int(n))
		return
	}
	b.Write(strconv.AppendInt(b.AvailableBuffer(), n, 10))
}

// markNumbers replaces in out each stand-in number of nums (by field),
// written grouped or as plain digits, with mark(slot). The grouped form
// first: a grouped number never holds its plain digits; the stand-ins are
// chosen so that none's digits are in another's.
func markNumbers(out string, loc *locale.Localizer, nums map[int]int64, mark func(numberSlot) string) string {
	for f, n := range nums {
		if g := loc.Int(n); g != strconv.FormatInt(n, 10) {
			out = strings.ReplaceAll(out, g, mark(numberSlot{field: f, grouped: true}))
		}
		out = strings.ReplaceAll(out, strconv.FormatInt(n, 10), mark(numberSlot{field: f}))
	}
	return out
}

// checkCountUses reports a use of a count in pipe p that its pieces would
// not write as the template does: values (fields only written) anywhere
// but printed alone or as an argument of t other than its Count (a
// plural form the shape does not keep); classes (fields whose class the
// shape keeps) anywhere but those, or alone as a branch's condition
// ({{if .Missing}}). branch: p is an if's, range's or with's.
func checkCountUses(p *parse.PipeNode, branch bool, values, classes map[string]bool) error {
	cmds := slices.DeleteFunc(slices.Clone(p.Cmds), func(c *parse.CommandNode) bool { // html/template's escapers, once run
		id, ok := c.Args[0].(*parse.IdentifierNode)
		return ok && strings.HasPrefix(id.Ident, "_html_template_")
	})
	bare := len(cmds) == 1 && len(cmds[0].Args) == 1
	for _, c := range cmds {
		isT := len(c.Args) > 0 && c.Args[0].Type() == parse.NodeIdentifier && c.Args[0].(*parse.IdentifierNode).Ident == "t"
		for i, a := range c.Args {
			switch a := a.(type) {
			case *parse.FieldNode:
				f := strings.Join(a.Ident, ".")
				if !values[f] && !classes[f] {
					continue
				}
				count := isT && i > 0 && c.Args[i-1].Type() == parse.NodeString && c.Args[i-1].(*parse.StringNode).Text == "Count"
				ok := (bare && !branch) || (isT && (!count || classes[f])) || (bare && branch && classes[f])
				if !ok {
					return fmt.Errorf("%s: the count %s used other than written or as a message's argument: the kept pieces hold it as a value", p, f)
				}
			case *parse.PipeNode:
				if err := checkCountUses(a, false, values, classes); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// differsAt is the first byte at which a and b differ.
func differsAt(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}
