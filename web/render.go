package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"dxready/auth"
	"dxready/disclosure"
	"dxready/locale"
	"dxready/static"
	"dxready/store"
	"dxready/templates"
)

// pageSet holds every page template by language, each bound to the
// server's functions for that language.
//
// STYLE.md asks for `t` bound per request on a clone of the parsed set.
// With two languages we instead bind each page once per language: the same
// isolation (a request never touches another language's funcs), no
// per-request Clone cost. The pages are parsed once per process
// (parsedPages); a server clones a page and binds its functions the first
// time it runs it (boundPage), so a server that shows a few pages (a test)
// copies a few, not all 126.
type pageSet struct {
	byLang map[string]map[string]*boundPage
	// layouts: each page's layout in pieces, by language and page
	// (layout_pieces.go).
	layouts map[string]map[string]*layoutPieces
}

// page is page name in language l, bound to the server's functions.
func (ps *pageSet) page(l, name string) (*template.Template, error) {
	p, ok := ps.byLang[l][name]
	if !ok {
		return nil, fmt.Errorf("web: no page %q", name)
	}
	return p.get()
}

// boundPage is a parsed page, cloned and bound to a server's functions
// for one language on its first use.
type boundPage struct {
	once   sync.Once
	parsed *template.Template // shared by every server: never run, only cloned
	funcs  template.FuncMap
	tmpl   *template.Template
	err    error
}

func (p *boundPage) get() (*template.Template, error) {
	p.once.Do(func() { p.tmpl, p.err = bindPage(p.parsed, p.funcs) })
	return p.tmpl, p.err
}

// bindPage is a clone of parsed page t with funcs bound: the clone's
// functions are its own, so binding them leaves t, and every other
// server's clone, as they were (TestServersBindTheirOwnFunctions).
func bindPage(t *template.Template, funcs template.FuncMap) (*template.Template, error) {
	c, err := t.Clone()
	if err != nil {
		return nil, err
	}
	return c.Funcs(funcs), nil
}

// parsedPage is a page file parsed over the layout and the partials, and
// the source of the templates its layout runs (layoutSource).
type parsedPage struct {
	tmpl   *template.Template
	layout string
}

// parsedPages are every page, by name, parsed once per process: parsing
// them was most of New's time, and New runs once per server, so once per
// web test. They are parsed with unbound functions and never run: New
// clones them and binds each clone to its own functions (boundPage).
var parsedPages = sync.OnceValues(parseAllPages)

func parseAllPages() (map[string]*parsedPage, error) {
	names, err := fs.Glob(templates.FS, "pages/*.html")
	if err != nil {
		return nil, err
	}
	common, err := parseCommon(unboundFuncs())
	if err != nil {
		return nil, err
	}
	whole := map[string]*template.Template{}
	for _, n := range names {
		if whole[n], err = parsePage(common, n); err != nil {
			return nil, fmt.Errorf("web: template %s: %w", n, err)
		}
	}
	goOnly := uncalledPartials(common, slices.Collect(maps.Values(whole)))
	pages := map[string]*parsedPage{}
	for _, n := range names {
		t, err := prunePage(whole[n], n, goOnly) // render_prune.go
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", n, err)
		}
		pages[strings.TrimSuffix(path.Base(n), ".html")] = &parsedPage{tmpl: t, layout: layoutSource(t)}
	}
	return pages, nil
}

// unboundFuncs are templateFuncs' names, for parsing: each fails when
// called, so a page run without its server's functions bound fails
// rather than rendering something else.
func unboundFuncs() template.FuncMap {
	funcs := templateFuncs(nil, nil)
	for name := range funcs {
		funcs[name] = func(...any) (string, error) {
			return "", fmt.Errorf("web: template function %q is not bound to a server", name)
		}
	}
	return funcs
}

func parsePages(b *locale.Bundle, assets *static.Assets) (*pageSet, error) {
	parsed, err := parsedPages()
	if err != nil {
		return nil, err
	}
	ps := &pageSet{byLang: map[string]map[string]*boundPage{}, layouts: map[string]map[string]*layoutPieces{}}
	for _, l := range locale.Languages {
		ps.byLang[l], ps.layouts[l] = map[string]*boundPage{}, map[string]*layoutPieces{}
		funcs := serverFuncs(b, l, assets)
		layouts := map[string]*layoutPieces{} // by layoutSource
		for _, name := range slices.Sorted(maps.Keys(parsed)) {
			p := parsed[name]
			ps.byLang[l][name] = &boundPage{parsed: p.tmpl, funcs: funcs}
			if layouts[p.layout] == nil {
				if layouts[p.layout], err = newLayoutPieces(p.tmpl, b.For(l), funcs); err != nil { // copies, never runs, p.tmpl
					return nil, fmt.Errorf("web: layout of %s: %w", name, err)
				}
			}
			ps.layouts[l][name] = layouts[p.layout]
		}
	}
	return ps, nil
}

