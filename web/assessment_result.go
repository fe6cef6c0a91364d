package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"dxready/auth"
	"dxready/charts"
	"dxready/scoring"
	"dxready/store"
	"dxready/survey"
)

// pillarRow is one pillar's line of the result. Its numbers come written
// (ScoreText, MeterValue, ChangeText) rather than through the templates'
// score, printf and signed: each call in a template is a reflective call,
// and the result page was the costliest page of the load tool's firm
// cycle.
type pillarRow struct {
	Name       string
	ScoreText  string // the score as the language writes it: "8,3"
	MeterValue string // the score for the meter's value attribute: "8.3"
	Level      string
	Standing   string // what holds the pillar at its level: its threshold and how far the next one is
	Scored     bool
	ChangeText string // the change since the previous assessment, signed: "+1,7", "-0,5"
	HasChange  bool
}

type adviceView struct {
	Pillar, Level, Text string
	Losses              []string // the answers that cost this pillar most
}

type resultPage struct {
	page
	Actions     []actionRow   // the firm's action plan from its consultations
	Progress    *progressView // the change since the latest consultation
	CanBook     bool
	ResponseID  int64
	OverallText string // the overall score as the language writes it
	LevelNo     int
	LevelName   string
	LevelDesc   string
	SubmittedAt string
	Pillars     []pillarRow
	Advice      []adviceView
	LevelsNote  string // why close scores can be a level apart: the thresholds
	NextLevel   string
	Steps       pathView
	Previous    string // date of the previous assessment, if any
	Basis       string
	Radar       charts.Chart
	Groups      []groupView
	// CompareOwnOnly: the viewer is not one of the firm's users, who alone
	// see the comparisons (and the link to the firm's own profile).
	CompareOwnOnly bool
	FirmID         int64
	FirmName       string // for viewers other than the firm's own users
}

// groupView is one comparison group on the report: how many other firms
// it holds and the share of them the firm scores above (rounded, from
// protected figures).
type groupView struct {
	Name       string
	Firms      int
	Suppressed bool
	Percentile string
}

func (s *Server) assessmentResult(w http.ResponseWriter, r *http.Request) {
	r, end := s.readOnce(r) // reads: one read transaction (assessment_reads.go)
	defer end()
	if _, p, err := s.resultFor(w, r); err != nil {
		s.fail(w, r, err)
	} else if p != nil {
		s.render(w, r, http.StatusOK, "assessment_result", *p)
	}
}

// resultFor reads the submitted response of the request's path, as
// auth.ActResultView allows, into its result page: the page and the A4
// report show the same data. A draft is redirected to its review, and
// neither page is returned. Everything the page shows besides the response
// is read in one read transaction (store.ReadResult).
func (s *Server) resultFor(w http.ResponseWriter, r *http.Request) (*assessmentCtx, *resultPage, error) {
	ac, err := s.loadAssessment(r, auth.ActResultView)
	if err != nil {
		return nil, nil, err
	}
	if ac.resp.Status != survey.Submitted {
		http.Redirect(w, r, fmt.Sprintf("/assessment/%d/review", ac.resp.ID), http.StatusSeeOther)
		return ac, nil, nil
	}
	ctx, u := r.Context(), currentUser(r)
	own := u.Role == auth.RoleFirm && u.FirmID == ac.resp.FirmID
	var snap *store.Snapshot
	if own { // taken before the firm's inputs are read, as Compare does
		if snap, err = s.store.Snapshot(ctx, ac.in); err != nil {
			return nil, nil, err
		}
	}
	rr, err := s.store.ReadResult(ctx, store.ResultQuery{FirmID: ac.resp.FirmID, ResponseID: ac.resp.ID, Comparisons: own})
	if err != nil {
		return nil, nil, err
	}
	res := s.scores.score(ac.in, ac.resp) // kept by the submission just made, or computed
	p := s.newResultPage(w, r, ac, res, rr.Previous)
	if err := s.addComparisons(r, ac, res, rr, snap, &p); err != nil {
		return nil, nil, err
	}
	p.Actions, p.CanBook = s.actionRows(r, rr.Actions), canBook(u)
	if rr.LastDone != nil {
		if p.Progress, err = s.consultationProgress(ctx, rr.LastDone, s.loc(r), lang(r)); err != nil {
			return nil, nil, err
		}
	}
	return ac, &p, nil
}

