package web

import (
	"bytes"
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"sync"
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
// the response ID, by all it shows but the ID; a page with a "changed"
// question (a value from the address) renders whole. stepFrameFields
// lists the fields the key holds: TestStepFrameKeyHoldsEveryFieldOfTheStepPage
// fails when stepPage gains one, checkStepFrame when the template shows one
// the key does not hold.

// stepFrameKey is what a step page's content shows, but its questions and
// response ID.
type stepFrameKey struct {
	Instrument, Description, PillarName, PillarDesc string
	Step, Steps, Answered, Total, Missing           int
	Private, FromReview                             bool
}

// stepFrameFields are stepPage's fields in stepFrameKey, and those the
// frame cuts out.
var stepFrameFields = map[string]bool{"Instrument": true, "Description": true, "PillarName": true, "PillarDesc": true, "Step": true,
	"Steps": true, "Answered": true, "Total": true, "Missing": true, "Private": true, "FromReview": true,
	"ResponseID": true, "Questions": true, "Changed": true}

// Cut marks of a frame: its questions, and its response ID.
const (
	stepQuestionsMark       = "dxready:step-questions"
	stepIDMark        int64 = 987654321098765431
	maxStepFrames           = 4096 // a language; cleared when full
)

// stepFrames keeps step pages' contents around their questions.
type stepFrames struct {
	tmpl map[string]*template.Template // by language: the step page, its questions a mark
	mu   sync.Mutex
	kept map[string]map[stepFrameKey]*stepFrame // by language
}

// newStepFrames parses the step page for each language with its questions
// a mark, with the functions its pages have.
func newStepFrames(b *locale.Bundle, assets *static.Assets) (*stepFrames, error) {
	sf := &stepFrames{tmpl: map[string]*template.Template{}, kept: map[string]map[stepFrameKey]*stepFrame{}}
	for _, l := range locale.Languages {
		funcs := templateFuncs(b.For(l), assets)
		funcs["t"] = newKeptMessages(b, l).t
		t, err := parseCommon(funcs)
		if err == nil {
			t, err = parsePage(t, "pages/assessment_step.html")
		}
		if err == nil {
			_, err = t.New("step-questions").Parse(stepQuestionsMark)
		}
		if err == nil {
			err = checkStepFrame(t)
		}
		if err != nil {
			return nil, fmt.Errorf("web: step frame: %w", err)
		}
		sf.tmpl[l], sf.kept[l] = t, map[stepFrameKey]*stepFrame{}
	}
	return sf, nil
}

// stepFrame is a step page's content before and after its questions,
// each cut at the response ID.
type stepFrame struct{ before, after []string }

// write writes the content of step page p in language l: its frame, kept
// or rendered now, around its questions rendered by t (the page's own
// template). false: p has a changed question, to be rendered whole.
func (sf *stepFrames) write(b *bytes.Buffer, l string, t *template.Template, p *stepPage) (bool, error) {
	if p.Changed != "" || sf.tmpl[l] == nil {
		return false, nil
	}
	key := stepFrameKey{Instrument: p.Instrument, Description: p.Description, PillarName: p.PillarName, PillarDesc: p.PillarDesc,
		Step: p.Step, Steps: p.Steps, Answered: p.Answered, Total: p.Total, Missing: p.Missing, Private: p.Private, FromReview: p.FromReview}
	f, err := sf.frame(l, key)
	if err != nil {
		return false, err
	}
	id := strconv.FormatInt(p.ResponseID, 10)
	writeJoined(b, f.before, id)
	if err := t.ExecuteTemplate(b, "step-questions", p); err != nil {
		return false, err
	}
	writeJoined(b, f.after, id)
	return true, nil
}

func writeJoined(b *bytes.Buffer, pieces []string, sep string) {
	for i, piece := range pieces {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(piece)
	}
}

// frame returns key's frame in language l, rendering it the first time.
func (sf *stepFrames) frame(l string, key stepFrameKey) (*stepFrame, error) {
	sf.mu.Lock()
	f, ok := sf.kept[l][key]
	sf.mu.Unlock()
	if ok {
		return f, nil
	}
	p := stepPage{ResponseID: stepIDMark, Instrument: key.Instrument, Description: key.Description, PillarName: key.PillarName,
		PillarDesc: key.PillarDesc, Step: key.Step, Steps: key.Steps, Answered: key.Answered, Total: key.Total, Missing: key.Missing,
		Private: key.Private, FromReview: key.FromReview}
	out, err := execString(sf.tmpl[l], "content", p)
	if err != nil {
		return nil, err
	}
	before, after, ok := strings.Cut(out, stepQuestionsMark)
	if !ok || strings.Contains(after, stepQuestionsMark) {
		return nil, fmt.Errorf("web: step frame: its questions shown other than once")
	}
	id := strconv.FormatInt(stepIDMark, 10)
	f = &stepFrame{before: strings.Split(before, id), after: strings.Split(after, id)}
	sf.mu.Lock()
	if len(sf.kept[l]) >= maxStepFrames {
		clear(sf.kept[l])
	}
	sf.kept[l][key] = f
	sf.mu.Unlock()
	return f, nil
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
			return frameFields(n.Pipe, allowed)
		case *parse.IfNode:
			if err := frameFields(n.Pipe, allowed); err != nil {
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
