package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"dxready/auth"
	"dxready/locale"
	"dxready/scoring"
	"dxready/store"
)

// exportFormat is "csv" or "xlsx", from the route.
type exportFormat string

// startExport sends the download's headers and returns the sheet to write
// rows into. Exports are the one kind of response not rendered into a
// buffer first: they stream, without any row limit.
func startExport(w http.ResponseWriter, format exportFormat, filename, sheetName string) (sheet, error) {
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, filename, format))
	w.Header().Set("Cache-Control", "no-store")
	if format == "xlsx" {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		return newXLSXSheet(w, sheetName)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	return newCSVSheet(w)
}

// audit records an export: who, what, when (the log's time) and how many
// rows. An export cut short says so.
func (s *Server) auditExport(r *http.Request, what string, rows int, err error) {
	detail := fmt.Sprintf("rows=%d query=%s", rows, r.URL.RawQuery)
	if err != nil {
		detail += " incomplete"
	}
	if aerr := s.store.Audit(r.Context(), currentUser(r).ID, "export", what, detail); aerr != nil {
		s.cfg.Logger.Error("audit export", "what", what, "err", aerr)
	}
}

// auditedExport records an export of personal data before a byte of it
// is sent (an export that cannot be recorded is not sent) and returns the
// function that records, in a second entry (export.end, naming the first:
// the log is append-only), how many rows finally went out.
func (s *Server) auditedExport(r *http.Request, what string) (done func(rows int, err error), err error) {
	id, err := s.store.RecordAudit(r.Context(), store.AuditEntry{UserID: currentUser(r).ID, Action: "export", Subject: what,
		Detail: "started query=" + r.URL.RawQuery})
	if err != nil {
		return nil, err
	}
	return func(rows int, err error) {
		detail := fmt.Sprintf("rows=%d entry=%d", rows, id)
		if err != nil {
			detail += " incomplete"
		}
		if aerr := s.store.Audit(context.WithoutCancel(r.Context()), currentUser(r).ID, "export.end", what, detail); aerr != nil {
			s.log.Error("audit export", "what", what, "entry", id, "err", aerr)
		}
	}, nil
}

func (s *Server) membersCSV(w http.ResponseWriter, r *http.Request)  { s.membersExport(w, r, "csv") }
func (s *Server) membersXLSX(w http.ResponseWriter, r *http.Request) { s.membersExport(w, r, "xlsx") }

// membersExport streams the member list with the page's filters and
// order, and the same consent rule: scores only where shared.
func (s *Server) membersExport(w http.ResponseWriter, r *http.Request, format exportFormat) {
	ac, err := s.loadAssociation(r, auth.ActAssociationExport)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := s.memberFilter(r.URL.Query(), ac.assoc.ID)
	for _, pl := range ac.in.Pillars {
		f.Pillars = append(f.Pillars, pl.ID)
	}
	l, loc := lang(r), s.loc(r)
	done, err := s.auditedExport(r, fmt.Sprintf("association:%d/members.%s", ac.assoc.ID, format))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sh, err := startExport(w, format, "members-"+safeFilename(ac.assoc.Code)+"-"+s.now().In(scoring.Zone).Format("2006-01-02"), loc.T("export.members_sheet"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	head := []any{loc.T("field.tax_code"), loc.T("field.firm_name"), loc.T("field.section"), loc.T("field.size_class"), loc.T("field.ward"),
		loc.T("page.members.status"), loc.T("export.submitted_on"), loc.T("export.shared"), loc.T("page.members.overall"),
		loc.T("export.level_number"), loc.T("page.association.level")}
	for _, pl := range ac.in.Pillars {
		head = append(head, pl.Name.In(l))
	}
	// The invitation's columns come last: files read by column position
	// before them keep their positions.
	head = append(head, loc.T("page.members.invited"), loc.T("page.members.registered"))
	rows := 0
	err = sh.Row(head)
	if err == nil {
		err = s.store.EachMember(r.Context(), f, func(m store.Member) error {
			rows++
			return sh.Row(s.memberCells(m, ac, loc, l))
		})
	}
	if err == nil {
		err = sh.Close()
	}
	done(rows, err)
	if err != nil {
		s.cfg.Logger.Error("members export", "association", ac.assoc.ID, "rows", rows, "err", err)
	}
}

func (s *Server) memberCells(m store.Member, ac *assocCtx, loc *locale.Localizer, l string) []any {
	ward := ""
	if wd, ok := s.ref.Ward(m.Ward); ok {
		ward = wd.Name
	}
	size := ""
	if m.Size != "" {
		size = loc.T("size." + m.Size)
	}
	cells := []any{string(m.TaxCode), m.Name, m.Section, size, ward, loc.T(memberStatusMessage[m.Status]), submittedCell(m), yesNo(m.Shared, loc)}
	return append(s.scoreCells(m, ac, l, cells), m.InvitedAt, yesNo(m.HasAccount, loc))
}

// submittedCell is submittedLabel for a sheet: the day (an ISO date, see
// sheet), or the quarter of an imported result as "2025-Q4"; nil when
// there is no submitted result.
func submittedCell(m store.Member) any {
	switch {
	case m.Status != store.MemberSubmitted:
		return nil
	case !m.SubmittedAt.IsZero():
		return m.SubmittedAt
	}
	return m.Quarter.String()
}

func yesNo(b bool, loc *locale.Localizer) string {
	if b {
		return loc.T("export.yes")
	}
	return loc.T("export.no")
}

// scoreCells appends m's level and scores to cells, empty where not shared.
func (s *Server) scoreCells(m store.Member, ac *assocCtx, l string, cells []any) []any {
	if !scoresShown(m) {
		return append(cells, make([]any, 3+len(m.Pillars))...)
	}
	level := ""
	if m.Level >= 0 && m.Level < len(ac.in.Levels) {
		level = ac.in.Levels[m.Level].Name.In(l)
	}
	cells = append(cells, m.Overall, m.Level, level)
	for _, v := range m.Pillars {
		if v.Valid {
			cells = append(cells, v.Float64)
		} else {
			cells = append(cells, nil)
		}
	}
	return cells
}

// safeFilename keeps an association code usable in a file name.
func safeFilename(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, s)
}
