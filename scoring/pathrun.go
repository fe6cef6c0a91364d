package scoring

import "slices"

// Run is the steps of a path group on one question, which are notches
// taken one after another on its scale (or items ticked one after
// another): the page says them in one line, "Quarterly → Weekly → Daily:
// 3 steps, +2.4 overall points", and still counts every step.
type Run struct {
	QuestionID string
	From       []string // the answer before the run's first step
	Options    []string // the option each step chooses or ticks, in order
	Steps      int
	Gain       float64 // overall points the run's steps add together
}

// Runs collapses the group's steps on each question into one run, placed
// where the question's first step stands (the steps are ranked by gain,
// so the runs are too by their first step). The runs' Steps add up to
// len(g.Steps) and their Gain to g.Gain.
func (g StepGroup) Runs() []Run {
	var runs []Run
	for _, st := range g.Steps {
		i := slices.IndexFunc(runs, func(r Run) bool { return r.QuestionID == st.QuestionID })
		if i < 0 {
			runs = append(runs, Run{QuestionID: st.QuestionID, From: st.From})
			i = len(runs) - 1
		}
		runs[i].Options = append(runs[i].Options, st.Option)
		runs[i].Steps++
		runs[i].Gain += st.Gain
	}
	return runs
}
