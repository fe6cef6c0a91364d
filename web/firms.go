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

type firmViewPage struct {
	page
	*firmDetail
	Contact *firms.Contact
	// The registry's contact, where a claim code goes: for the Center,
	// which decides claims, and nobody else.
	RegistryEmail, RegistryPhone string
	// BookOnBehalf: the viewer may book a consultation for the firm.
	BookOnBehalf bool
	// Users: the firm's accounts and their claims, for the Center only
	// (ShowUsers), which decides claims and transfers.
	Users     []firmUserView
	ShowUsers bool
}

// firmView shows any firm's registry record to whoever Can view it. A firm
// the user may not see answers 404, so its existence is not disclosed.
func (s *Server) firmView(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, store.ErrNotFound)
		return
	}
	d, ids, err := s.loadFirmDetail(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := currentUser(r)
	target := auth.Target{FirmID: id, FirmAssociationIDs: ids}
	if !auth.Can(u, auth.ActFirmView, target) {
		s.fail(w, r, store.ErrNotFound)
		return
	}
	p := firmViewPage{page: s.newPage(w, r, "page.firm.title"), firmDetail: d, BookOnBehalf: auth.Can(u, auth.ActBookOnBehalf, target)}
	if auth.Can(u, auth.ActContactManage, target) {
		switch c, err := s.store.FindContact(r.Context(), id); {
		case err == nil:
			p.Contact = c
		case !errors.Is(err, store.ErrNotFound):
			s.fail(w, r, err)
			return
		}
	}
	if auth.Can(u, auth.ActClaimsDecide, auth.Target{}) {
		// The Center sees who holds the firm and who claims it, to decide
		// claims and to see the effect of a transfer.
		if p.RegistryEmail, p.RegistryPhone, err = s.store.RegistryContact(r.Context(), id); err != nil {
			s.fail(w, r, err)
			return
		}
		if p.Users, err = s.firmUsers(r.Context(), id, true); err != nil {
			s.fail(w, r, err)
			return
		}
		p.ShowUsers = true
	}
	// A read of the contact person (personal data) is recorded first; if
	// that fails, the page is not shown.
	if p.Contact != nil {
		if _, err := s.store.RecordAudit(r.Context(), store.AuditEntry{UserID: u.ID, Action: "contact.view", Subject: "firm:" + strconv.FormatInt(id, 10)}); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "firm", p)
}

// firmsPerPage is the admin search's page size.
const firmsPerPage = 50

type firmRow struct {
	Firm     *firms.Firm
	WardName string
}

type adminFirmsPage struct {
	page
	Query        string
	Association  int64
	Ward         string
	Size         string
	Associations []firms.Association
	Wards        []firms.Ward
	Sizes        []firms.SizeClass
	Rows         []firmRow
	Count        store.Count
	PrevURL      string
	NextURL      string
	// windowNotes: how much of the filter's list the store searched, when
	// it stopped at its window.
	windowNotes
}

// adminFirmsWindow are the admin search's windowNotes messages.
var adminFirmsWindow = windowMessages{within: "page.admin_firms.found_within", window: "page.admin_firms.window",
	windowBack: "page.admin_firms.window_back", further: "page.admin_firms.search_further", furtherBack: "page.admin_firms.search_further_back"}

// adminFirms searches the whole registry: name words without diacritics or
// the start of a tax code, filtered by association, ward and size, paged
// by cursor (see listCursor).
func (s *Server) adminFirms(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := adminFirmsPage{page: s.newPage(w, r, "page.admin_firms.title"), Query: q.Get("q"), Wards: s.ref.Wards, Sizes: firms.SizeClasses}
	if len(p.Query) > 200 {
		p.Query = p.Query[:200]
	}
	p.Association, _ = strconv.ParseInt(q.Get("association"), 10, 64)
	if _, ok := s.ref.Ward(q.Get("ward")); ok {
		p.Ward = q.Get("ward")
	}
	if firms.SizeClass(q.Get("size")).Valid() {
		p.Size = q.Get("size")
	}
	var err error
	if p.Associations, err = s.store.Associations(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	f := store.FirmFilter{Query: p.Query, AssociationID: p.Association, WardCode: p.Ward, SizeClass: firms.SizeClass(p.Size), Limit: firmsPerPage}
	f.Cursor = listCursor(q, &p.page)
	found, err := s.store.SearchFirms(r.Context(), f)
	if errors.Is(err, store.ErrBadCursor) {
		p.Flash, f.Cursor = pagerRestarted, ""
		found, err = s.store.SearchFirms(r.Context(), f)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Count = found.Count
	for _, f := range found.Firms {
		ward, _ := s.ref.Ward(f.WardCode)
		p.Rows = append(p.Rows, firmRow{Firm: f, WardName: ward.Name})
	}
	v := url.Values{}
	for _, k := range []string{"q", "association", "ward", "size"} {
		if q.Get(k) != "" {
			v.Set(k, q.Get(k))
		}
	}
	p.PrevURL, p.NextURL = pagerURLs("/admin/firms", v, found.Links)
	p.windowNotes.set(found.Window, found.Count, len(found.Firms), &p.PrevURL, &p.NextURL, s.loc(r), adminFirmsWindow)
	s.render(w, r, http.StatusOK, "admin_firms", p)
}
