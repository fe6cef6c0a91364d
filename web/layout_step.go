package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/template/parse"

	"dxready/locale"
	"dxready/static"
)

// A step page's content around its questions (its heading, progress,
// form and buttons: some 30 template actions) depends on the step, the
// instrument's texts, the progress, the flags of the page and the response
// ID; the load tool's cycle shows the same few of them to every firm. So
// the content is kept, rendered by the page's own template with its
// questions cut out ("step-questions", rendered per request) and cut at
// the response ID and the counts (layout_counts.go: questions answered,
// in all, missing), by all it shows but those: the counts' values are
// written into the frame, only the class of the missing questions (0, 1,
// more: what {{if .Missing}} and its message's plural form see) is in the
// key. So a language's frames are its steps' texts times the flags, some
// tens, whatever the users' progress; a page with a "changed" question (a
// value from the address) renders whole. stepFrameFields lists the fields
// the key holds or the frame writes: TestStepFrameKeyHoldsEveryFieldOfTheStepPage
// fails when stepPage gains one, checkStepFrame when the template shows one
// the key does not hold or uses a count other than as its frame writes it.

// stepFrameKey is what a step page's content shows, but its questions,
// response ID and counts; Missing is the missing count's class.
type stepFrameKey struct {
	Instrument, Description, PillarName, PillarDesc string
	Step, Steps, Missing                            int
	Private, FromReview                             bool
}

// stepFrameFields are stepPage's fields in stepFrameKey, and those the
// frame cuts out.
var stepFrameFields = map[string]bool{"Instrument": true, "Description": true, "PillarName": true, "PillarDesc": true, "Step": true,
	"Steps": true, "Answered": true, "Total": true, "Missing": true, "Private": true, "FromReview": true,
	"ResponseID": true, "Questions": true, "Changed": true}

// The step page's counts: written as values (Answered, Total), or their
// class kept and their value written (Missing).
var (
	stepCountValues  = map[string]bool{"Answered": true, "Total": true}
	stepCountClasses = map[string]bool{"Missing": true}
)

// Cut marks of a frame: its questions, its response ID and its counts
// (their stand-ins, and a second set the frame is checked with).
const (
	stepQuestionsMark       = "dxready:step-questions"
	stepIDMark        int64 = 987654321098765431
	stepIDCheck       int64 = 123456789012345678
	// maxStepFrames bounds a language's frames; cleared when full. Only
	// instruments' texts, steps and flags make frames (some 6 steps × 3
	// missing classes × 4 flags an instrument version); the bound is
	// reached only by many instruments or versions at once.
	maxStepFrames = 4096
	stepMark      = "dxst"
	stepMarkLen   = len(stepMark) + 2 + 1
	stepNumID     = 0 // a number slot's field: the response ID
	stepNumDone   = 1 // Answered
	stepNumTotal  = 2
	stepNumMiss   = 3
)

// stepStandIns are the counts a frame is rendered with, by field; and
// stepChecks those it is checked with.
var (
	stepStandIns = map[int]int64{stepNumDone: 71828182, stepNumTotal: 16180339, stepNumMiss: 14142135}
	stepChecks   = map[int]int64{stepNumDone: 27182818, stepNumTotal: 61803398, stepNumMiss: 41421356}
)

// stepFrames keeps step pages' contents around their questions.
type stepFrames struct {
	tmpl map[string]*template.Template // by language: the step page, its questions a mark
	loc  map[string]*locale.Localizer
	// wrap is, by language, what the page writes around a question
	// (layout_step_questions.go); nil, with wrapErr saying why, when it
	// could not be learned: the template then renders the questions.
	wrap    map[string]*questionWrap
	wrapErr error
	mu      sync.Mutex
	kept    map[string]map[stepFrameKey]*stepFrame // by language
	cuts    atomic.Int64                           // frames cut so far
}

// newStepFrames binds the step page for each language, its questions a
// mark, to the functions its pages have.
func newStepFrames(b *locale.Bundle, assets *static.Assets) (*stepFrames, error) {
	parsed, err := parsedPages()
	if err != nil {
		return nil, err
	}
	step, ok := parsed["assessment_step"]
	if !ok {
		return nil, errors.New("web: step frame: no assessment_step page")
	}
	sf := &stepFrames{tmpl: map[string]*template.Template{}, loc: map[string]*locale.Localizer{}, kept: map[string]map[stepFrameKey]*stepFrame{},
		wrap: map[string]*questionWrap{}}
	for _, l := range locale.Languages {
		funcs := serverFuncs(b, l, assets)
		whole, err := bindPage(step.tmpl, funcs)
		if err != nil {
			return nil, fmt.Errorf("web: step frame: %w", err)
		}
		if sf.wrap[l], err = learnQuestionWrap(whole); err != nil {
			sf.wrapErr = errors.Join(sf.wrapErr, fmt.Errorf("web: step questions (%s): %w", l, err))
		}
		t, err := bindPage(step.tmpl, funcs)
		if err == nil {
			_, err = t.New("step-questions").Parse(stepQuestionsMark)
		}
		if err == nil {
			err = checkStepFrame(t)
		}
		if err != nil {
			return nil, fmt.Errorf("web: step frame: %w", err)
		}
		sf.tmpl[l], sf.loc[l], sf.kept[l] = t, b.For(l), map[stepFrameKey]*stepFrame{}
	}
	return sf, nil
}

