package scoring

import (
	"math"
	"strconv"

	"dxready/survey"
)

// Standing is where a score stands among the instrument's levels: the
// level it reaches, from which score, and how far the next level is.
//
// Levels follow the score, and nothing else: every pillar and the overall
// score are placed by the one list of thresholds of the instrument
// (survey.Instrument.LevelFor), so a higher score never has a lower level.
// Two scores close together can still be a level apart when a threshold
// lies between them ("65.2 Advanced" beside "63.9 Forming": Advanced starts
// at 65). We keep that rule rather than add per-level conditions: DBI 2021
// publishes six named levels but no conditions per level
// (shared/domain/frameworks.md §1.2), and a rule of thresholds alone is the
// one a firm can check by reading its own scores. What was missing is the
// word: the result says, for each pillar, the threshold of its level and
// how many points its next level needs.
type Standing struct {
	Level   int
	Min     float64 // the score from which Level is reached
	Next    int     // the next level; -1 at the top
	NextMin float64 // the score from which Next is reached
	Short   float64 // points the score as shown (Shown) still misses for Next; never less than 0.1
}

// Shown is score as the portal writes it: to one decimal, rounded as
// strconv (and so locale.Localizer.Decimal) rounds it.
func Shown(score float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(score, 'f', 1, 64), 64)
	return v
}

// StandingOf places score among in's levels.
func StandingOf(in *survey.Instrument, score float64) Standing {
	lv := in.LevelFor(score)
	s := Standing{Level: lv.Level, Min: lv.Min, Next: -1}
	if lv.Level+1 < len(in.Levels) {
		next := in.Levels[lv.Level+1]
		s.Next, s.NextMin = next.Level, next.Min
		// From the score as shown, so that the two add up on the page
		// ("46,3 … 18,7 short of 65", not 18,8). A score a hair under the
		// threshold may show as the threshold itself: it is still 0.1
		// short, never 0.
		s.Short = max(0.1, math.Round((next.Min-Shown(score))*10)/10)
	}
	return s
}
