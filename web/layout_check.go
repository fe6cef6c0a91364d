package web

import (
	"fmt"
	"html/template"
	"strings"
	"text/template/parse"
)

// The layout's pieces are rendered once per shape (layoutShape) with
// stand-ins for the values that change from request to request, so they
// are right only while the layout branches on nothing but what the shape
// holds and shows nothing but the values layoutValue gives. checkLayout
// reads the templates the layout runs (everything "base" calls but the
// page's content) and refuses any other use of the page's data: a
// template edit that needs more makes the page render whole, as before,
// rather than wrong.

// layoutShown are the fields the layout may show (printed, or the one
// argument of t); layoutBranched those it may branch or range on.
var (
	layoutShown = map[string]bool{"Lang": true, "OtherLang": true, "Here": true, "LangURL": true, "Title": true, "User.Email": true,
		"Flash": true, "Href": true, "Label": true}
	layoutBranched = map[string]bool{"Demo": true, "User": true, "User.EmailVerified": true, "Flash": true, "Nav": true, "Current": true}
)

// checkLayout reports the first use of data in template name of t (and the
// templates it calls, but "content") that the pieces cannot reproduce.
func checkLayout(t *template.Template, name string, seen map[string]bool) error {
	if name == "content" || seen[name] {
		return nil
	}
	seen[name] = true
	tt := t.Lookup(name)
	if tt == nil || tt.Tree == nil {
		return nil // an undefined block renders nothing
	}
	return checkLayoutNode(t, tt.Tree.Root, seen)
}

func checkLayoutNode(t *template.Template, n parse.Node, seen map[string]bool) error {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := checkLayoutNode(t, c, seen); err != nil {
				return err
			}
		}
	case *parse.ActionNode:
		return checkShown(n.Pipe)
	case *parse.IfNode:
		return checkBranch(t, &n.BranchNode, seen)
	case *parse.RangeNode:
		return checkBranch(t, &n.BranchNode, seen)
	case *parse.WithNode:
		return checkBranch(t, &n.BranchNode, seen)
	case *parse.TemplateNode:
		if n.Pipe != nil && (len(n.Pipe.Cmds) != 1 || len(n.Pipe.Cmds[0].Args) != 1 || n.Pipe.Cmds[0].Args[0].Type() != parse.NodeDot) {
			return fmt.Errorf("%s: a template called with other data than the page's", n)
		}
		return checkLayout(t, n.Name, seen)
	case *parse.TextNode, *parse.CommentNode, *parse.BreakNode, *parse.ContinueNode:
	default:
		return fmt.Errorf("%s: not known to the layout's pieces", n)
	}
	return nil
}

func checkBranch(t *template.Template, b *parse.BranchNode, seen map[string]bool) error {
	if len(b.Pipe.Decl) > 0 {
		return fmt.Errorf("%s: a variable", b)
	}
	if err := fieldsIn(b.Pipe, layoutBranched); err != nil {
		return err
	}
	if err := checkLayoutNode(t, b.List, seen); err != nil {
		return err
	}
	return checkLayoutNode(t, b.ElseList, seen)
}

// checkShown accepts an action that prints a field or constant, or calls
// a function on constants, or t on one field.
func checkShown(p *parse.PipeNode) error {
	if len(p.Decl) > 0 || len(p.Cmds) != 1 {
		return fmt.Errorf("%s: only one command", p)
	}
	args := p.Cmds[0].Args
	if id, ok := args[0].(*parse.IdentifierNode); ok && id.Ident == "t" && len(args) == 2 {
		args = args[1:]
	} else if len(args) > 1 {
		return fieldsIn(p, nil) // a function on constants only
	}
	if args[0].Type() == parse.NodeDot || args[0].Type() == parse.NodeVariable {
		return fmt.Errorf("%s: the page's data printed whole", p)
	}
	return fieldsIn(p, layoutShown)
}

// fieldsIn reports a field of n not in allowed (no field at all when
// allowed is nil), or any variable but $ alone.
func fieldsIn(n parse.Node, allowed map[string]bool) error {
	var err error
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.PipeNode:
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.FieldNode:
			if f := strings.Join(n.Ident, "."); !allowed[f] && err == nil {
				err = fmt.Errorf("%s: the field %s is not one of the layout's", n, f)
			}
		case *parse.ChainNode, *parse.VariableNode:
			if err == nil {
				err = fmt.Errorf("%s: not known to the layout's pieces", n)
			}
		}
	}
	walk(n)
	return err
}
