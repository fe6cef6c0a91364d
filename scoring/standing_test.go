package scoring

import (
	"math/rand/v2"
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
			if s.Next >= 0 && (s.NextMin != in.Levels[s.Next].Min || c.score+s.Short < s.NextMin-1e-9) {
				t.Fatalf("StandingOf(%v) = %+v does not reach its next level", c.score, s)
			}
		})
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