// serverFuncs are the template functions of a server in language l.
func serverFuncs(b *locale.Bundle, l string, assets *static.Assets) template.FuncMap {
	funcs := templateFuncs(b.For(l), assets)
	funcs["t"] = newKeptMessages(b, l).t // messages with arguments kept (layout_t.go)
	return funcs
}

// parseCommon parses the layout and the partials, which every page
// shares: each page is then parsed into a clone of them (parsePage),
// rather than parsing the 12 shared files again for each of the 63 pages.
// The common set is never run, so it can be cloned.
func parseCommon(funcs template.FuncMap) (*template.Template, error) {
	t, err := template.New("base").Funcs(funcs).ParseFS(templates.FS, "layouts/base.html", "partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: layout and partials: %w", err)
	}
	return t, nil
}

// parsePage parses page file n into a clone of common: the same set of
// templates, with the same trees, as parsing the layout, the partials and
// n together (TestPagesParsedOnCommonAreParsedWhole).
func parsePage(common *template.Template, n string) (*template.Template, error) {
	t, err := common.Clone()
	if err != nil {
		return nil, err
	}
	return t.ParseFS(templates.FS, n)
}

func templateFuncs(l *locale.Localizer, assets *static.Assets) template.FuncMap {
	return template.FuncMap{
		"t":           l.T,
		"minGroup":    func() int { return disclosure.MinGroup }, // the one rule, reflected in the messages that state it
		"statedRoles": func() []string { return auth.StatedRoles },
		"num":         func(n any) string { return l.Int(toInt64(n)) },
		"vnd":         l.VND,
		"date":        l.Date,
		"datetime":    l.DateTime,
		"asset": func(name string) (string, error) {
			if u := assets.URL(name); u != "" {
				return u, nil
			}
			return "", fmt.Errorf("no asset %q", name)
		},
		"add":    func(a, b int) int { return a + b },
		"score":  func(f float64) string { return l.Decimal(f, 1) },
		"signed": func(f float64) string { return signedDecimal(l, f) },
		// resetTarget is the data of the "reset-button" partial.
		"resetTarget": func(id int64, next string) resetButton { return resetButton{ID: id, Next: next} },
	}
}

// signedDecimal writes f to one decimal with its sign, "+" when positive:
// a change of score.
func signedDecimal(l *locale.Localizer, f float64) string {
	if f > 0 {
		return "+" + l.Decimal(f, 1)
	}
	return l.Decimal(f, 1)
}

func toInt64(n any) int64 {
	switch v := n.(type) {
	case int:
		return int64(v)
	case int64:
		return v
	}
	return 0
}

// page is what every page's data embeds.
type page struct {
	Lang      string
	OtherLang string
	Here      string // this page's local URL (see localURL), where the language form returns to
	LangURL   string // this page in the other language
	User      *auth.User
	Nav       []navItem
	Path      string
	Flash     string // message ID
	Demo      bool
	Title     string // message ID of the page title
}

type navItem struct {
	Href, Label string // Label is a message ID
	Current     bool
}

func (s *Server) newPage(w http.ResponseWriter, r *http.Request, title string) page {
	l := lang(r)
	other := locale.EN
	if l == locale.EN {
		other = locale.VI
	}
	u, at := currentUser(r), pageURL(r)
	p := page{Lang: l, OtherLang: other, Here: localURL(at, ""), LangURL: localURL(at, other), User: u, Path: r.URL.Path,
		Flash: s.takeFlash(w, r), Demo: s.cfg.Demo, Title: title}
	p.Nav = navFor(u, r.URL.Path)
	if closed, err := s.claimClosed(r.Context(), u); err != nil {
		s.log.Error("nav: claim status", "user", u.ID, "err", err)
	} else if closed { // a rejected or revoked claimant has no assessment
		p.Nav = withoutAssessment(p.Nav)
	}
	return p
}

// pageURL is the page r shows: its own URL, or for a form re-rendered
// after a POST the page the form was on (formPageURL).
func pageURL(r *http.Request) *url.URL {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return formPageURL(r)
	}
	return r.URL
}

