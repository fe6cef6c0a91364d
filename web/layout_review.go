package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/template/parse"

	"dxready/locale"
)

// The review page's content (its progress, the list of questions not
// answered, a section per pillar around its lines, the submit form and
// the table of the latest changes: some 150 template actions, each a
// reflective call) depends on a few branches (its shape: the problem
// shown, whether there are questions not answered and their count's class,
// pillars shown, changes, whether it may be submitted, whose changes) and
// on values written in it (the response ID, the counts, the version, each
// question not answered, each pillar shown's name and lines, each change).
// So, as the layout (layout_pieces.go), for each language and shape the
// content is rendered once by the page's own template with a mark for each
// value, each list two items long, cut at the marks, each value's escaper
// chosen by rendering probes, and each list folded into one item's pieces
// repeated; a page is then its pieces joined with its values, escaped as
// the template escapes them there. The counts are values (layout_counts.go),
// so a language has tens of shapes, whatever its users' progress. A shape
// that cannot be cut, or whose pieces write other than the template for
// pages of one and three items, other counts and hidden pillars, renders
// whole.

// reviewShape is what the review's content branches on.
type reviewShape struct {
	unanswered                                 int // the count's class (countClass)
	listed, shown, changes, canSubmit, private bool
	problem                                    string // a message ID
}

// Fields of the review's values; a mark is reviewMark, the field (2
// digits), the item's index in its list (3 digits: 0 or 1, as the lists
// are cut two items long; a count's: 1 grouped, 0 plain digits) and "k".
const (
	reviewID = iota // the response ID: written as digits
	reviewVersion
	reviewUnansweredURL
	reviewUnansweredPillar
	reviewUnansweredText
	reviewPillarID
	reviewPillarName
	reviewPillarMarkup
	reviewChangeWhen
	reviewChangeWho
	reviewChangeQuestion
	reviewChangeAnswer
	reviewNumAnswered // the counts
	reviewNumTotal
	reviewNumUnanswered
	reviewListUnanswered // a list's items (folded)
	reviewListPillars
	reviewListChanges

	reviewMark    = "dxrv"
	reviewMarkLen = len(reviewMark) + 2 + 3 + 1
	// maxReviewShapes bounds a language's shapes; more render whole. The
	// shapes are the count's class (3) times whether there are pillars
	// shown and changes (4), the problem (a handful of message IDs set by
	// the code) and the claim's two flags (4): 240 with five problems.
	// So only a new problem or branch can reach it.
	maxReviewShapes       = 256
	reviewIDMark    int64 = 987654321098765433
	reviewIDCheck   int64 = 123456789012345670
)

// reviewStandIns are the counts the content is cut with, by field, and
// reviewChecks those its pieces are probed and checked with.
var (
	reviewStandIns = map[int]int64{reviewNumAnswered: 71828182, reviewNumTotal: 16180339, reviewNumUnanswered: 14142135}
	reviewChecks   = map[int]int64{reviewNumAnswered: 27182818, reviewNumTotal: 27182818, reviewNumUnanswered: 41421356}
	// reviewCountValues and reviewCountClasses: the counts as the step's
	// (stepCountValues).
	reviewCountValues  = map[string]bool{"Answered": true, "Total": true}
	reviewCountClasses = map[string]bool{"UnansweredCount": true}
)

// reviewLists are the lists' fields, by list.
var reviewLists = map[int][]int{
	reviewListUnanswered: {reviewUnansweredURL, reviewUnansweredPillar, reviewUnansweredText},
	reviewListPillars:    {reviewPillarID, reviewPillarName, reviewPillarMarkup},
	reviewListChanges:    {reviewChangeWhen, reviewChangeWho, reviewChangeQuestion, reviewChangeAnswer},
}

// reviewSlot is one value between two pieces: its field, its item (a
// count's: 1 grouped), and its escaper (reviewEscapers[esc-1]; 0 for
// numbers and lists).
type reviewSlot struct{ field, index, esc int }

// reviewSkeleton is a content of one shape: texts[0], slots[0], texts[1],
// …, texts[len(slots)]; a list's slot is its items, each items[list]'s.
type reviewSkeleton struct {
	texts []string
	slots []reviewSlot
	items map[int]*reviewItems
}

// reviewItems is a list's item: slots[0], texts[0], slots[1], …; join
// between two items.
type reviewItems struct {
	texts []string
	slots []reviewSlot
	join  string
}

// reviewEscapers are the layout's, and a template.HTML value's (the
// pillars' lines, joined from pieces the template rendered) as written.
var reviewEscapers = append(append([]layoutEscaper{}, layoutEscapers...), func(b *bytes.Buffer, s string) { b.WriteString(s) })

