package scoring

import (
	"cmp"
	"slices"

	"dxready/survey"
)

// Step is one notch on one question: the next better option of a
// single-choice question on its scale, or one more ticked item of a
// checklist.
type Step struct {
	QuestionID string
	PillarID   string
	From, To   []string // the whole answer before and after the step
	Option     string   // the option the step chooses (single) or ticks (checklist)
	Gain       float64  // overall points the step adds
}

// StepGroup is the steps of the path on one pillar.
type StepGroup struct {
	PillarID string
	Steps    []Step
	Gain     float64 // overall points of the group's steps together
}

// Path is the fewest one-notch steps that lift the overall score to the
// next level, grouped by pillar.
type Path struct {
	NextLevel int // -1 at the top level
	Groups    []StepGroup
	Reachable bool    // false when even every step available falls short
	Reaches   float64 // the overall score after the steps
}

// Len is the number of steps on the path.
func (p Path) Len() int {
	n := 0
	for _, g := range p.Groups {
		n += len(g.Steps)
	}
	return n
}

// Steps is every step of the path, group after group.
func (p Path) Steps() []Step {
	var out []Step
	for _, g := range p.Groups {
		out = append(out, g.Steps...)
	}
	return out
}

// notch is one step a question can still take, in the order it must be
// taken (the second band of a scale only after the first).
type notch struct {
	option string
	gain   float64
	rank   float64 // the gain, or a previous notch's rank when lower, so a question's notches stay in order
}

// chain is the notches one question can still climb; taken of them are on
// the path.
type chain struct {
	it      item
	pillar  string
	notches []notch
	taken   int
	rate    float64 // the best average gain per step of the next notches; -1: not known
}

// pathToNext finds the fewest one-notch steps that reach the next level.
//
// Steps are small on purpose: a firm at "0%" is asked to move to the next
// band, not to "over 60%". The overall score is linear in each question's
// points while applicability stays fixed, so a step's gain is known in
// advance: the question's weight share times the points the notch adds.
// Each round takes the first notch of the question whose next notches
// gain the most per step on average (a scale whose first notch is worth
// little but whose second is worth much is climbed when the pair pays),
// which for scales with even bands is simply the largest gain first; then
// steps not needed to stay at the threshold are dropped, smallest first.
//
// Gateway questions (whose answer decides whether follow-up questions are
// asked) are never proposed: changing them adds or removes questions, and
// an added question counts 0 until answered, so their gain is not what it
// seems. "Not applicable" answers are not proposed either: answering them
// changes what the pillar is scored over.
func pathToNext(in *survey.Instrument, r Result, items []item, sumW float64) Path {
	p := Path{NextLevel: -1}
	if r.Level+1 >= len(in.Levels) || sumW == 0 {
		return p
	}
	p.NextLevel = r.Level + 1
	target := in.Levels[p.NextLevel].Min
	gateways := gatewayQuestions(in)
	var chains []*chain
	for _, it := range items {
		if gateways[it.q.ID] {
			continue
		}
		coeff := in.Pillars[it.pillar].Weight / sumW * it.q.Weight / r.Pillars[it.pillar].Possible * 100
		if c := notchesOf(it, in.Pillars[it.pillar].ID, coeff); len(c.notches) > 0 {
			chains = append(chains, c)
		}
	}
	const eps = 1e-9
	total := r.Overall
	for total < target-eps {
		c := bestChain(chains)
		if c == nil {
			break
		}
		total += c.notches[c.taken].gain
		c.taken, c.rate = c.taken+1, -1
	}
	p.Reachable = total >= target-eps
	if p.Reachable {
		total = dropSpare(chains, total, target-eps)
	}
	p.Groups = groupSteps(in, chains, r.Priorities())
	p.Reaches = min(100, total)
	return p
}

// bestChain is the chain whose next notches gain the most per step on
// average, or nil when no notch is left.
func bestChain(chains []*chain) *chain {
	var best *chain
	for _, c := range chains {
		if c.rate < 0 { // the chain moved: its rate is computed again
			c.rate = 0
			sum := 0.0
			for i, n := range c.notches[c.taken:] {
				sum += n.gain
				c.rate = max(c.rate, sum/float64(i+1))
			}
		}
		if c.rate > 1e-12 && (best == nil || c.rate > best.rate+1e-12) {
			best = c
		}
	}
	return best
}

// dropSpare drops the last taken notch of a chain, smallest gain first,
// while the total stays at or over floor, and returns the new total.
func dropSpare(chains []*chain, total, floor float64) float64 {
	for {
		var drop *chain
		for _, c := range chains {
			if c.taken == 0 {
				continue
			}
			g := c.notches[c.taken-1].gain
			if total-g >= floor && (drop == nil || g < drop.notches[drop.taken-1].gain) {
				drop = c
			}
		}
		if drop == nil {
			return total
		}
		total -= drop.notches[drop.taken-1].gain
		drop.taken--
	}
}