// formPageURL is, for a form re-rendered after a POST, the page the form
// was on (a same-origin Referer), so that switching language there does
// not GET an address that only takes POST; "/" when unknown.
func formPageURL(r *http.Request) *url.URL {
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && ref.Host != "" {
		return ref
	}
	return &url.URL{Path: "/"}
}

// localURL is u as a link on this site: its path, escaped and starting with
// exactly one "/" (never a scheme-relative "//host" or an absolute URL,
// whatever the request line held), and its query with lang set to lang
// (removed when lang is "").
func localURL(u *url.URL, lang string) string {
	p := (&url.URL{Path: "/" + strings.TrimLeft(u.Path, `/\`)}).EscapedPath()
	q := u.Query()
	q.Del("lang")
	if lang != "" {
		q.Set("lang", lang)
	}
	if len(q) == 0 {
		return p
	}
	return p + "?" + q.Encode()
}

// navFor lists the links a user's role leads to.
func navFor(u *auth.User, current string) []navItem {
	items := []navItem{{Href: "/", Label: "nav.home"}}
	if u == nil { // the public's one destination besides the home page
		items = append(items, navItem{Href: "/data", Label: "nav.data"})
	}
	if u != nil && u.Status == auth.StatusActive && !auth.EnrolmentDue(u) { // enrolment first: no links that lead back to it
		switch u.Role {
		case auth.RoleFirm:
			items = append(items, navItem{Href: "/assessment", Label: "nav.assessment"})
			if own := (auth.Target{FirmID: u.FirmID}); auth.Can(u, auth.ActAdvisorBook, own) { // not for an open claim
				items = append(items, navItem{Href: "/advisors", Label: "nav.advisors"})
			}
			if auth.Can(u, auth.ActBookingView, auth.Target{FirmID: u.FirmID}) {
				items = append(items, navItem{Href: "/bookings", Label: "nav.bookings"})
			}
			items = append(items, navItem{Href: "/profile", Label: "nav.profile"})
		case auth.RoleAdvisor:
			items = append(items, navItem{Href: "/schedule", Label: "nav.schedule"}, navItem{Href: "/bookings", Label: "nav.bookings"},
				navItem{Href: "/advisors/" + strconv.FormatInt(u.ID, 10) + "/edit", Label: "nav.my_profile"})
		case auth.RoleLead:
			items = append(items, navItem{Href: "/associations", Label: "nav.associations"})
		case auth.RoleAdmin:
			items = append(items, navItem{Href: "/center", Label: "nav.center"}, navItem{Href: "/associations", Label: "nav.associations"}, navItem{Href: "/admin/firms", Label: "nav.firms"},
				navItem{Href: "/admin/import", Label: "nav.import"}, navItem{Href: "/bookings", Label: "nav.bookings"},
				navItem{Href: "/admin/advisors", Label: "nav.admin_advisors"}, navItem{Href: "/admin/outbox", Label: "nav.outbox"},
				navItem{Href: "/admin/claims", Label: "nav.claims"})
		}
	}
	for i := range items {
		items[i].Current = items[i].Href == current || (items[i].Href != "/" && strings.HasPrefix(current, items[i].Href+"/"))
	}
	return items
}

// render executes page name into a buffer first, so a template error
// becomes a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	t, err := s.pages.page(lang(r), name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	buf := getBuffer()
	defer putBuffer(buf)
	joined := s.renderJoined(buf, r, t, name, data)
	if !joined {
		buf.Reset()
		if err := t.ExecuteTemplate(buf, "base", data); err != nil {
			s.fail(w, r, fmt.Errorf("web: render %s: %w", name, err))
			return
		}
	}
	if joined && s.layoutCheck != nil { // tests: the page as the whole template renders it
		var whole bytes.Buffer
		err := t.ExecuteTemplate(&whole, "base", data)
		s.layoutCheck(name, buf.String(), whole.String(), err)
	}
	s.writePage(w, r, status, buf)
}

// writePage sends a rendered page with its length: net/http then writes it
// whole rather than in chunks (one write fewer a page, and no chunk frames).
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, status int, buf *bytes.Buffer) {
	endReads(r) // the reads are done: no view held while the client reads
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	s.written(r, err)
}

// Pages are rendered into buffers taken from a pool: a page is 10-40 kB,
// and a buffer grown from nothing for each one was a tenth of the
// rendering's time and much of the garbage of the load tool's firm cycle.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer is the largest buffer put back: a rare huge page (a long
// list) does not stay in memory for ever.
const maxPooledBuffer = 256 << 10

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	buffers.Put(b)
}

type errorPage struct {
	page
	Status  int
	Message string // message ID
}

// renderError shows a localized error page with status.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, messageID string) {
	p := errorPage{page: s.newPage(w, r, "page.error.title"), Status: status, Message: messageID}
	var buf bytes.Buffer
	t, err := s.pages.page(lang(r), "error")
	if err == nil {
		err = t.ExecuteTemplate(&buf, "base", p)
	}
	if err != nil {
		s.log.Error("error page failed", "status", status, "err", err)
		http.Error(w, http.StatusText(status), status) // the error page itself failed
		return
	}
	s.writePage(w, r, status, &buf)
}

// errForbidden is returned by handlers when Can says no.
var errForbidden = errors.New("web: forbidden")

// fail is the one place an error becomes a response: not found → 404,
// forbidden → 403, conflict → 409, anything else a generic, localized 500.
// err.Error() never reaches the client. A refusal (4xx) is logged at info
// with its reason, a failure (5xx) at error; a client that went away is
// neither: it gets no answer and a debug line.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if gone, cause := clientGone(r, err); gone {
		s.log.Log(r.Context(), cause, "client went away", "method", r.Method, "path", r.URL.Path, "err", err)
		return
	}
	status, msg := errorStatus(err)
	attrs := []any{"method", r.Method, "path", r.URL.Path, "user", userID(r), "status", status, "err", err}
	if status >= 500 {
		s.log.Error("request failed", attrs...)
	} else {
		s.log.Info("request refused", attrs...)
	}
	s.renderError(w, r, status, msg)
}

// errorStatus is the table from an error to its status and message ID.
func errorStatus(err error) (int, string) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "error.not_found"
	case errors.Is(err, errForbidden):
		return http.StatusForbidden, "error.forbidden"
	case errors.Is(err, store.ErrSubmitted):
		return http.StatusConflict, "error.survey.already_submitted"
	case errors.Is(err, store.ErrConflict):
		return http.StatusConflict, "error.conflict"
	}
	return http.StatusInternalServerError, "error.internal"
}

// clientGone reports whether the request's client went away (its context
// ended: the connection closed), and the level to log it at: debug when
// err is that ending, info when err says something else as well, so a
// real failure in the same moment still shows.
func clientGone(r *http.Request, err error) (bool, slog.Level) {
	cerr := r.Context().Err()
	switch {
	case cerr == nil:
		return false, 0
	case errors.Is(err, cerr):
		return true, slog.LevelDebug
	}
	return true, slog.LevelInfo
}

func userID(r *http.Request) int64 {
	if u := currentUser(r); u != nil {
		return u.ID
	}
	return 0
}

// written logs a response body that could not be written: the client
// went away (a broken pipe or reset), which is no error of ours.
func (s *Server) written(r *http.Request, err error) {
	if err != nil {
		s.log.Debug("client went away while the answer was written", "method", r.Method, "path", r.URL.Path, "err", err)
	}
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.log.Info("request refused", "method", r.Method, "path", r.URL.Path, "user", userID(r), "status", http.StatusNotFound, "err", "no such page")
	s.renderError(w, r, http.StatusNotFound, "error.not_found")
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.log.Info("request refused", "method", r.Method, "path", r.URL.Path, "user", userID(r), "status", http.StatusMethodNotAllowed,
		"err", "method not allowed")
	s.renderError(w, r, http.StatusMethodNotAllowed, "error.method_not_allowed")
}

// crossOriginRefused answers a request http.CrossOriginProtection refused:
// a form posted from another site, or by a browser too old to say where
// it came from.
// Its page is in the language the request asks for, rendered without the
// request's cookies: no session is read or extended, no language cookie
// set, and a pending flash message stays for the portal's own next page.
func (s *Server) crossOriginRefused(w http.ResponseWriter, r *http.Request) {
	s.log.Info("request refused", "method", r.Method, "path", r.URL.Path, "status", http.StatusForbidden,
		"err", "cross-origin request", "origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
	l, _, _ := s.requestLanguage(r)
	r = withLanguage(r.Clone(r.Context()), l) // a copy: its headers are its own
	r.Header.Del("Cookie")
	s.renderError(w, r, http.StatusForbidden, "error.cross_origin")
}

// redirect sends a 303 after a successful POST, with a flash message.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		s.setFlash(w, flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// safeNext returns next if it is a local path, else "/".
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}
