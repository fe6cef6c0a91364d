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
// instrument's own words.
type pathView struct {
	Groups    []pathGroup
	Count     int
	Reachable bool
	Reaches   float64
}

type pathGroup struct {
	Pillar string
	Gain   float64
	Steps  []pathStep
}

// pathStep is one step: the question, what it means in practice ("Move
// from 'Paper' to 'Spreadsheets'") and the overall points it adds.
type pathStep struct {
	Question, Do string
	Gain         float64
}

func pathViewOf(in *survey.Instrument, p scoring.Path, loc *locale.Localizer, l string) pathView {
	v := pathView{Count: p.Len(), Reachable: p.Reachable, Reaches: p.Reaches}
	for _, g := range p.Groups {
		pl, _ := in.Pillar(g.PillarID)
		gv := pathGroup{Pillar: pl.Name.In(l), Gain: g.Gain}
		for _, st := range g.Steps {
			q, _ := in.Question(st.QuestionID)
			gv.Steps = append(gv.Steps, pathStep{Question: q.Text.In(l), Do: stepText(q, st, loc, l), Gain: st.Gain})
		}
		v.Groups = append(v.Groups, gv)
	}
	return v
}

// stepText says what a step means in practice, from the option texts:
// a checklist item to add, a first answer, or a move to the next band.
func stepText(q *survey.Question, st scoring.Step, loc *locale.Localizer, l string) string {
	to, _ := q.Option(st.Option)
	if q.Type == survey.Multi {
		return loc.T("page.assessment_result.step_tick", "To", to.Text.In(l))
	}
	if len(st.From) == 0 {
		return loc.T("page.assessment_result.step_start", "To", to.Text.In(l))
	}
	from, _ := q.Option(st.From[0])
	return loc.T("page.assessment_result.step_move", "From", from.Text.In(l), "To", to.Text.In(l))
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
