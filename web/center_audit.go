package web

import (
	"encoding/hex"
	"errors"
	"net/http"

	"dxready/locale"
	"dxready/scoring"
	"dxready/store"
)

// auditPerPage is how many entries a page of the audit log shows.
const auditPerPage = 50

// auditViewPage is the Center's audit log: who did what, to what, when,
// filtered, newest first, with a CSV of what the filters select.
type auditViewPage struct {
	page
	Q       auditQuery
	Actions []string // what the action filter offers: the log's own
	Rows    []auditRow
	Count   store.Count
	// Filtered is whether any filter is set (the empty state then says
	// that nothing matches them, not that the log is empty).
	Filtered                 bool
	PrevURL, NextURL, CSVURL string
}

// auditRow is one entry as the page shows it.
type auditRow struct {
	ID                      int64
	At                      string // Asia/Ho_Chi_Minh, to the second, with the zone
	Actor                   string // the account's address; "" for the portal itself or the command line
	ActorID                 int64
	Action, Subject, Detail string
	Hash                    string // the start of the entry's hash, to compare with an export or verify
}

// adminAudit shows the audit log with its filters (center_audit_filter.go),
// a page at a time by cursor. Filters that make no sense list nothing and
// say why; they are never an error page.
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) {
	p, ok := s.auditView(w, r)
	if !ok {
		return
	}
	status := http.StatusOK
	if len(p.Q.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "admin_audit", p)
}

// auditView reads the filters and, when they make sense, the page of
// entries; false when it already answered (a failure).
func (s *Server) auditView(w http.ResponseWriter, r *http.Request) (*auditViewPage, bool) {
	ctx := r.Context()
	p := &auditViewPage{page: s.newPage(w, r, "page.audit.title")}
	var err error
	if p.Actions, err = s.store.AuditActions(ctx); err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	q := r.URL.Query()
	if p.Q, err = s.parseAuditQuery(ctx, q, p.Actions); err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	v := p.Q.values()
	p.Filtered = len(v) > 0
	if len(p.Q.Problems) > 0 {
		return p, true
	}
	f := p.Q.filter
	f.Limit, f.Cursor = auditPerPage, listCursor(q, &p.page)
	found, err := s.store.AuditEntriesPage(ctx, f)
	if errors.Is(err, store.ErrBadCursor) {
		p.Flash, f.Cursor = pagerRestarted, ""
		found, err = s.store.AuditEntriesPage(ctx, f)
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	p.Count = found.Count
	loc := s.loc(r)
	for _, e := range found.Entries {
		p.Rows = append(p.Rows, newAuditRow(e, loc))
	}
	p.PrevURL, p.NextURL = pagerURLs("/admin/audit", v, found.Links)
	p.CSVURL = "/admin/audit.csv"
	if len(v) > 0 {
		p.CSVURL += "?" + v.Encode()
	}
	return p, true
}

func newAuditRow(e store.AuditEntry, loc *locale.Localizer) auditRow {
	row := auditRow{ID: e.ID, At: loc.DateTimeSeconds(e.At), Actor: e.UserEmail, ActorID: e.UserID, Action: e.Action, Subject: e.Subject, Detail: e.Detail}
	if len(e.Hash) >= 6 {
		row.Hash = hex.EncodeToString(e.Hash[:6])
	}
	return row
}

// adminAuditCSV streams the entries the filters select, newest first, as
// CSV: every entry, however many, in bounded memory. The export is itself
// recorded before a byte is sent. Filters that make no sense get the page
// that says why.
func (s *Server) adminAuditCSV(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	actions, err := s.store.AuditActions(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	aq, err := s.parseAuditQuery(ctx, r.URL.Query(), actions)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(aq.Problems) > 0 {
		s.adminAudit(w, r)
		return
	}
	done, err := s.auditedExport(r, "audit.csv")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.loc(r)
	sh, err := startExport(w, "csv", "audit-"+s.now().In(scoring.Zone).Format("2006-01-02"), "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := 0
	err = sh.Row([]any{loc.T("page.audit.col_id"), loc.T("page.audit.col_time"), loc.T("page.audit.col_actor"), loc.T("page.audit.col_actor_id"),
		loc.T("page.audit.col_action"), loc.T("page.audit.col_target"), loc.T("page.audit.col_detail"), loc.T("page.audit.col_hash")})
	if err == nil {
		err = s.store.EachAuditEntry(ctx, aq.filter, func(e store.AuditEntry) error {
			rows++
			return sh.Row(auditCells(e))
		})
	}
	if err == nil {
		err = sh.Close()
	}
	done(rows, err)
	if err != nil {
		s.log.Error("audit export", "rows", rows, "err", err)
	}
}

// auditCells is an entry as a CSV row: the time ISO with its offset in
// Asia/Ho_Chi_Minh (a machine reads it; the zone is in it), the full hash.
func auditCells(e store.AuditEntry) []any {
	var actorID any
	if e.UserID != 0 {
		actorID = int(e.UserID)
	}
	return []any{int(e.ID), e.At.In(scoring.Zone).Format("2006-01-02T15:04:05-07:00"), e.UserEmail, actorID,
		e.Action, e.Subject, e.Detail, hex.EncodeToString(e.Hash)}
}