// groupSteps groups the taken notches by pillar, in the order of
// orderGroups, and in each group the steps by gain, largest first, a
// question's notches in the order they must be taken.
func groupSteps(in *survey.Instrument, chains []*chain, first []string) []StepGroup {
	type ranked struct {
		step Step
		rank float64
	}
	byPillar := map[string][]ranked{}
	for _, c := range chains {
		from := c.it.answer.Options
		for _, n := range c.notches[:c.taken] {
			to := []string{n.option}
			if c.it.q.Type == survey.Multi {
				to = append(slices.DeleteFunc(slices.Clone(from), func(id string) bool { return exclusive(c.it.q, id) }), n.option)
			}
			st := Step{QuestionID: c.it.q.ID, PillarID: c.pillar, From: slices.Clone(from), To: to, Option: n.option, Gain: n.gain}
			byPillar[c.pillar] = append(byPillar[c.pillar], ranked{st, n.rank})
			from = to
		}
	}
	var groups []StepGroup
	for _, pl := range in.Pillars {
		rs := byPillar[pl.ID]
		// Stable: equal ranks keep question order, and a question's notches
		// (whose ranks never rise) their order.
		slices.SortStableFunc(rs, func(a, b ranked) int { return cmp.Compare(b.rank, a.rank) })
		g := StepGroup{PillarID: pl.ID}
		for _, r := range rs {
			g.Steps = append(g.Steps, r.step)
			g.Gain += r.step.Gain
		}
		if len(g.Steps) > 0 {
			groups = append(groups, g)
		}
	}
	orderGroups(groups, first)
	return groups
}

// orderGroups puts the groups of the pillars in first (the result's
// Priorities, which the result page names under "What to work on first")
// at the head in that order, then the others by the overall points their
// steps add together, most first (instrument order on ties). So the path
// starts where the page says to start, and never gives a second answer.
func orderGroups(groups []StepGroup, first []string) {
	rank := func(g StepGroup) int {
		if i := slices.Index(first, g.PillarID); i >= 0 {
			return i
		}
		return len(first)
	}
	slices.SortStableFunc(groups, func(a, b StepGroup) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		return cmp.Compare(b.Gain, a.Gain)
	})
}

// notchesOf lists the notches it's question can still climb, each worth
// coeff overall points per question point.
func notchesOf(it item, pillar string, coeff float64) *chain {
	c := &chain{it: it, pillar: pillar, rate: -1}
	pts := it.points
	add := func(opt string, toPts float64) {
		n := notch{option: opt, gain: coeff * (toPts - pts)}
		n.rank = n.gain
		if k := len(c.notches); k > 0 {
			n.rank = min(n.rank, c.notches[k-1].rank)
		}
		c.notches = append(c.notches, n)
		pts = toPts
	}
	q := it.q
	if q.Type == survey.Single {
		for o, ok := nextOption(q, pts); ok; o, ok = nextOption(q, pts) {
			add(o.ID, o.Points)
		}
		return c
	}
	sum := 0.0 // the ticked items' points, before the cap
	for _, id := range it.answer.Options {
		if o, ok := q.Option(id); ok {
			sum += o.Points
		}
	}
	for _, o := range itemsToTick(q, it.answer.Options) {
		sum += o.Points
		if toPts := min(sum, q.MaxPoints()); toPts > pts {
			add(o.ID, toPts)
		}
	}
	return c
}

// nextOption is the next better option on q's scale than pts: the one
// worth the least of those worth more (the first such on the scale).
func nextOption(q *survey.Question, pts float64) (survey.Option, bool) {
	var next survey.Option
	found := false
	for _, o := range q.Options {
		if o.Points > pts && (!found || o.Points < next.Points) {
			next, found = o, true
		}
	}
	return next, found
}

// itemsToTick is the checklist items not ticked yet, the most valuable
// first (the scale's order among equals). An item worth no points is a
// "none of these" answer, exclusive of the others: it is never proposed,
// and ticking any item clears it.
func itemsToTick(q *survey.Question, ticked []string) []survey.Option {
	var out []survey.Option
	for _, o := range q.Options {
		if !slices.Contains(ticked, o.ID) && !exclusive(q, o.ID) {
			out = append(out, o)
		}
	}
	slices.SortStableFunc(out, func(a, b survey.Option) int { return cmp.Compare(b.Points, a.Points) })
	return out
}

// exclusive reports whether id is a checklist item worth nothing, which
// can only mean "none of these".
func exclusive(q *survey.Question, id string) bool {
	o, ok := q.Option(id)
	return q.Type == survey.Multi && ok && o.Points <= 0
}

func gatewayQuestions(in *survey.Instrument) map[string]bool {
	g := map[string]bool{}
	for _, q := range in.Questions() {
		if q.When != nil && q.When.Question != "" {
			g[q.When.Question] = true
		}
	}
	return g
}
