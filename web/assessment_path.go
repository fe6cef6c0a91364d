package web

import (
	"math"
	"strings"

	"dxready/locale"
	"dxready/scoring"
	"dxready/survey"
)

// pathView is the path to the next level as the result page and the
// report show it: one-notch steps grouped by pillar, each said in the
// instrument's own words. Its numbers come written, as pillarRow's do.
type pathView struct {
	Groups      []pathGroup
	Count       int
	Reachable   bool
	ReachesText string // the overall score the path reaches
}

type pathGroup struct {
	Pillar   string
	GainText string // the points the pillar's steps add to the overall score
	Steps    []pathStep
}

// pathStep is one line of the path: the steps on one question, collapsed
// (scoring.Run): the question, what to do ("Quarterly → Weekly → Daily"),
// what that means in practice, how many steps it counts and the overall
// points they add.
type pathStep struct {
	Question, Do, Practice string
	Count                  int
	GainText               string
}

// pathViewOf says the path in the request's language. The groups come in
// the path's order (scoring.orderGroups: the pillars "What to work on
// first" names, then by points), so the page gives one place to start.
func pathViewOf(in *survey.Instrument, p scoring.Path, loc *locale.Localizer, l string) pathView {
	v := pathView{Count: p.Len(), Reachable: p.Reachable, ReachesText: loc.Decimal(p.Reaches, 1)}
	for _, g := range p.Groups {
		pl, _ := in.Pillar(g.PillarID)
		gv := pathGroup{Pillar: pl.Name.In(l), GainText: loc.Decimal(g.Gain, 1)}
		for _, run := range g.Runs() {
			q, _ := in.Question(run.QuestionID)
			gv.Steps = append(gv.Steps, pathStep{Question: q.Text.In(l), Do: runText(q, run, loc, l),
				Practice: practiceText(q, loc), Count: run.Steps, GainText: loc.Decimal(run.Gain, 1)})
		}
		v.Groups = append(v.Groups, gv)
	}
	return v
}

// runText says what a run of steps does, from the option texts: checklist
// items to add, a first answer, a move to the next band, or a climb over
// several bands ("“Quarterly” → “Weekly” → “Daily”").
func runText(q *survey.Question, run scoring.Run, loc *locale.Localizer, l string) string {
	texts := make([]string, len(run.Options))
	for i, id := range run.Options {
		o, _ := q.Option(id)
		texts[i] = o.Text.In(l)
	}
	switch {
	case q.Type == survey.Multi:
		return loc.T("page.assessment_result.step_tick", "To", strings.Join(texts, "”, “"))
	case len(run.From) == 0 && len(texts) == 1:
		return loc.T("page.assessment_result.step_start", "To", texts[0])
	case len(texts) == 1:
		from, _ := q.Option(run.From[0])
		return loc.T("page.assessment_result.step_move", "From", from.Text.In(l), "To", texts[0])
	}
	if len(run.From) > 0 {
		from, _ := q.Option(run.From[0])
		texts = append([]string{from.Text.In(l)}, texts...)
	}
	return loc.T("page.assessment_result.step_climb", "Chain", strings.Join(texts, "” → “"))
}

// practiceText says what a step means in practice. The instrument has no
// text per option that says so (its help says how to answer), so it is
// one sentence per kind of step: a notch up a scale, or an item ticked.
func practiceText(q *survey.Question, loc *locale.Localizer) string {
	if q.Type == survey.Multi {
		return loc.T("page.assessment_result.practice_tick")
	}
	return loc.T("page.assessment_result.practice_notch")
}

// standingText says what holds a score at its level: the level's
// threshold and the points its next level still needs (scoring.StandingOf).
func standingText(in *survey.Instrument, score float64, loc *locale.Localizer, l string) string {
	st := scoring.StandingOf(in, score)
	if st.Next < 0 {
		return loc.T("page.assessment_result.standing_top", "Min", threshold(loc, st.Min))
	}
	return loc.T("page.assessment_result.standing", "Min", threshold(loc, st.Min), "Short", loc.Decimal(st.Short, 1),
		"Next", in.Levels[st.Next].Name.In(l))
}

// levelsNote lists the thresholds every pillar and the overall score share.
func levelsNote(in *survey.Instrument, loc *locale.Localizer, l string) string {
	var parts []string
	for _, lv := range in.Levels {
		parts = append(parts, loc.T("page.assessment_result.threshold", "Name", lv.Name.In(l), "Min", threshold(loc, lv.Min)))
	}
	return loc.T("page.assessment_result.levels_note", "Thresholds", strings.Join(parts, "; "))
}

// threshold writes a level's minimum score: whole numbers without decimals.
func threshold(loc *locale.Localizer, x float64) string {
	if x == math.Trunc(x) {
		return loc.Decimal(x, 0)
	}
	return loc.Decimal(x, 1)
}