// reviewFrames keeps the review's content in pieces, by language and shape.
type reviewFrames struct {
	bundle *locale.Bundle
	mu     sync.Mutex
	kept   map[string]map[reviewShape]*reviewSkeleton
	cuts   atomic.Int64 // shapes cut so far (tests: none is cut twice once kept)
	// counts is checkReviewCounts of the review page as parsed, checked
	// once at the start: nil, or why its content is never cut.
	counts error
}

func newReviewFrames(b *locale.Bundle) *reviewFrames {
	return &reviewFrames{bundle: b, kept: map[string]map[reviewShape]*reviewSkeleton{}, counts: parsedReviewCounts()}
}

// parsedReviewCounts is checkReviewCounts of the review page as parsed
// (parsedPages), whose templates are never run. A page's bound copy must
// not be walked while requests run it: html/template escapes a template
// the first time it, or a page that calls it, runs, rewriting its
// pipelines as it goes (a data race the race detector caught between two
// requests cutting their first shapes). The copies have the parsed
// page's trees (html/template's Clone copies them), so the check holds
// for each.
func parsedReviewCounts() error {
	parsed, err := parsedPages()
	if err != nil {
		return err
	}
	p, ok := parsed["assessment_review"]
	if !ok {
		return errors.New("no assessment_review page")
	}
	return checkReviewCounts(p.tmpl)
}

// reviewShapeOf is p's shape; false when it renders whole (a pillar listed
// by the template, not joined). A list of any length is written from its
// item's pieces.
func reviewShapeOf(p *reviewPage) (reviewShape, bool) {
	if !countsKeepTheirClass(p.Answered, p.Total, p.UnansweredCount) {
		return reviewShape{}, false
	}
	sh := reviewShape{unanswered: countClass(p.UnansweredCount), listed: len(p.Unanswered) > 0, changes: len(p.Changes) > 0,
		problem: p.Problem, canSubmit: p.CanSubmit, private: p.Private}
	for _, pv := range p.Pillars {
		if pv.Answers != nil {
			return sh, false
		}
		sh.shown = sh.shown || pv.Markup != ""
	}
	return sh, true
}

// write writes review page p's content in language l with template t (the
// page's own); false: it could not, and nothing was written.
func (rf *reviewFrames) write(b *bytes.Buffer, l string, t *template.Template, p *reviewPage) (bool, error) {
	sh, ok := reviewShapeOf(p)
	if !ok {
		return false, nil
	}
	sk, err := rf.skeleton(l, t, sh)
	if sk == nil || err != nil {
		return false, err
	}
	sk.write(b, rf.bundle.For(l), p)
	return true, nil
}

// write writes p's content from sk's pieces.
func (sk *reviewSkeleton) write(b *bytes.Buffer, loc *locale.Localizer, p *reviewPage) {
	for i, s := range sk.slots {
		b.WriteString(sk.texts[i])
		if it := sk.items[s.field]; it != nil {
			it.write(b, p, s.field)
			continue
		}
		writeReviewValue(b, loc, p, s, s.index)
	}
	b.WriteString(sk.texts[len(sk.slots)])
}

// write writes the items of p's list, each from it's pieces.
func (it *reviewItems) write(b *bytes.Buffer, p *reviewPage, list int) {
	n := 0
	for k := range reviewListLen(p, list) {
		index := k
		if list == reviewListPillars {
			if p.Pillars[k].Markup == "" {
				continue // not shown: writes nothing (checked when cut)
			}
		}
		if n++; n > 1 {
			b.WriteString(it.join)
		}
		for j, s := range it.slots {
			if j > 0 {
				b.WriteString(it.texts[j-1])
			}
			writeReviewValue(b, nil, p, s, index)
		}
	}
}

// reviewListLen is how many items p's list has (pillars: shown or not).
func reviewListLen(p *reviewPage, list int) int {
	switch list {
	case reviewListUnanswered:
		return len(p.Unanswered)
	case reviewListPillars:
		return len(p.Pillars)
	}
	return len(p.Changes)
}

// writeReviewValue writes p's value of slot s for item index.
func writeReviewValue(b *bytes.Buffer, loc *locale.Localizer, p *reviewPage, s reviewSlot, index int) {
	n := numberSlot{field: s.field, grouped: s.index == 1}
	switch s.field {
	case reviewID:
		b.WriteString(strconv.FormatInt(p.ResponseID, 10))
	case reviewNumAnswered:
		n.writeNumber(b, loc, int64(p.Answered))
	case reviewNumTotal:
		n.writeNumber(b, loc, int64(p.Total))
	case reviewNumUnanswered:
		n.writeNumber(b, loc, int64(p.UnansweredCount))
	default:
		reviewEscapers[s.esc-1](b, reviewValue(p, s.field, index))
	}
}

