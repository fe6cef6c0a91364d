package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"dxready/auth"
	"dxready/locale"
	"dxready/static"
	"dxready/store"
	"dxready/templates"
)

// pageSet holds every page template, parsed once per language.
//
// STYLE.md asks for `t` bound per request on a clone of the parsed set.
// With two languages we instead parse each page once per language at start-
// up, with that language's functions bound: the same isolation (a request
// never touches another language's funcs), no per-request Clone cost.
type pageSet struct {
	byLang map[string]map[string]*template.Template
}

func parsePages(b *locale.Bundle, assets *static.Assets) (*pageSet, error) {
	names, err := fs.Glob(templates.FS, "pages/*.html")
	if err != nil {
		return nil, err
	}
	ps := &pageSet{byLang: map[string]map[string]*template.Template{}}
	for _, l := range locale.Languages {
		ps.byLang[l] = map[string]*template.Template{}
		funcs := templateFuncs(b.For(l), assets)
		for _, n := range names {
			t, err := template.New("base").Funcs(funcs).ParseFS(templates.FS, "layouts/base.html", "partials/*.html", n)
			if err != nil {
				return nil, fmt.Errorf("web: template %s: %w", n, err)
			}
			ps.byLang[l][strings.TrimSuffix(path.Base(n), ".html")] = t
		}
	}
	return ps, nil
}

func templateFuncs(l *locale.Localizer, assets *static.Assets) template.FuncMap {
	return template.FuncMap{
		"t":        l.T,
		"num":      func(n any) string { return l.Int(toInt64(n)) },
		"vnd":      l.VND,
		"date":     l.Date,
		"datetime": l.DateTime,
		"asset": func(name string) (string, error) {
			if u := assets.URL(name); u != "" {
				return u, nil
			}
			return "", fmt.Errorf("no asset %q", name)
		},
		"add":   func(a, b int) int { return a + b },
		"score": func(f float64) string { return l.Decimal(f, 1) },
		"signed": func(f float64) string {
			if f > 0 {
				return "+" + l.Decimal(f, 1)
			}
			return l.Decimal(f, 1)
		},
	}
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
	q := r.URL.Query()
	q.Set("lang", other)
	u := currentUser(r)
	p := page{Lang: l, OtherLang: other, LangURL: r.URL.Path + "?" + q.Encode(), User: u, Path: r.URL.Path,
		Flash: s.takeFlash(w, r), Demo: s.cfg.Demo, Title: title}
	p.Nav = navFor(u, r.URL.Path)
	return p
}

// navFor lists the links a user's role leads to.
func navFor(u *auth.User, current string) []navItem {
	items := []navItem{{Href: "/", Label: "nav.home"}}
	if u != nil && u.Status == auth.StatusActive {
		switch u.Role {
		case auth.RoleFirm:
			items = append(items, navItem{Href: "/assessment", Label: "nav.assessment"}, navItem{Href: "/advisors", Label: "nav.advisors"},
				navItem{Href: "/bookings", Label: "nav.bookings"}, navItem{Href: "/profile", Label: "nav.profile"})
		case auth.RoleAdvisor:
			items = append(items, navItem{Href: "/schedule", Label: "nav.schedule"}, navItem{Href: "/bookings", Label: "nav.bookings"},
				navItem{Href: "/advisors/" + strconv.FormatInt(u.ID, 10) + "/edit", Label: "nav.my_profile"})
		case auth.RoleLead:
			items = append(items, navItem{Href: "/associations", Label: "nav.associations"})
		case auth.RoleAdmin:
			items = append(items, navItem{Href: "/associations", Label: "nav.associations"}, navItem{Href: "/admin/firms", Label: "nav.firms"},
				navItem{Href: "/admin/import", Label: "nav.import"}, navItem{Href: "/bookings", Label: "nav.bookings"},
				navItem{Href: "/admin/advisors", Label: "nav.admin_advisors"}, navItem{Href: "/admin/outbox", Label: "nav.outbox"})
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
	t, ok := s.pages.byLang[lang(r)][name]
	if !ok {
		s.fail(w, r, fmt.Errorf("web: no page %q", name))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", data); err != nil {
		s.fail(w, r, fmt.Errorf("web: render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

type errorPage struct {
	page
	Status  int
	Message string // message ID
}

// renderError shows a localized error page with status.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, messageID string) {
	p := errorPage{page: s.newPage(w, r, "page.error.title"), Status: status, Message: messageID}
	t := s.pages.byLang[lang(r)]["error"]
	var buf bytes.Buffer
	if t == nil || t.ExecuteTemplate(&buf, "base", p) != nil {
		http.Error(w, http.StatusText(status), status) // the error page itself failed
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// errForbidden is returned by handlers when Can says no.
var errForbidden = errors.New("web: forbidden")

// fail is the one place an error becomes a response: not found → 404,
// forbidden → 403, conflict → 409, anything else is logged with the request
// and shown as a generic, localized 500. err.Error() never reaches the client.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
	case errors.Is(err, errForbidden):
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
	case errors.Is(err, store.ErrSubmitted):
		s.renderError(w, r, http.StatusConflict, "error.survey.already_submitted")
	case errors.Is(err, store.ErrConflict):
		s.renderError(w, r, http.StatusConflict, "error.conflict")
	default:
		var uid int64
		if u := currentUser(r); u != nil {
			uid = u.ID
		}
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "user", uid, "err", err)
		s.renderError(w, r, http.StatusInternalServerError, "error.internal")
	}
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound, "error.not_found")
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusMethodNotAllowed, "error.method_not_allowed")
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