// stepFrame is a step page's content: texts[0], slots[0], texts[1], …,
// texts[len(slots)]; a slot is its questions, its response ID or a count.
type stepFrame struct {
	texts []string
	slots []numberSlot
}

// stepNumQuestions is the field of the slot of a frame's questions.
const stepNumQuestions = 4

// write writes the content of step page p in language l: its frame, kept
// or rendered now, around its questions rendered by t (the page's own
// template). false: p has a changed question, to be rendered whole, or
// its frame could not be cut (err says why).
func (sf *stepFrames) write(b *bytes.Buffer, l string, t *template.Template, p *stepPage) (bool, error) {
	if p.Changed != "" || sf.tmpl[l] == nil || !countsKeepTheirClass(p.Answered, p.Total, p.Missing) {
		return false, nil
	}
	key := stepFrameKey{Instrument: p.Instrument, Description: p.Description, PillarName: p.PillarName, PillarDesc: p.PillarDesc,
		Step: p.Step, Steps: p.Steps, Missing: countClass(p.Missing), Private: p.Private, FromReview: p.FromReview}
	f, err := sf.frame(l, key)
	if f == nil || err != nil {
		return false, err
	}
	if err := f.write(b, sf.loc[l], t, sf.wrap[l], p); err != nil {
		return false, err // the page renders whole (writeContent), and fails cleanly if that fails too
	}
	return true, nil
}

// write writes p's content from f, its questions by w or else by t.
func (f *stepFrame) write(b *bytes.Buffer, loc *locale.Localizer, t *template.Template, w *questionWrap, p *stepPage) error {
	for i, s := range f.slots {
		b.WriteString(f.texts[i])
		switch s.field {
		case stepNumQuestions:
			if w.writes(p) {
				w.write(b, p)
				w.written.Add(1)
			} else if err := t.ExecuteTemplate(b, "step-questions", p); err != nil {
				return err
			}
		case stepNumID:
			b.WriteString(strconv.FormatInt(p.ResponseID, 10))
		case stepNumDone:
			s.writeNumber(b, loc, int64(p.Answered))
		case stepNumTotal:
			s.writeNumber(b, loc, int64(p.Total))
		case stepNumMiss:
			s.writeNumber(b, loc, int64(p.Missing))
		}
	}
	b.WriteString(f.texts[len(f.slots)])
	return nil
}

// stepStandIn is a step page of key whose response ID is id and whose
// counts are nums' (Missing: its class's stand-in).
func stepStandIn(key stepFrameKey, id int64, nums map[int]int64) stepPage {
	return stepPage{ResponseID: id, Instrument: key.Instrument, Description: key.Description, PillarName: key.PillarName,
		PillarDesc: key.PillarDesc, Step: key.Step, Steps: key.Steps, Answered: int(nums[stepNumDone]), Total: int(nums[stepNumTotal]),
		Missing: int(countStandIn(key.Missing, nums[stepNumMiss])), Private: key.Private, FromReview: key.FromReview}
}

// frame returns key's frame in language l, rendering it the first time;
// nil when it cannot be cut (err says why, the first time only: the key
// is kept without a frame, and its pages render whole).
func (sf *stepFrames) frame(l string, key stepFrameKey) (*stepFrame, error) {
	sf.mu.Lock()
	f, ok := sf.kept[l][key]
	sf.mu.Unlock()
	if ok {
		return f, nil
	}
	sf.cuts.Add(1)
	f, err := sf.cut(l, key)
	if err != nil {
		f, err = nil, fmt.Errorf("web: step frame %+v: %w", key, err)
	}
	sf.mu.Lock()
	if len(sf.kept[l]) >= maxStepFrames {
		clear(sf.kept[l])
	}
	sf.kept[l][key] = f
	sf.mu.Unlock()
	return f, err
}

