package web

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"dxready/auth"
	"dxready/scoring"
	"dxready/store"
	"dxready/survey"
)

type pillarRow struct {
	Name      string
	Score     float64
	Level     string
	Scored    bool
	Change    float64 // since the previous assessment
	HasChange bool
}

type adviceView struct {
	Pillar, Level, Text string
	Losses              []string // the answers that cost this pillar most
}

type stepView struct {
	Question, From, To string
	Add                bool // a checklist: To lists the items to add
	Gain               float64
}

type resultPage struct {
	page
	ResponseID  int64
	Overall     float64
	LevelNo     int
	LevelName   string
	LevelDesc   string
	SubmittedAt string
	Pillars     []pillarRow
	Advice      []adviceView
	NextLevel   string
	Path        []stepView
	Reaches     float64
	Previous    string // date of the previous assessment, if any
	Basis       string
}

func (s *Server) assessmentResult(w http.ResponseWriter, r *http.Request) {
	ac, err := s.loadAssessment(r, auth.ActResultView)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ac.resp.Status != survey.Submitted {
		http.Redirect(w, r, fmt.Sprintf("/assessment/%d/review", ac.resp.ID), http.StatusSeeOther)
		return
	}
	subs, err := s.store.Submissions(r.Context(), ac.resp.FirmID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res := scoring.Score(ac.in, ac.resp.Profile, ac.resp.Answers)
	s.render(w, r, http.StatusOK, "assessment_result", s.newResultPage(w, r, ac, res, previousOf(subs, ac.resp.ID)))
}

// previousOf returns the submission before responseID, if any.
func previousOf(subs []store.Submission, responseID int64) *store.Submission {
	i := slices.IndexFunc(subs, func(s store.Submission) bool { return s.ResponseID == responseID })
	if i < 0 || i+1 >= len(subs) {
		return nil
	}
	return &subs[i+1]
}

func (s *Server) newResultPage(w http.ResponseWriter, r *http.Request, ac *assessmentCtx, res scoring.Result, prev *store.Submission) resultPage {
	l, loc := lang(r), s.loc(r)
	lv := ac.in.LevelFor(res.Overall)
	p := resultPage{page: s.newPage(w, r, "page.assessment_result.title"), ResponseID: ac.resp.ID, Overall: res.Overall,
		LevelNo: lv.Level, LevelName: lv.Name.In(l), LevelDesc: lv.Description.In(l), SubmittedAt: loc.DateTime(ac.resp.SubmittedAt),
		Basis: ac.in.Basis.In(l)}
	if prev != nil {
		p.Previous = loc.Date(prev.SubmittedAt)
	}
	for i, ps := range res.Pillars {
		pl := ac.in.Pillars[i]
		row := pillarRow{Name: pl.Name.In(l), Score: ps.Score, Scored: ps.Scored, Level: ac.in.LevelFor(ps.Score).Name.In(l)}
		if before, ok := prevScore(prev, pl.ID); ok && ps.Scored {
			row.Change, row.HasChange = ps.Score-before, true
		}
		p.Pillars = append(p.Pillars, row)
	}
	p.Advice = adviceFor(ac.in, res, l)
	if res.Path.NextLevel >= 0 {
		p.NextLevel = ac.in.Levels[res.Path.NextLevel].Name.In(l)
		p.Reaches = res.Path.Reaches
		for _, st := range res.Path.Steps {
			q, _ := ac.in.Question(st.QuestionID)
			sv := stepView{Question: q.Text.In(l), From: optionTexts(q, st.From, l, loc.T("common.none")),
				To: optionTexts(q, st.To, l, ""), Gain: st.Gain}
			if q.Type == survey.Multi {
				added := slices.DeleteFunc(slices.Clone(st.To), func(id string) bool { return slices.Contains(st.From, id) })
				sv.To, sv.Add = optionTexts(q, added, l, ""), true
			}
			p.Path = append(p.Path, sv)
		}
	}
	return p
}

func prevScore(prev *store.Submission, pillar string) (float64, bool) {
	if prev == nil {
		return 0, false
	}
	v, ok := prev.Pillars[pillar]
	return v, ok
}

// adviceFor gives the advice of the two weakest scored pillars, at each
// pillar's own level, with the answers that cost it most.
func adviceFor(in *survey.Instrument, res scoring.Result, l string) []adviceView {
	idx := []int{}
	for i, ps := range res.Pillars {
		if ps.Scored {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return res.Pillars[idx[a]].Score < res.Pillars[idx[b]].Score })
	var out []adviceView
	for _, i := range idx[:min(2, len(idx))] {
		pl, ps := in.Pillars[i], res.Pillars[i]
		lv := in.LevelFor(ps.Score)
		av := adviceView{Pillar: pl.Name.In(l), Level: lv.Name.In(l), Text: pl.Advice[lv.Level].In(l)}
		for _, loss := range res.Losses[pl.ID] {
			q, _ := in.Question(loss.QuestionID)
			av.Losses = append(av.Losses, q.Text.In(l))
		}
		out = append(out, av)
	}
	return out
}

func optionTexts(q *survey.Question, ids []string, l, none string) string {
	var texts []string
	for _, id := range ids {
		if o, ok := q.Option(id); ok {
			texts = append(texts, o.Text.In(l))
		}
	}
	if len(texts) == 0 {
		return none
	}
	return strings.Join(texts, "; ")
}
