package web

import (
	"net/http"
	"slices"
	"strconv"

	"dxready/firms"
	"dxready/funnel"
	"dxready/scoring"
)

// funnelPage is the programme funnel (/center/funnel): each stage's firms,
// conversion to the next stage, median days and drop-off, for the firms
// the filters pick, and the stages reached in each quarter.
type funnelPage struct {
	page
	Form                             funnelForm
	AssocOpts, SectionOpts, SizeOpts []funnelOption
	WardOpts, QuarterOpts            []funnelOption
	Rows                             []funnelRow
	Quarters                         []funnelQuarterRow
	StageNames                       []string
	Empty                            bool // no firm reached any stage: Problem, or page.funnel.none
	QueryString                      string
}

// funnelOption is one choice in a filter list, built once in Go: the
// lists hold about 150 choices, which the template would otherwise ask
// about one call at a time.
type funnelOption struct {
	Value, Label string
	Selected     bool
}

// funnelRow is one stage's line of the table, formatted.
type funnelRow struct {
	Key, Name                 string
	Count                     int
	CountText, NextText, Drop string
	Conversion, Median        string // "" when there is none
	ListURL                   string
}

// funnelQuarterRow is how many firms reached each stage in one quarter.
type funnelQuarterRow struct {
	Quarter string
	Counts  []string
}

// centerFunnel shows the funnel. Filters that make no sense show the page
// with the reason instead of figures.
func (s *Server) centerFunnel(w http.ResponseWriter, r *http.Request) {
	p := funnelPage{page: s.newPage(w, r, "page.funnel.title")}
	assocs, err := s.store.Associations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := scoring.QuarterOf(s.now())
	p.Form = s.parseFunnelForm(r.URL.Query(), assocs, now)
	p.QueryString = p.Form.Query.Encode()
	loc := s.loc(r)
	s.funnelOptions(&p, assocs, now, loc.T)
	for _, id := range stageNames {
		p.StageNames = append(p.StageNames, loc.T(id))
	}
	if p.Form.Problem != "" {
		p.Empty = true
		s.render(w, r, http.StatusOK, "center_funnel", p)
		return
	}
	cells, err := s.funnelCells(r, p.Form.Filter)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fig := funnel.Summarise(cells, p.Form.keep())
	p.Empty = fig.Stages[funnel.Registered].Count == 0
	for _, st := range fig.Stages {
		row := funnelRow{Key: st.Stage.Key(), Name: p.StageNames[st.Stage], Count: st.Count, CountText: loc.Int(int64(st.Count)),
			NextText: loc.Int(int64(st.Next)), Drop: loc.Int(int64(st.Drop)), ListURL: "/center/funnel/" + st.Stage.Key()}
		if st.HasConversion {
			row.Conversion = loc.Percent(st.Conversion, 1)
		}
		if st.HasMedian {
			row.Median = loc.Decimal(st.MedianDays, 1)
		}
		if p.QueryString != "" {
			row.ListURL += "?" + p.QueryString
		}
		p.Rows = append(p.Rows, row)
	}
	for _, qc := range fig.Quarters {
		row := funnelQuarterRow{Quarter: quarterLabel(funnel.QuarterAt(qc.Quarter), loc)}
		for _, n := range qc.Counts {
			row.Counts = append(row.Counts, loc.Int(int64(n)))
		}
		p.Quarters = append(p.Quarters, row)
	}
	s.render(w, r, http.StatusOK, "center_funnel", p)
}

// funnelOptions fills the filter lists, marking the values chosen.
func (s *Server) funnelOptions(p *funnelPage, assocs []firms.Association, now scoring.Quarter, t func(string, ...any) string) {
	q := p.Form.Query
	opt := func(key, v, label string) funnelOption {
		return funnelOption{Value: v, Label: label, Selected: slices.Contains(q[key], v)}
	}
	for _, a := range assocs {
		p.AssocOpts = append(p.AssocOpts, opt("assoc", strconv.FormatInt(a.ID, 10), a.Name(p.Lang)))
	}
	for _, sec := range s.ref.Sections(firms.VSICVersion2018) {
		p.SectionOpts = append(p.SectionOpts, opt("section", sec.Code, sec.Code+" · "+sec.Name(p.Lang)))
	}
	for _, c := range firms.SizeClasses {
		p.SizeOpts = append(p.SizeOpts, opt("size", string(c), s.sizeName(t, string(c))))
	}
	for _, w := range s.ref.Wards {
		p.WardOpts = append(p.WardOpts, opt("ward", w.Code, w.Name))
	}
	for _, qq := range scoring.LastQuarters(now, 12) {
		// Named as the dashboards name a quarter ("Quý 3/2026"), never its key.
		p.QuarterOpts = append(p.QuarterOpts, opt("quarter", qq.String(), t("format.quarter", "Q", qq.Q, "Year", strconv.Itoa(qq.Year))))
	}
}