// cut renders key's content with the stand-ins, cuts it at their marks,
// and checks the frame writes what the template writes for a page of
// other counts and ID.
func (sf *stepFrames) cut(l string, key stepFrameKey) (*stepFrame, error) {
	mark := func(s numberSlot) string { return fmt.Sprintf("%s%d%dk", stepMark, s.field, boolDigit(s.grouped)) }
	out, err := execString(sf.tmpl[l], "content", stepStandIn(key, stepIDMark, stepStandIns))
	if err != nil {
		return nil, err
	}
	if strings.Count(out, stepQuestionsMark) != 1 {
		return nil, fmt.Errorf("its questions shown other than once")
	}
	out = strings.ReplaceAll(out, stepQuestionsMark, mark(numberSlot{field: stepNumQuestions}))
	out = strings.ReplaceAll(out, strconv.FormatInt(stepIDMark, 10), mark(numberSlot{field: stepNumID}))
	stand := map[int]int64{stepNumDone: stepStandIns[stepNumDone], stepNumTotal: stepStandIns[stepNumTotal]}
	if key.Missing == 2 {
		stand[stepNumMiss] = stepStandIns[stepNumMiss]
	}
	f := &stepFrame{}
	for out = markNumbers(out, sf.loc[l], stand, mark); ; {
		i := strings.Index(out, stepMark)
		if i < 0 {
			f.texts = append(f.texts, out)
			break
		}
		if len(out) < i+stepMarkLen || out[i+stepMarkLen-1] != 'k' || out[i+len(stepMark)] < '0' || out[i+len(stepMark)] > '0'+stepNumQuestions {
			return nil, fmt.Errorf("a cut mark: %.12q", out[i:])
		}
		field, grouped := int(out[i+len(stepMark)]-'0'), out[i+len(stepMark)+1] == '1'
		f.texts, f.slots = append(f.texts, out[:i]), append(f.slots, numberSlot{field: field, grouped: grouped})
		out = out[i+stepMarkLen:]
	}
	check := stepStandIn(key, stepIDCheck, stepChecks)
	want, err := execString(sf.tmpl[l], "content", check)
	if err != nil {
		return nil, err
	}
	var got bytes.Buffer
	if err := f.write(&got, sf.loc[l], sf.tmpl[l], nil, &check); err != nil || got.String() != want {
		return nil, fmt.Errorf("the frame writes other than the template for other counts (%v), from byte %d", err, differsAt(got.String(), want))
	}
	return f, nil
}

func boolDigit(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkStepFrame reports a use of the step page's data in its content
// (and the templates it calls, but its questions) that the frame's key
// does not hold: a field outside stepFrameKey and the response ID, a
// variable, a range or with (which move the data), or a template called
// with other data.
func checkStepFrame(t *template.Template) error {
	allowed := map[string]bool{"ResponseID": true}
	for f := range stepFrameFields {
		allowed[f] = f != "Questions" // Changed: always "" in a frame kept
	}
	seen := map[string]bool{"step-questions": true}
	var check func(name string) error
	var walk func(n parse.Node) error
	check = func(name string) error {
		if seen[name] {
			return nil
		}
		seen[name] = true
		if u := t.Lookup(name); u != nil && u.Tree != nil {
			return walk(u.Tree.Root)
		}
		return nil
	}
	walk = func(n parse.Node) error {
		switch n := n.(type) {
		case *parse.ListNode:
			for _, c := range n.Nodes {
				if err := walk(c); err != nil {
					return err
				}
			}
		case *parse.ActionNode:
			if err := checkCountUses(n.Pipe, false, stepCountValues, stepCountClasses); err != nil {
				return err
			}
			return frameFields(n.Pipe, allowed)
		case *parse.IfNode:
			if err := frameFields(n.Pipe, allowed); err != nil {
				return err
			}
			if err := checkCountUses(n.Pipe, true, stepCountValues, stepCountClasses); err != nil {
				return err
			}
			if err := walk(n.List); err != nil {
				return err
			}
			if n.ElseList != nil {
				return walk(n.ElseList)
			}
		case *parse.TemplateNode:
			if n.Pipe == nil || len(n.Pipe.Cmds) != 1 || len(n.Pipe.Cmds[0].Args) != 1 || n.Pipe.Cmds[0].Args[0].Type() != parse.NodeDot {
				return fmt.Errorf("%s: a template called with other data than the page's", n)
			}
			return check(n.Name)
		case *parse.TextNode, *parse.CommentNode:
		default:
			return fmt.Errorf("%s: not known to the step frame", n)
		}
		return nil
	}
	return check("content")
}

// frameFields reports a field of p not allowed, or a variable.
func frameFields(p *parse.PipeNode, allowed map[string]bool) error {
	if len(p.Decl) > 0 {
		return fmt.Errorf("%s: a variable", p)
	}
	for _, c := range p.Cmds {
		for _, a := range c.Args {
			switch a := a.(type) {
			case *parse.FieldNode:
				if f := strings.Join(a.Ident, "."); !allowed[f] {
					return fmt.Errorf("%s: the field %s is not in the step frame's key", p, f)
				}
			case *parse.PipeNode:
				if err := frameFields(a, allowed); err != nil {
					return err
				}
			case *parse.ChainNode, *parse.VariableNode, *parse.DotNode:
				return fmt.Errorf("%s: not known to the step frame", p)
			}
		}
	}
	return nil
}
