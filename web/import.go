package web

import (
	"errors"
	"fmt"
	"net/http"

	"dxready/auth"
	"dxready/firms"
	"dxready/locale"
	"dxready/store"
)

type importPage struct {
	page
	Problem   string // file-level problem, message ID
	Result    *store.ImportResult
	RowErrors []string // localized, for display
	More      int      // problems found but not listed
	MaxMB     int
}

func (s *Server) adminImport(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "admin_import", importPage{page: s.newPage(w, r, "page.admin_import.title"), MaxMB: MaxUploadBytes >> 20})
}

// maxShownImportErrors bounds the problems listed on the page; the count
// of all of them is shown too.
const maxShownImportErrors = 1000

func (s *Server) adminImportPost(w http.ResponseWriter, r *http.Request) {
	p := importPage{page: s.newPage(w, r, "page.admin_import.title"), MaxMB: MaxUploadBytes >> 20}
	fail := func(status int, problem string) {
		p.Problem = problem
		s.render(w, r, status, "admin_import", p)
	}
	const limit = MaxUploadBytes + 1<<20 // the file plus the multipart envelope
	if r.ContentLength > limit {
		fail(http.StatusRequestEntityTooLarge, "error.import.too_large")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) || r.ContentLength > MaxUploadBytes {
			fail(http.StatusRequestEntityTooLarge, "error.import.too_large")
			return
		}
		fail(http.StatusBadRequest, "error.import.no_file")
		return
	}
	defer r.MultipartForm.RemoveAll()
	file, hdr, err := r.FormFile("file")
	if err != nil {
		fail(http.StatusUnprocessableEntity, "error.import.no_file")
		return
	}
	defer file.Close()
	if hdr.Size > MaxUploadBytes {
		fail(http.StatusRequestEntityTooLarge, "error.import.too_large")
		return
	}
	known, err := s.store.ImportAssociationCodes(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.loc(r)
	rd, ferr := firms.NewImportReader(file, s.ref, s.now(), known)
	if ferr != nil {
		p.RowErrors = []string{RowErrorText(l, *ferr)}
		fail(http.StatusUnprocessableEntity, "error.import.rejected")
		return
	}
	rd.NormalizeEmail = auth.NormalizeEmail
	entry := store.AuditEntry{UserID: currentUser(r).ID, Action: "firms.import", Subject: "firms", Detail: fmt.Sprintf("file=%q", hdr.Filename)}
	res, err := s.store.ImportFirms(r.Context(), rd, nil, entry) // the store adds the counts
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := TellReopened(r.Context(), s.store, s.bundle, s.linkBase(), res.Reopened); err != nil {
		s.log.Warn("reopened claims not all told", "err", err)
	}
	p.Result = res
	if !res.Written {
		for _, e := range res.Errors[:min(len(res.Errors), maxShownImportErrors)] {
			p.RowErrors = append(p.RowErrors, RowErrorText(l, e))
		}
		p.More = res.Problems - len(p.RowErrors)
		fail(http.StatusUnprocessableEntity, "error.import.rejected")
		return
	}
	s.render(w, r, http.StatusOK, "admin_import", p)
}

// RowErrorText says, in l's language, what is wrong on which line of an
// import file. The command line uses it too.
func RowErrorText(l *locale.Localizer, e firms.RowError) string {
	problem := l.T(string(e.Problem), "Value", e.Value)
	if e.Column == "" {
		return l.T("import.line_problem", "Line", l.Int(int64(e.Line)), "Problem", problem)
	}
	return l.T("import.cell_problem", "Line", l.Int(int64(e.Line)), "Column", l.T("import.column."+e.Column), "Problem", problem)
}
