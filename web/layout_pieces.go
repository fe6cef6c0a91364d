package web

import (
	"bytes"
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"dxready/auth"
	"dxready/locale"
)

// The shared layout (layouts/base.html and partials/header.html) runs some
// 35 template actions around every page's content, each a reflective call,
// and was the largest part of a step page's rendering. Its output depends
// on a few branches (the shape: demo or not, signed in or not, address
// confirmed or not, a flash or not, how many links and which is current)
// and a few values (the language, the page's addresses, title, flash,
// the user's address, each link's address and label). So for each page,
// language and shape the layout is rendered once, with stand-in marks for
// the values and the content, and cut at the marks into pieces; a page is
// then its pieces joined with its values, escaped as html/template escapes
// them there (layout_escape.go, chosen by probes), around its content,
// which its own template renders as the layout would call it. The
// templates still write every byte; a layout that uses more of the page
// than the shape and the values (checkLayout) or a piece that cannot be
// cut renders whole, as before.

// layoutShape is what the layout branches on.
type layoutShape struct {
	demo, user, verified, flash bool
	nav                         int
	current                     uint64 // bit i: link i is the current page
}

// Slots: the values a piece can be followed by, each written as a mark
// "dxslotNNk" (the value itself) or "dxslotNNt" (t of it) where the
// layout is rendered once.
const (
	layoutLang = iota
	layoutOtherLang
	layoutHere
	layoutLangURL
	layoutTitle
	layoutEmail
	layoutFlash
	layoutHref    = 10 // + the link's index
	layoutLabel   = 40 // + the link's index
	layoutContent = 99 // the page's content
	maxNav        = layoutLabel - layoutHref
	// maxLayoutShapes bounds the pieces kept for one page and language; a
	// shape past it renders whole (there are some 30 in all).
	maxLayoutShapes = 256
	layoutMark      = "dxslot"
	contentMark     = layoutMark + "99c"
	// layoutProbe starts a probe: t gives the rest (layoutSkeleton.probe).
	layoutProbe = "dxprobe"
)

// layoutSlot is one value between two pieces.
type layoutSlot struct {
	field      int
	translated bool // t of the value
	esc        int  // its escaper: layoutEscapers[esc-1]; 0 before the probes
}

// layoutSkeleton is a page of one shape: texts[0], slots[0], texts[1], …,
// texts[len(slots)].
type layoutSkeleton struct {
	texts []string
	slots []layoutSlot
}

// layoutPieces is one page's layout in one language: a copy of the page's
// templates that renders the content as its mark and passes marks through
// t, and the pieces of each shape seen, cut from it.
type layoutPieces struct {
	tmpl   *template.Template
	loc    *locale.Localizer
	off    error // why this page renders whole (checkLayout), or nil
	mu     sync.RWMutex
	shapes map[layoutShape]*layoutSkeleton // nil: the shape could not be cut, it renders whole
}

// layoutSource is what the layout of page template t runs: "base" and
// the templates it calls, but the content, written out; pages whose
// layouts run the same share one layoutPieces (most pages: only the
// scripts and width of some differ).
func layoutSource(t *template.Template) string {
	used := map[string]bool{}
	checkLayout(t, "base", used)
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(used)) {
		if u := t.Lookup(name); u != nil && u.Tree != nil {
			fmt.Fprintf(&b, "{{define %q}}%s{{end}}", name, u.Tree.Root)
		}
	}
	return b.String()
}

// newLayoutPieces copies, from page template t, parsed once per process
// and never run (parsedPages), with funcs for l bound to the copy, the
// templates the layout runs ("base" and those it
// calls, but the content): a copy of the page's whole set, partials and
// all, held some 15 MB for the 126 pages.
func newLayoutPieces(t *template.Template, l *locale.Localizer, funcs template.FuncMap) (*layoutPieces, error) {
	used := map[string]bool{}
	off := checkLayout(t, "base", used)
	c := template.New("base").Funcs(funcs).Funcs(template.FuncMap{"t": func(id string, kv ...any) string {
		if len(kv) == 0 {
			if rest, ok := strings.CutPrefix(id, layoutProbe); ok {
				return rest
			}
			if strings.HasPrefix(id, layoutMark) && strings.HasSuffix(id, "k") {
				return strings.TrimSuffix(id, "k") + "t"
			}
		}
		return l.T(id, kv...)
	}})
	for name := range used {
		if u := t.Lookup(name); u != nil && u.Tree != nil {
			if _, err := c.AddParseTree(name, u.Tree.Copy()); err != nil {
				return nil, err
			}
		}
	}
	if _, err := c.New("content").Parse(contentMark); err != nil {
		return nil, err
	}
	if off == nil {
		off = checkLayout(c, "base", map[string]bool{})
	}
	return &layoutPieces{tmpl: c, loc: l, off: off, shapes: map[layoutShape]*layoutSkeleton{}}, nil
}