// skeleton returns shape sh's pieces in language l, cut the first time;
// nil when they cannot be cut (err says why, the first time only), or when
// the language already keeps maxReviewShapes shapes: the page then renders
// whole, as it did before it had pieces. The kept shapes are never dropped
// to make room: a language cuts at most maxReviewShapes shapes in the
// server's life (two requests cutting the same new shape at once may both
// cut it); with the counts values, not shapes, its real shapes are tens.
func (rf *reviewFrames) skeleton(l string, t *template.Template, sh reviewShape) (*reviewSkeleton, error) {
	rf.mu.Lock()
	sk, ok := rf.kept[l][sh]
	full := len(rf.kept[l]) >= maxReviewShapes
	rf.mu.Unlock()
	if ok || full {
		return sk, nil
	}
	rf.cuts.Add(1)
	err := rf.counts
	if err == nil {
		sk, err = cutChecked(t, rf.bundle.For(l), sh)
	}
	if err != nil {
		sk, err = nil, fmt.Errorf("web: review content %+v: %w", sh, err)
	}
	rf.mu.Lock()
	if rf.kept[l] == nil {
		rf.kept[l] = map[reviewShape]*reviewSkeleton{}
	}
	if len(rf.kept[l]) < maxReviewShapes {
		rf.kept[l][sh] = sk
	}
	rf.mu.Unlock()
	return sk, err
}

// reviewStandIn is a review page of shape sh whose response ID is id, whose
// counts are nums' (the unanswered count: its class's stand-in), whose
// every other value is value(field, index), and whose each list not empty
// has items items (hidden: with a pillar not shown before each shown).
func reviewStandIn(sh reviewShape, id int64, nums map[int]int64, items int, hidden bool, value func(field, index int) string) reviewPage {
	p := reviewPage{ResponseID: id, Version: value(reviewVersion, 0), Answered: int(nums[reviewNumAnswered]), Total: int(nums[reviewNumTotal]),
		UnansweredCount: int(countStandIn(sh.unanswered, nums[reviewNumUnanswered])), Problem: sh.problem, CanSubmit: sh.canSubmit,
		Private: sh.private}
	for i := range items {
		if sh.listed {
			p.Unanswered = append(p.Unanswered, unansweredView{URL: value(reviewUnansweredURL, i),
				Pillar: value(reviewUnansweredPillar, i), Text: value(reviewUnansweredText, i)})
		}
		if hidden {
			p.Pillars = append(p.Pillars, pillarAnswersView{ID: value(reviewPillarID, i), Name: value(reviewPillarName, i)})
		}
		if sh.shown { // a mark or a probe, to see how the template writes its lines
			p.Pillars = append(p.Pillars, pillarAnswersView{ID: value(reviewPillarID, i), Name: value(reviewPillarName, i),
				Markup: template.HTML(value(reviewPillarMarkup, i))})
		}
		if sh.changes {
			p.Changes = append(p.Changes, changeView{When: value(reviewChangeWhen, i), Who: value(reviewChangeWho, i),
				Question: value(reviewChangeQuestion, i), Answer: value(reviewChangeAnswer, i)})
		}
	}
	return p
}

// reviewValue is p's value of field for item index.
func reviewValue(p *reviewPage, field, index int) string {
	switch field {
	case reviewVersion:
		return p.Version
	case reviewUnansweredURL:
		return p.Unanswered[index].URL
	case reviewUnansweredPillar:
		return p.Unanswered[index].Pillar
	case reviewUnansweredText:
		return p.Unanswered[index].Text
	case reviewPillarID:
		return p.Pillars[index].ID
	case reviewPillarName:
		return p.Pillars[index].Name
	case reviewPillarMarkup:
		return string(p.Pillars[index].Markup)
	case reviewChangeWhen:
		return p.Changes[index].When
	case reviewChangeWho:
		return p.Changes[index].Who
	case reviewChangeQuestion:
		return p.Changes[index].Question
	case reviewChangeAnswer:
		return p.Changes[index].Answer
	}
	return ""
}

