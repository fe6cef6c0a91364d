package web

import (
	"fmt"
	"net/http"
	"slices"

	"dxready/firms"
	"dxready/funnel"
	"dxready/scoring"
)

// funnelPage is the programme funnel (/center/funnel): each stage's firms,
// conversion to the next stage, median days and drop-off, for the firms
// the filters pick, and the stages reached in each quarter.
type funnelPage struct {
	page
	Form         funnelForm
	Associations []firms.Association
	SectionList  []firms.Industry
	Wards        []firms.Ward
	Sizes        []firms.SizeClass
	QuarterList  []string
	Rows         []funnelRow
	Quarters     []funnelQuarterRow
	StageNames   []string
	Empty        bool // no firm reached any stage: Problem, or page.funnel.none
	QueryString  string
}

// funnelRow is one stage's line of the table, formatted.
type funnelRow struct {
	Key, Name          string
	Count, Next, Drop  int
	Conversion, Median string // "" when there is none
	ListURL            string
}

// funnelQuarterRow is how many firms reached each stage in one quarter.
type funnelQuarterRow struct {
	Quarter string
	Counts  []int
}

// centerFunnel shows the funnel. Filters that make no sense show the page
// with the reason instead of figures.
func (s *Server) centerFunnel(w http.ResponseWriter, r *http.Request) {
	p := funnelPage{page: s.newPage(w, r, "page.funnel.title"), Wards: s.ref.Wards, Sizes: firms.SizeClasses,
		SectionList: s.ref.Sections(firms.VSICVersion2018)}
	var err error
	if p.Associations, err = s.store.Associations(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	now := scoring.QuarterOf(s.now())
	for _, q := range scoring.LastQuarters(now, 12) {
		p.QuarterList = append(p.QuarterList, q.String())
	}
	p.Form = s.parseFunnelForm(r.URL.Query(), p.Associations, now)
	p.QueryString = p.Form.Query.Encode()
	loc := s.loc(r)
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
		row := funnelRow{Key: st.Stage.Key(), Name: p.StageNames[st.Stage], Count: st.Count, Next: st.Next, Drop: st.Drop,
			ListURL: "/center/funnel/" + st.Stage.Key()}
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
		p.Quarters = append(p.Quarters, funnelQuarterRow{Quarter: funnel.QuarterAt(qc.Quarter).String(), Counts: qc.Counts[:]})
	}
	s.render(w, r, http.StatusOK, "center_funnel", p)
}

// Selected reports whether the filter key holds v, for the form's options.
func (p funnelPage) Selected(key string, v any) bool {
	return slices.Contains(p.Form.Query[key], fmt.Sprint(v))
}