// shapeOf is p's shape; false when it has more links than slots.
func shapeOf(p *page) (layoutShape, bool) {
	sh := layoutShape{demo: p.Demo, user: p.User != nil, flash: p.Flash != "", nav: len(p.Nav)}
	if p.User != nil {
		sh.verified = p.User.EmailVerified
	}
	for i, n := range p.Nav {
		if n.Current {
			sh.current |= 1 << i
		}
	}
	return sh, len(p.Nav) <= maxNav
}

// has reports whether a page of shape sh has slot field.
func (sh layoutShape) has(field int) bool {
	switch {
	case field <= layoutLangURL || field == layoutTitle || field == layoutContent:
		return true
	case field == layoutEmail:
		return sh.user
	case field == layoutFlash:
		return sh.flash
	}
	return field >= layoutHref && field < layoutHref+sh.nav || field >= layoutLabel && field < layoutLabel+sh.nav
}

// skeleton returns the pieces of shape sh, cutting them the first time;
// nil when they cannot be cut (err says why, the first time only).
func (lp *layoutPieces) skeleton(sh layoutShape) (*layoutSkeleton, error) {
	lp.mu.RLock()
	sk, ok := lp.shapes[sh]
	lp.mu.RUnlock()
	if ok {
		return sk, nil
	}
	sk, err := lp.cut(sh)
	lp.mu.Lock()
	if len(lp.shapes) < maxLayoutShapes {
		lp.shapes[sh] = sk
	}
	lp.mu.Unlock()
	return sk, err
}

// standIn is a page of shape sh whose every value is value(slot).
func standIn(sh layoutShape, value func(slot int) string) page {
	p := page{Lang: value(layoutLang), OtherLang: value(layoutOtherLang), Here: value(layoutHere), LangURL: value(layoutLangURL),
		Title: value(layoutTitle), Demo: sh.demo}
	if sh.flash {
		p.Flash = value(layoutFlash)
	}
	if sh.user {
		p.User = &auth.User{Email: value(layoutEmail), EmailVerified: sh.verified}
	}
	for i := range sh.nav {
		p.Nav = append(p.Nav, navItem{Href: value(layoutHref + i), Label: value(layoutLabel + i), Current: sh.current&(1<<i) != 0})
	}
	return p
}

// cut renders the layout of shape sh with marks, cuts it at them, and
// chooses each value's escaper by rendering it with probes.
func (lp *layoutPieces) cut(sh layoutShape) (*layoutSkeleton, error) {
	if lp.off != nil {
		return nil, nil // logged at the start (reportLayouts)
	}
	out, err := execString(lp.tmpl, "base", standIn(sh, func(slot int) string { return fmt.Sprintf("%s%02dk", layoutMark, slot) }))
	if err != nil {
		return nil, err
	}
	sk, err := cutMarks(out)
	if err != nil {
		return nil, err
	}
	for _, s := range sk.slots {
		if !sh.has(s.field) {
			return nil, fmt.Errorf("web: layout %v: a value it does not have: %d", sh, s.field)
		}
	}
	for _, pr := range layoutProbes {
		out, err := execString(lp.tmpl, "base", standIn(sh, func(int) string { return layoutProbe + pr }))
		if err != nil {
			return nil, err
		}
		if err := sk.probe(out, pr); err != nil {
			return nil, fmt.Errorf("web: layout %v: %w", sh, err)
		}
	}
	return sk, nil
}