// cutReview renders the content of shape sh with marks, two items a list,
// cuts it at them, chooses each value's escaper by rendering it with
// probes, folds each list into one item's pieces, and checks the pieces
// write what the template writes (checkReview).
func cutReview(t *template.Template, loc *locale.Localizer, sh reviewShape) (*reviewSkeleton, error) {
	if err := checkReviewCounts(t); err != nil {
		return nil, err
	}
	return cutChecked(t, loc, sh)
}

// cutChecked is cutReview of a template whose counts were checked
// already: one that requests may be running (reviewFrames.skeleton).
func cutChecked(t *template.Template, loc *locale.Localizer, sh reviewShape) (*reviewSkeleton, error) {
	mark := func(field, index int) string { return fmt.Sprintf("%s%02d%03dk", reviewMark, field, index) }
	out, err := execString(t, "content", reviewStandIn(sh, reviewIDMark, reviewStandIns, 2, false, mark))
	if err != nil {
		return nil, err
	}
	out = strings.ReplaceAll(out, strconv.FormatInt(reviewIDMark, 10), mark(reviewID, 0))
	nums := map[int]int64{reviewNumAnswered: reviewStandIns[reviewNumAnswered], reviewNumTotal: reviewStandIns[reviewNumTotal]}
	if sh.unanswered == 2 {
		nums[reviewNumUnanswered] = reviewStandIns[reviewNumUnanswered]
	}
	sk, err := cutReviewMarks(markNumbers(out, loc, nums, func(s numberSlot) string { return mark(s.field, boolDigit(s.grouped)) }), sh)
	if err != nil {
		return nil, err
	}
	for _, pr := range layoutProbes {
		out, err := execString(t, "content", reviewStandIn(sh, reviewIDCheck, reviewChecks, 2, false, func(int, int) string { return pr }))
		if err != nil {
			return nil, err
		}
		if err := sk.probe(out, pr, loc); err != nil {
			return nil, err
		}
	}
	for list := range reviewLists {
		if err := sk.fold(list); err != nil {
			return nil, err
		}
	}
	return sk, sk.check(t, loc, sh)
}

// check reports a difference between what sk writes and what the template
// writes for pages of shape sh with one and three items a list, pillars
// not shown between those shown, counts other than those cut with (the
// answered equal to the total) and hostile values.
func (sk *reviewSkeleton) check(t *template.Template, loc *locale.Localizer, sh reviewShape) error {
	for _, items := range []int{1, 3} {
		v := func(field, index int) string {
			return layoutProbes[(field+index)%len(layoutProbes)] + strconv.Itoa(index)
		}
		p := reviewStandIn(sh, reviewIDCheck, reviewChecks, items, true, v)
		want, err := execString(t, "content", p)
		if err != nil {
			return err
		}
		var got bytes.Buffer
		if sk.write(&got, loc, &p); got.String() != want {
			return fmt.Errorf("its pieces write other than the template for %d items, from byte %d", items, differsAt(got.String(), want))
		}
	}
	return nil
}

// fold folds list's two items in sk into one slot of the list, whose
// items are the first's pieces; an error when the two are not written
// alike, one after the other.
func (sk *reviewSkeleton) fold(list int) error {
	in := map[int]bool{}
	for _, f := range reviewLists[list] {
		in[f] = true
	}
	var at []int // the slots of the list's values
	for i, s := range sk.slots {
		if in[s.field] {
			at = append(at, i)
		}
	}
	if len(at) == 0 {
		return nil // the list is empty in this shape
	}
	a, k := at[0], len(at)/2
	for j, i := range at {
		if i != a+j || sk.slots[i].index != j/k || len(at) != 2*k ||
			j >= k && (sk.slots[i].field != sk.slots[i-k].field || sk.slots[i].esc != sk.slots[i-k].esc || sk.texts[i] != sk.texts[i-k] && j > k) {
			return fmt.Errorf("the list %d's two items are not written alike, one after the other", list)
		}
	}
	it := &reviewItems{texts: slices.Clone(sk.texts[a+1 : a+k]), slots: slices.Clone(sk.slots[a : a+k]), join: sk.texts[a+k]}
	if sk.items == nil {
		sk.items = map[int]*reviewItems{}
	}
	sk.items[list] = it
	sk.texts = slices.Concat(sk.texts[:a+1], sk.texts[a+2*k:])
	sk.slots = slices.Concat(sk.slots[:a], []reviewSlot{{field: list}}, sk.slots[a+2*k:])
	return nil
}