// addComparisons adds the firm's associations and industry (VSIC division)
// to the report: the share of the other firms it scores above and, on the
// radar, their pillar averages, all protected by package disclosure (the
// others' results are not the viewer's to see) and computed without the
// firm itself. Only the firm's own users see them (snap is nil for anyone
// else): an advisor or a lead opening many firms' reports would otherwise
// collect the same group's figures with many different firms left out, and
// average their noise away. A group of fewer than disclosure.MinGroup
// others shows nothing.
func (s *Server) addComparisons(r *http.Request, ac *assessmentCtx, res scoring.Result, rr *store.ResultReads, snap *store.Snapshot, p *resultPage) error {
	l, loc := lang(r), s.loc(r)
	axes := allPillarNames(ac.in, l)
	firm := charts.Series{Name: loc.T("page.assessment_result.your_firm"), Values: make([]float64, len(ac.in.Pillars))}
	for i := range ac.in.Pillars {
		firm.Values[i] = res.Pillars[i].Score
	}
	series := []charts.Series{firm}
	p.FirmName = rr.Firm.Name
	if snap == nil {
		p.CompareOwnOnly, series[0].Name = true, rr.Firm.Name
		var err error
		p.Radar, err = s.radars.radar("radar", loc.T("page.assessment_result.radar_label"), chartLocale(loc), axes, series)
		return err
	}
	for _, g := range s.comparisonGroups(r, rr) {
		fig, err := snap.CompareFirm(rr.Inputs, g.group)
		if err != nil {
			return err
		}
		p.Groups = append(p.Groups, groupView{Name: g.name, Firms: fig.N, Suppressed: fig.Suppressed,
			Percentile: loc.Decimal(math.Round(fig.Below(res.Overall)), 0)})
		if fig.Suppressed {
			continue
		}
		avg := charts.Series{Name: loc.T("page.assessment_result.average_of", "Name", g.name), Values: make([]float64, len(ac.in.Pillars))}
		for i := range ac.in.Pillars {
			avg.Values[i] = nanIfSuppressed(fig.Pillars[i])
		}
		series = append(series, avg)
	}
	var err error
	p.Radar, err = s.radars.radar("radar", loc.T("page.assessment_result.radar_label"), chartLocale(loc), axes, series)
	return err
}

type namedGroup struct {
	name  string
	group store.Group
}

// comparisonGroups are the firm's associations and its industry (VSIC
// division) as rr read them, named in the request's language.
func (s *Server) comparisonGroups(r *http.Request, rr *store.ResultReads) []namedGroup {
	l, loc, f := lang(r), s.loc(r), rr.Firm
	var groups []namedGroup
	for _, a := range rr.Associations {
		groups = append(groups, namedGroup{a.Name(l), store.Group{AssociationID: a.ID}})
	}
	if len(f.VSICCode) >= 2 {
		if ind, ok := s.ref.Industry(f.VSICVersion, f.VSICCode[:2]); ok {
			groups = append(groups, namedGroup{loc.T("page.assessment_result.industry", "Name", ind.Name(l)), store.Group{Division: f.VSICCode[:2]}})
		}
	}
	return groups
}

func (s *Server) newResultPage(w http.ResponseWriter, r *http.Request, ac *assessmentCtx, res scoring.Result, prev *store.Submission) resultPage {
	l, loc := lang(r), s.loc(r)
	lv := ac.in.LevelFor(res.Overall)
	p := resultPage{page: s.newPage(w, r, "page.assessment_result.title"), ResponseID: ac.resp.ID, FirmID: ac.resp.FirmID,
		OverallText: loc.Decimal(res.Overall, 1), LevelNo: lv.Level, LevelName: lv.Name.In(l), LevelDesc: lv.Description.In(l), SubmittedAt: loc.DateTime(ac.resp.SubmittedAt),
		Basis: ac.in.Basis.In(l)}
	if prev != nil {
		// A retake the same day is told from the result before it by its time.
		if p.Previous = loc.Date(prev.SubmittedAt); p.Previous == loc.Date(ac.resp.SubmittedAt) {
			p.Previous = loc.DateTime(prev.SubmittedAt)
		}
	}
	for i, ps := range res.Pillars {
		pl := ac.in.Pillars[i]
		row := pillarRow{Name: pl.Name.In(l), Scored: ps.Scored, Level: ac.in.LevelFor(ps.Score).Name.In(l),
			Standing: standingText(ac.in, ps.Score, loc, l), ScoreText: loc.Decimal(ps.Score, 1), MeterValue: strconv.FormatFloat(ps.Score, 'f', 1, 64)}
		if before, ok := prevScore(prev, pl.ID); ok && ps.Scored {
			row.ChangeText, row.HasChange = signedDecimal(loc, ps.Score-before), true
		}
		p.Pillars = append(p.Pillars, row)
	}
	p.Advice = adviceFor(ac.in, res, l)
	p.LevelsNote = s.scores.levelsNote(ac.in, loc, l)
	if res.Path.NextLevel >= 0 {
		p.NextLevel = ac.in.Levels[res.Path.NextLevel].Name.In(l)
		p.Steps = pathViewOf(ac.in, res.Path, loc, l)
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

// adviceFor gives the advice of the pillars to work on first
// (scoring.Result.Priorities: the weakest scored ones, which the path to
// the next level starts with), at each pillar's own level, with the
// answers that cost it most.
func adviceFor(in *survey.Instrument, res scoring.Result, l string) []adviceView {
	var out []adviceView
	for _, id := range res.Priorities() {
		pl, _ := in.Pillar(id)
		ps, _ := res.Pillar(id)
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