// cutMarks cuts out, the layout rendered with marks, into its pieces.
func cutMarks(out string) (*layoutSkeleton, error) {
	sk, contents := &layoutSkeleton{}, 0
	for {
		i := strings.Index(out, layoutMark)
		if i < 0 {
			sk.texts = append(sk.texts, out)
			break
		}
		if len(out) < i+len(contentMark) {
			return nil, fmt.Errorf("web: layout: a cut mark: %q", out[i:])
		}
		field, err := strconv.Atoi(out[i+len(layoutMark) : i+len(contentMark)-1])
		kind := out[i+len(contentMark)-1]
		switch {
		case err != nil || field < 0 || (kind != 'k' && kind != 't' && kind != 'c') || (kind == 'c') != (field == layoutContent):
			return nil, fmt.Errorf("web: layout: a cut mark: %q", out[i:i+len(contentMark)])
		case kind == 'c':
			contents++
		}
		sk.texts = append(sk.texts, out[:i])
		sk.slots = append(sk.slots, layoutSlot{field: field, translated: kind == 't'})
		out = out[i+len(contentMark):]
	}
	if contents != 1 {
		return nil, fmt.Errorf("web: layout: the content shown %d times", contents)
	}
	return sk, nil
}

// layoutProbes are values that tell the escapers apart: a scheme that
// html/template's URL filter refuses, and every character one of them
// changes (NUL, quotes, markup, '+', '%' valid or not, spaces, non-ASCII).
var layoutProbes = []string{"javascript:alert(1)<b>", "/a b?c=\"x'&d=<é>+%41%zz#f\x00\xff"}

// escapedAs finds which of escapers wrote probe v at the start of out,
// followed by the piece next: its number (1-based) and the length it
// wrote. want, when not 0, is the one number accepted (the escaper chosen
// by an earlier probe). b is scratch.
func escapedAs(escapers []layoutEscaper, b *bytes.Buffer, out, v, next string, want int) (esc, n int, ok bool) {
	for e, write := range escapers {
		b.Reset()
		write(b, v)
		if strings.HasPrefix(out, b.String()+next) && (want == 0 || want == e+1) {
			return e + 1, b.Len(), true
		}
	}
	return 0, 0, false
}

// probe checks out, the layout rendered with every value layoutProbe+pr,
// against the pieces, and chooses (or, already chosen, checks) each
// value's escaper: the one that writes what html/template wrote there.
func (sk *layoutSkeleton) probe(out, pr string) error {
	var b bytes.Buffer
	for i := range sk.slots {
		s := &sk.slots[i]
		if !strings.HasPrefix(out, sk.texts[i]) {
			return fmt.Errorf("the piece before value %d changed with the values", i)
		}
		out = out[len(sk.texts[i]):]
		if s.field == layoutContent {
			out = strings.TrimPrefix(out, contentMark)
			continue
		}
		v := layoutProbe + pr
		if s.translated {
			v = pr
		}
		esc, n, found := escapedAs(layoutEscapers, &b, out, v, sk.texts[i+1], s.esc)
		if !found {
			return fmt.Errorf("value %d (slot %d) is escaped as none of the layout's escapers do", i, s.field)
		}
		s.esc, out = esc, out[n:]
	}
	if out != sk.texts[len(sk.slots)] {
		return fmt.Errorf("the last piece changed with the values")
	}
	return nil
}

// write writes page p's layout around its content (written by content).
func (sk *layoutSkeleton) write(b *bytes.Buffer, p *page, loc *locale.Localizer, content func() error) error {
	for i, s := range sk.slots {
		b.WriteString(sk.texts[i])
		if s.field == layoutContent {
			if err := content(); err != nil {
				return err
			}
			continue
		}
		v := layoutValue(p, s.field)
		if s.translated {
			v = loc.T(v)
		}
		layoutEscapers[s.esc-1](b, v)
	}
	b.WriteString(sk.texts[len(sk.slots)])
	return nil
}

// layoutValue is slot field of page p (of the skeleton's shape).
func layoutValue(p *page, field int) string {
	switch {
	case field == layoutLang:
		return p.Lang
	case field == layoutOtherLang:
		return p.OtherLang
	case field == layoutHere:
		return p.Here
	case field == layoutLangURL:
		return p.LangURL
	case field == layoutTitle:
		return p.Title
	case field == layoutEmail:
		return p.User.Email
	case field == layoutFlash:
		return p.Flash
	case field >= layoutHref && field < layoutHref+len(p.Nav):
		return p.Nav[field-layoutHref].Href
	case field >= layoutLabel && field < layoutLabel+len(p.Nav):
		return p.Nav[field-layoutLabel].Label
	}
	return ""
}