// cutReviewMarks cuts out, the content rendered with marks, into its
// pieces; each mark must be one of a value shape sh has.
func cutReviewMarks(out string, sh reviewShape) (*reviewSkeleton, error) {
	sk := &reviewSkeleton{}
	for {
		i := strings.Index(out, reviewMark)
		if i < 0 {
			sk.texts = append(sk.texts, out)
			return sk, nil
		}
		if len(out) < i+reviewMarkLen || out[i+reviewMarkLen-1] != 'k' {
			return nil, fmt.Errorf("a cut mark: %.12q", out[i:])
		}
		field, err1 := strconv.Atoi(out[i+len(reviewMark) : i+len(reviewMark)+2])
		index, err2 := strconv.Atoi(out[i+len(reviewMark)+2 : i+reviewMarkLen-1])
		if err1 != nil || err2 != nil || !sh.has(field, index) {
			return nil, fmt.Errorf("a cut mark: %q", out[i:i+reviewMarkLen])
		}
		sk.texts = append(sk.texts, out[:i])
		sk.slots = append(sk.slots, reviewSlot{field: field, index: index})
		out = out[i+reviewMarkLen:]
	}
}

// has reports whether a page of shape sh, two items a list, has item
// index of field.
func (sh reviewShape) has(field, index int) bool {
	switch field {
	case reviewID, reviewVersion, reviewNumAnswered, reviewNumTotal:
		return index <= 1
	case reviewNumUnanswered:
		return index <= 1 && sh.unanswered == 2
	case reviewUnansweredURL, reviewUnansweredPillar, reviewUnansweredText:
		return index < 2 && sh.listed
	case reviewPillarID, reviewPillarName, reviewPillarMarkup:
		return index < 2 && sh.shown
	case reviewChangeWhen, reviewChangeWho, reviewChangeQuestion, reviewChangeAnswer:
		return index < 2 && sh.changes
	}
	return false
}

// probe checks out, the content rendered with every value pr and the
// check counts and ID, against the pieces, and chooses (or, already
// chosen, checks) each value's escaper: the one that writes what the
// template wrote there.
func (sk *reviewSkeleton) probe(out, pr string, loc *locale.Localizer) error {
	var b bytes.Buffer
	for i := range sk.slots {
		s := &sk.slots[i]
		if !strings.HasPrefix(out, sk.texts[i]) {
			return fmt.Errorf("the piece before value %d changed with the values", i)
		}
		out = out[len(sk.texts[i]):]
		if number, ok := reviewChecks[s.field]; ok || s.field == reviewID {
			b.Reset()
			if s.field == reviewID {
				number = reviewIDCheck
			}
			numberSlot{field: s.field, grouped: s.index == 1}.writeNumber(&b, loc, number)
			if !strings.HasPrefix(out, b.String()+sk.texts[i+1]) {
				return fmt.Errorf("the number %d (value %d) is not written as the pieces write it", s.field, i)
			}
			out = out[b.Len():]
			continue
		}
		esc, n, found := escapedAs(reviewEscapers, &b, out, pr, sk.texts[i+1], s.esc)
		if !found {
			return fmt.Errorf("value %d (field %d) is escaped as none of the escapers do", i, s.field)
		}
		s.esc, out = esc, out[n:]
	}
	if out != sk.texts[len(sk.slots)] {
		return fmt.Errorf("the last piece changed with the values")
	}
	return nil
}

// checkReviewCounts reports a use of a count in the review's content (and
// the templates it calls) other than as its pieces write it
// (checkCountUses).
func checkReviewCounts(t *template.Template) error {
	seen := map[string]bool{}
	var walk func(n parse.Node) error
	walk = func(n parse.Node) error {
		var pipe *parse.PipeNode
		branch := true
		var lists []*parse.ListNode
		switch n := n.(type) {
		case *parse.ListNode:
			lists = append(lists, n)
		case *parse.ActionNode:
			pipe, branch = n.Pipe, false
		case *parse.IfNode:
			pipe, lists = n.Pipe, []*parse.ListNode{n.List, n.ElseList}
		case *parse.RangeNode:
			pipe, lists = n.Pipe, []*parse.ListNode{n.List, n.ElseList}
		case *parse.WithNode:
			pipe, lists = n.Pipe, []*parse.ListNode{n.List, n.ElseList}
		case *parse.TemplateNode:
			if u := t.Lookup(n.Name); !seen[n.Name] && u != nil && u.Tree != nil {
				seen[n.Name] = true
				lists = append(lists, u.Tree.Root)
			}
		}
		if pipe != nil {
			if err := checkCountUses(pipe, branch, reviewCountValues, reviewCountClasses); err != nil {
				return err
			}
		}
		for _, l := range lists {
			if l == nil {
				continue
			}
			for _, c := range l.Nodes {
				if err := walk(c); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(&parse.TemplateNode{Name: "content"})
}
