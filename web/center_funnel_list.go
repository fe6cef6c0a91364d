package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"dxready/firms"
	"dxready/funnel"
	"dxready/scoring"
	"dxready/store"
)

// funnelStagePage is the list of the firms in one stage of the funnel, with
// the funnel's filters: names and stage dates, never a result.
type funnelStagePage struct {
	page
	Form                     funnelForm
	StageKey, StageName      string
	NextName                 string // "" for the last stage
	Count                    int
	Rows                     []funnelFirmRow
	PrevURL, NextURL         string
	BackURL, CSVURL, XLSXURL string
	Filters                  string // the filters in words, "" when none
}

// funnelFirmRow is one firm of a stage's list, formatted.
type funnelFirmRow struct {
	ID                  int64
	TaxCode, Name       string
	Section, Size, Ward string
	Reached, Next       string
}

// funnelStageRequest reads a stage list's stage and filters; ok is false
// when the stage is unknown (the answer, a 404, is sent).
func (s *Server) funnelStageRequest(w http.ResponseWriter, r *http.Request) (funnel.Stage, funnelForm, []firms.Association, bool) {
	k, ok := funnel.ParseStage(r.PathValue("stage"))
	if !ok {
		s.fail(w, r, store.ErrNotFound)
		return 0, funnelForm{}, nil, false
	}
	assocs, err := s.store.Associations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return 0, funnelForm{}, nil, false
	}
	return k, s.parseFunnelForm(r.URL.Query(), assocs, scoring.QuarterOf(s.now())), assocs, true
}

// funnelFilterWords names the filters a list was made with: associations,
// sections, sizes and wards by name, then the quarters.
func (s *Server) funnelFilterWords(f funnelForm, assocs []firms.Association, lang string, t func(string, ...any) string) string {
	var parts []string
	for _, a := range assocs {
		if slices.Contains(f.Associations, a.ID) {
			parts = append(parts, a.Name(lang))
		}
	}
	for _, sec := range f.Sections {
		if i, ok := s.ref.Industry(firms.VSICVersion2018, sec); ok {
			parts = append(parts, sec+" · "+i.Name(lang))
		}
	}
	for _, c := range f.Sizes {
		parts = append(parts, s.sizeName(t, c))
	}
	for _, w := range f.Wards {
		parts = append(parts, s.wardName(w))
	}
	return strings.Join(append(parts, f.Quarters...), "; ")
}

// centerFunnelStage lists the firms in one stage, latest first, a page at
// a time (keyset: a forged cursor only restarts the list).
func (s *Server) centerFunnelStage(w http.ResponseWriter, r *http.Request) {
	k, form, assocs, ok := s.funnelStageRequest(w, r)
	if !ok {
		return
	}
	loc := s.loc(r)
	p := funnelStagePage{page: s.newPage(w, r, "page.funnel.stage_title"), Form: form, StageKey: k.Key(), StageName: loc.T(stageNames[k])}
	if int(k)+1 < funnel.NumStages {
		p.NextName = loc.T(stageNames[k+1])
	}
	qs := form.Query.Encode()
	p.BackURL, p.CSVURL, p.XLSXURL = "/center/funnel", "/center/funnel/"+k.Key()+"/export.csv", "/center/funnel/"+k.Key()+"/export.xlsx"
	if qs != "" {
		p.BackURL, p.CSVURL, p.XLSXURL = p.BackURL+"?"+qs, p.CSVURL+"?"+qs, p.XLSXURL+"?"+qs
	}
	if form.Problem != "" {
		s.render(w, r, http.StatusOK, "center_funnel_stage", p)
		return
	}
	p.Filters = s.funnelFilterWords(form, assocs, p.Lang, loc.T)
	cells, err := s.funnelCells(r, form.Filter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Count = funnel.Summarise(cells, form.keep()).Stages[k].Count
	cursor := listCursor(r.URL.Query(), &p.page)
	pg, err := s.store.FunnelFirms(r.Context(), k, form.Filter, cursor, 50)
	if errors.Is(err, store.ErrBadCursor) {
		p.Flash = pagerRestarted
		pg, err = s.store.FunnelFirms(r.Context(), k, form.Filter, "", 50)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, f := range pg.Firms {
		p.Rows = append(p.Rows, funnelFirmRow{ID: f.ID, TaxCode: f.TaxCode, Name: f.Name, Section: f.Section,
			Size: s.sizeName(loc.T, f.SizeClass), Ward: s.wardName(f.Ward), Reached: loc.Date(f.Reached), Next: loc.Date(f.Next)})
	}
	p.PrevURL, p.NextURL = pagerURLs("/center/funnel/"+k.Key(), form.Query, pg.Links)
	s.render(w, r, http.StatusOK, "center_funnel_stage", p)
}

func (s *Server) sizeName(t func(string, ...any) string, c string) string {
	switch firms.SizeClass(c) {
	case firms.Micro:
		return t("size.micro")
	case firms.Small:
		return t("size.small")
	case firms.Medium:
		return t("size.medium")
	case firms.Large:
		return t("size.large")
	}
	return ""
}

func (s *Server) wardName(code string) string {
	if w, ok := s.ref.Ward(code); ok {
		return w.Name
	}
	return ""
}

func (s *Server) centerFunnelCSV(w http.ResponseWriter, r *http.Request) {
	s.centerFunnelExport(w, r, "csv")
}
func (s *Server) centerFunnelXLSX(w http.ResponseWriter, r *http.Request) {
	s.centerFunnelExport(w, r, "xlsx")
}

// centerFunnelExport streams a stage's whole list with the page's filters:
// the same columns as the page, no result figure. It is recorded in the
// audit log before a row is sent.
func (s *Server) centerFunnelExport(w http.ResponseWriter, r *http.Request, format exportFormat) {
	k, form, _, ok := s.funnelStageRequest(w, r)
	if !ok {
		return
	}
	if form.Problem != "" {
		s.renderError(w, r, http.StatusUnprocessableEntity, form.Problem)
		return
	}
	loc := s.loc(r)
	done, err := s.auditedExport(r, fmt.Sprintf("funnel/%s.%s", k.Key(), format))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sh, err := startExport(w, format, "funnel-"+k.Key()+"-"+s.now().In(scoring.Zone).Format("2006-01-02"), loc.T(stageNames[k]))
	if err != nil {
		done(0, err)
		return
	}
	head := []any{loc.T("field.tax_code"), loc.T("field.firm_name"), loc.T("field.section"), loc.T("field.size_class"),
		loc.T("field.ward"), loc.T("page.funnel.reached_on")}
	if int(k)+1 < funnel.NumStages {
		head = append(head, loc.T("page.funnel.next_on", "Stage", loc.T(stageNames[k+1])))
	}
	rows := 0
	err = sh.Row(head)
	if err == nil {
		err = s.store.EachFunnelFirm(r.Context(), k, form.Filter, func(f store.FunnelFirm) error {
			rows++
			cells := []any{f.TaxCode, f.Name, f.Section, s.sizeName(loc.T, f.SizeClass), s.wardName(f.Ward), f.Reached}
			if int(k)+1 < funnel.NumStages {
				cells = append(cells, f.Next)
			}
			return sh.Row(cells)
		})
	}
	if err == nil {
		err = sh.Close()
	}
	done(rows, err)
	if err != nil {
		s.log.Error("funnel export", "stage", k.Key(), "rows", rows, "err", err)
	}
}
