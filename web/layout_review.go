package web

import (
	"bytes"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// The review page's content (its progress, the list of questions not
// answered, a section per pillar around its lines, the submit form and
// the table of the latest changes: some 150 template actions, each a
// reflective call) depends on a few numbers and branches (its shape: the
// progress, the problem shown, how many questions are not answered, which
// pillars show, whether it may be submitted, whose changes, how many) and
// on values written in it (the response ID, the version, each question
// not answered, each pillar's name and lines, each change). So, as the
// layout (layout_pieces.go), for each language and shape the content is
// rendered once by the page's own template with a mark for each value, cut
// at the marks, and each value's escaper chosen by rendering probes; a
// page is then its pieces joined with its values, escaped as the template
// escapes them there. A shape that cannot be cut renders whole.

// reviewShape is what the review's content branches on.
type reviewShape struct {
	answered, total, unanswered, changes, pillars int
	shown                                         uint64 // bit i: pillar i shows (it has lines)
	problem                                       string // a message ID
	canSubmit, private                            bool
}

// Fields of the review's values; a mark is reviewMark, the field (2
// digits), the item's index in its list (3 digits) and "k".
const (
	reviewID = iota // the response ID: written as digits, the only number
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

	reviewMark            = "dxrv"
	reviewMarkLen         = len(reviewMark) + 2 + 3 + 1
	maxReviewItems        = 999 // a longer list renders whole
	maxReviewShapes       = 256 // a language's, at most; more render whole
	reviewIDMark    int64 = 987654321098765433
)

// reviewSlot is one value between two pieces: its field, its item, and its
// escaper (reviewEscapers[esc-1]; 0 for the response ID's digits).
type reviewSlot struct{ field, index, esc int }

// reviewSkeleton is a content of one shape: texts[0], slots[0], texts[1],
// …, texts[len(slots)].
type reviewSkeleton struct {
	texts []string
	slots []reviewSlot
}

// reviewEscapers are the layout's, and a template.HTML value's (the
// pillars' lines, joined from pieces the template rendered) as written.
var reviewEscapers = append(append([]layoutEscaper{}, layoutEscapers...), func(b *bytes.Buffer, s string) { b.WriteString(s) })

// reviewFrames keeps the review's content in pieces, by language and shape.
type reviewFrames struct {
	mu   sync.Mutex
	kept map[string]map[reviewShape]*reviewSkeleton
	cuts atomic.Int64 // shapes cut so far (tests: none is cut twice once kept)
}

func newReviewFrames() *reviewFrames {
	return &reviewFrames{kept: map[string]map[reviewShape]*reviewSkeleton{}}
}

// reviewShapeOf is p's shape; false when it renders whole (a pillar listed
// by the template, not joined; a list too long for the marks).
func reviewShapeOf(p *reviewPage) (reviewShape, bool) {
	sh := reviewShape{answered: p.Answered, total: p.Total, unanswered: len(p.Unanswered), changes: len(p.Changes),
		pillars: len(p.Pillars), problem: p.Problem, canSubmit: p.CanSubmit, private: p.Private}
	if sh.unanswered > maxReviewItems || sh.changes > maxReviewItems || sh.pillars > 64 {
		return sh, false
	}
	for i, pv := range p.Pillars {
		if pv.Answers != nil {
			return sh, false
		}
		if pv.Markup != "" {
			sh.shown |= 1 << i
		}
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
	for i, s := range sk.slots {
		b.WriteString(sk.texts[i])
		if s.field == reviewID {
			b.WriteString(strconv.FormatInt(p.ResponseID, 10))
			continue
		}
		reviewEscapers[s.esc-1](b, reviewValue(p, s.field, s.index))
	}
	b.WriteString(sk.texts[len(sk.slots)])
	return true, nil
}

// skeleton returns shape sh's pieces in language l, cut the first time;
// nil when they cannot be cut (err says why, the first time only), or when
// the language already keeps maxReviewShapes shapes: the page then renders
// whole, as it did before it had pieces. The kept shapes are never dropped
// to make room. A shape holds the page's counts (answered, unanswered,
// changes), so users at every point of the survey reach hundreds of them;
// a clear when full made them cut again and again, at ~5 times the cost of
// the whole template (a claimant saving one answer at a time could keep
// every user's pieces cleared). Now a language cuts at most
// maxReviewShapes shapes in the server's life (two requests cutting the
// same new shape at once may both cut it).
func (rf *reviewFrames) skeleton(l string, t *template.Template, sh reviewShape) (*reviewSkeleton, error) {
	rf.mu.Lock()
	sk, ok := rf.kept[l][sh]
	full := len(rf.kept[l]) >= maxReviewShapes
	rf.mu.Unlock()
	if ok || full {
		return sk, nil
	}
	rf.cuts.Add(1)
	sk, err := cutReview(t, sh)
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

// reviewStandIn is a review page of shape sh whose every value but the
// response ID is value(field, index).
func reviewStandIn(sh reviewShape, value func(field, index int) string) reviewPage {
	p := reviewPage{ResponseID: reviewIDMark, Version: value(reviewVersion, 0), Answered: sh.answered, Total: sh.total,
		Problem: sh.problem, CanSubmit: sh.canSubmit, Private: sh.private}
	for i := range sh.unanswered {
		p.Unanswered = append(p.Unanswered, unansweredView{URL: value(reviewUnansweredURL, i),
			Pillar: value(reviewUnansweredPillar, i), Text: value(reviewUnansweredText, i)})
	}
	for i := range sh.pillars {
		pv := pillarAnswersView{ID: value(reviewPillarID, i), Name: value(reviewPillarName, i)}
		if sh.shown&(1<<i) != 0 {
			pv.Markup = template.HTML(value(reviewPillarMarkup, i)) // a mark or a probe, to see how the template writes its lines
		}
		p.Pillars = append(p.Pillars, pv)
	}
	for i := range sh.changes {
		p.Changes = append(p.Changes, changeView{When: value(reviewChangeWhen, i), Who: value(reviewChangeWho, i),
			Question: value(reviewChangeQuestion, i), Answer: value(reviewChangeAnswer, i)})
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

// cutReview renders the content of shape sh with marks, cuts it at them,
// and chooses each value's escaper by rendering it with probes.
func cutReview(t *template.Template, sh reviewShape) (*reviewSkeleton, error) {
	mark := func(field, index int) string { return fmt.Sprintf("%s%02d%03dk", reviewMark, field, index) }
	out, err := execString(t, "content", reviewStandIn(sh, mark))
	if err != nil {
		return nil, err
	}
	id := strconv.FormatInt(reviewIDMark, 10)
	sk, err := cutReviewMarks(strings.ReplaceAll(out, id, mark(reviewID, 0)), sh)
	if err != nil {
		return nil, err
	}
	for _, pr := range layoutProbes {
		out, err := execString(t, "content", reviewStandIn(sh, func(int, int) string { return pr }))
		if err != nil {
			return nil, err
		}
		if err := sk.probe(out, pr, id); err != nil {
			return nil, err
		}
	}
	return sk, nil
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

// has reports whether a page of shape sh has item index of field.
func (sh reviewShape) has(field, index int) bool {
	switch field {
	case reviewID, reviewVersion:
		return index == 0
	case reviewUnansweredURL, reviewUnansweredPillar, reviewUnansweredText:
		return index < sh.unanswered
	case reviewPillarID, reviewPillarName:
		return index < sh.pillars
	case reviewPillarMarkup:
		return index < sh.pillars && sh.shown&(1<<index) != 0
	case reviewChangeWhen, reviewChangeWho, reviewChangeQuestion, reviewChangeAnswer:
		return index < sh.changes
	}
	return false
}

// probe checks out, the content rendered with every value pr and the
// response ID id, against the pieces, and chooses (or, already chosen,
// checks) each value's escaper: the one that writes what the template
// wrote there.
func (sk *reviewSkeleton) probe(out, pr, id string) error {
	var b bytes.Buffer
	for i := range sk.slots {
		s := &sk.slots[i]
		if !strings.HasPrefix(out, sk.texts[i]) {
			return fmt.Errorf("the piece before value %d changed with the values", i)
		}
		out = out[len(sk.texts[i]):]
		if s.field == reviewID {
			if !strings.HasPrefix(out, id+sk.texts[i+1]) {
				return fmt.Errorf("the response ID (value %d) is not written as its digits", i)
			}
			out = out[len(id):]
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
