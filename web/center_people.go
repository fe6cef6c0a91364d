package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"dxready/auth"
	"dxready/firms"
	"dxready/store"
)

// People: Center staff find any account and change its access (role,
// association, status), resend its verification link or send it a
// password reset. What may change is auth.CheckAccessChange; the store asks
// it inside the write, and the page asks it only to know which buttons to
// draw.

// usersPerPage is how many accounts a page of the people search lists.
const usersPerPage = 50

type peoplePage struct {
	page
	Query        string
	Role, Status string
	Association  int64
	Associations []firms.Association
	AssocNames   map[int64]string
	Roles        []auth.Role
	Statuses     []auth.Status
	Rows         []store.UserRow
	Count        store.Count
	PrevURL      string
	NextURL      string
	QueryTooLong bool
	BroadTaxCode bool // the query's digits start too many tax codes to be matched against them
}

// MaxQuery is how many characters of a query the search reads, as the
// page says it.
func (peoplePage) MaxQuery() int { return store.MaxUserQuery }

// MaxTaxCodeFirms is how many firms' tax codes a query's digits may start
// and still be matched against them, as the page says it.
func (peoplePage) MaxTaxCodeFirms() int { return store.MaxTaxCodeFirms }

// people is the search of every account, paged by cursor (listCursor).
func (s *Server) people(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := peoplePage{page: s.newPage(w, r, "page.people.title"), Roles: auth.Roles, Statuses: []auth.Status{auth.StatusActive, auth.StatusDisabled}}
	p.Query = q.Get("q")
	if runes := []rune(p.Query); len(runes) > store.MaxUserQuery {
		p.Query, p.QueryTooLong = string(runes[:store.MaxUserQuery]), true
	}
	if auth.Role(q.Get("role")).Valid() {
		p.Role = q.Get("role")
	}
	if st := auth.Status(q.Get("status")); st == auth.StatusActive || st == auth.StatusDisabled {
		p.Status = string(st)
	}
	p.Association, _ = strconv.ParseInt(q.Get("association"), 10, 64)
	if !s.loadAssocNames(w, r, &p) {
		return
	}
	f := store.UserFilter{Query: p.Query, Role: auth.Role(p.Role), Status: auth.Status(p.Status), AssociationID: p.Association, Limit: usersPerPage}
	f.Cursor = listCursor(q, &p.page)
	found, err := s.store.SearchUsers(r.Context(), f)
	if errors.Is(err, store.ErrBadCursor) {
		p.Flash, f.Cursor = pagerRestarted, ""
		found, err = s.store.SearchUsers(r.Context(), f)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Rows, p.Count, p.BroadTaxCode = found.Users, found.Count, found.BroadTaxCode
	v := url.Values{}
	for k, val := range map[string]string{"q": p.Query, "role": p.Role, "status": p.Status} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if p.Association != 0 {
		v.Set("association", strconv.FormatInt(p.Association, 10))
	}
	p.PrevURL, p.NextURL = pagerURLs("/admin/users", v, found.Links)
	s.render(w, r, http.StatusOK, "admin_users", p)
}

// loadAssocNames fills the associations for the filter and the names of
// the leads' associations.
func (s *Server) loadAssocNames(w http.ResponseWriter, r *http.Request, p *peoplePage) bool {
	as, err := s.store.Associations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	p.Associations, p.AssocNames = as, map[int64]string{}
	for _, a := range as {
		p.AssocNames[a.ID] = a.Name(p.Lang)
	}
	return true
}
