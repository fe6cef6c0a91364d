package scoring

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// The walkthrough's "65.2 Advanced" beside "63.9 Forming": a threshold
// (Advanced from 65) lies between them, and each pillar says how far its
// next level is.
func TestStandingOf(t *testing.T) {
	in := real(t)
	cases := []struct {
		name        string
		score       float64
		level, next int
		min, short  float64
	}{
		{"just over a threshold", 65.2, 4, 5, 65, 19.8},
		{"just under it", 63.9, 3, 4, 45, 1.1},
		{"a hair under it is never 0 points short", 64.99, 3, 4, 45, 0.1},
		{"on the threshold", 45, 3, 4, 45, 20},
		{"nothing", 0, 0, 1, 0, 10},
		{"the top has no next level", 100, 5, -1, 85, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := StandingOf(in, c.score)
			if s.Level != c.level || s.Next != c.next || !near(s.Min, c.min) || !near(s.Short, c.short) {
				t.Fatalf("StandingOf(%v) = %+v, want level %d from %v, next %d, %v short", c.score, s, c.level, c.min, c.next, c.short)
			}
			if s.Next >= 0 && (s.NextMin != in.Levels[s.Next].Min || Shown(c.score)+s.Short < s.NextMin-1e-9) {
				t.Fatalf("StandingOf(%v) = %+v does not reach its next level", c.score, s)
			}
		})
	}
}

// TestStandingAddsUpAsShown is a walkthrough's finding: "46,3 … 18,8
// points short of 65" added up to 65,1, the score rounded one way and the
// gap the other. Over many scores, the score as shown plus the gap is the
// next threshold, to the tenth, except for a score a hair under it that
// shows as the threshold itself, which is 0.1 short.
func TestStandingAddsUpAsShown(t *testing.T) {
	in := real(t)
	rng := rand.New(rand.NewPCG(46, 3))
	scores := []float64{46.25, 46.26, 60.94, 28.55, 64.95, 64.96, 44.999}
	for range 5000 {
		scores = append(scores, rng.Float64()*100)
	}
	for _, score := range scores {
		s := StandingOf(in, score)
		if s.Next < 0 {
			continue
		}
		shown := Shown(score)
		switch {
		case shown >= s.NextMin:
			if s.Short != 0.1 {
				t.Fatalf("%v (shown %v) under %v: %v short, want 0.1", score, shown, s.NextMin, s.Short)
			}
		case math.Abs(shown+s.Short-s.NextMin) > 1e-9 || s.Short < 0.1:
			t.Fatalf("%v shows as %v and is %v short of %v: they do not add up", score, shown, s.Short, s.NextMin)
		}
		if got := strconv.FormatFloat(s.Short, 'f', -1, 64); len(got) > 5 {
			t.Fatalf("%v: %v short is not to the tenth", score, s.Short)
		}
	}
}

// Levels follow the score: over many responses, a pillar (or the overall
// score) with the higher score never has the lower level, and the level
// the result shows is the standing's.
func TestLevelsFollowTheScore(t *testing.T) {
	in := real(t)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 500 {
		r := Score(in, profiles[i%len(profiles)], randomAnswers(in, rng))
		scores := []float64{r.Overall}
		for _, p := range r.Pillars {
			if p.Scored {
				scores = append(scores, p.Score)
			}
		}
		if StandingOf(in, r.Overall).Level != r.Level {
			t.Fatalf("overall %.4f: level %d, standing %+v", r.Overall, r.Level, StandingOf(in, r.Overall))
		}
		for _, a := range scores {
			for _, b := range scores {
				if a > b && StandingOf(in, a).Level < StandingOf(in, b).Level {
					t.Fatalf("score %.4f has level %d below score %.4f's %d", a, StandingOf(in, a).Level, b, StandingOf(in, b).Level)
				}
			}
		}
	}
}
