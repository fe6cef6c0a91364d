// Package survey holds the self-assessment instrument and responses to it.
// An instrument is data: an embedded, versioned TOML file of pillars,
// questions, answer scales, levels and advice, in Vietnamese and English.
// Loading validates it completely; the portal refuses to start with a broken
// one. A version, once used, never changes: a new version is a new file, and
// every response records the instrument ID and version it answered.
//
// The package is pure: no HTTP, no SQL, no templates.
package survey

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Text is a string in both languages.
type Text struct {
	VI string `toml:"vi"`
	EN string `toml:"en"`
}

// In returns the text in lang ("en", else Vietnamese).
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.EN
	}
	return t.VI
}

func (t Text) complete() bool { return t.VI != "" && t.EN != "" }

// Question types.
const (
	Single = "single" // choose one option (a frequency band, a share band, yes/no…)
	Multi  = "multi"  // tick every option that applies (tools in use)
)

// Option is one answer to a question, worth Points.
type Option struct {
	ID     string  `toml:"id"`
	Points float64 `toml:"points"`
	Text   Text    `toml:"text"`
}

// Scale is a named, reusable list of options (e.g. a frequency band), so the
// same answers read the same way across questions.
type Scale struct {
	Options []Option `toml:"options"`
}

// Condition says when a question applies. All given parts must hold:
// the firm's VSIC section is one of Sections, its size class one of Sizes,
// and the answer to Question includes one of AnyOf.
type Condition struct {
	Sections []string `toml:"sections"`
	Sizes    []string `toml:"sizes"`
	Question string   `toml:"question"`
	AnyOf    []string `toml:"any_of"`
}

// Question is one item of a pillar.
type Question struct {
	ID      string     `toml:"id"`
	Type    string     `toml:"type"`
	Scale   string     `toml:"scale"`   // a scale's name, or "" for own options
	Options []Option   `toml:"options"` // filled from Scale at load when Scale is set
	Weight  float64    `toml:"weight"`
	Cap     float64    `toml:"cap"` // multi: points counted at most (0: the sum of all options)
	AllowNA bool       `toml:"allow_na"`
	Text    Text       `toml:"text"`
	Help    Text       `toml:"help"`
	When    *Condition `toml:"when"`

	pillar string
	index  int // position in the whole instrument
}

// Pillar returns the ID of the pillar the question belongs to.
func (q *Question) Pillar() string { return q.pillar }

// Option returns the option with id.
func (q *Question) Option(id string) (Option, bool) {
	for _, o := range q.Options {
		if o.ID == id {
			return o, true
		}
	}
	return Option{}, false
}

// MaxPoints is the most the question can score.
func (q *Question) MaxPoints() float64 {
	if q.Type == Single {
		m := 0.0
		for _, o := range q.Options {
			m = max(m, o.Points)
		}
		return m
	}
	sum := 0.0
	for _, o := range q.Options {
		sum += o.Points
	}
	if q.Cap > 0 {
		return min(sum, q.Cap)
	}
	return sum
}

// Pillar is one of the six DBI pillars.
type Pillar struct {
	ID          string     `toml:"id"`
	Weight      float64    `toml:"weight"`
	Name        Text       `toml:"name"`
	Description Text       `toml:"description"`
	Advice      []Text     `toml:"advice"` // one per level, 0 first
	Questions   []Question `toml:"questions"`
}

// Level is a readiness level and the overall score from which it is reached.
type Level struct {
	Level       int     `toml:"level"`
	Min         float64 `toml:"min"`
	Name        Text    `toml:"name"`
	Description Text    `toml:"description"`
}

// Instrument is one version of the questionnaire.
type Instrument struct {
	ID          string           `toml:"id"`
	Version     int              `toml:"version"`
	Name        Text             `toml:"name"`
	Description Text             `toml:"description"`
	Basis       Text             `toml:"basis"` // what the instrument is modelled on, and what is our own
	Scales      map[string]Scale `toml:"scales"`
	Levels      []Level          `toml:"levels"`
	Pillars     []Pillar         `toml:"pillars"`

	// Hash is the SHA-256 of the file: the store refuses a changed file
	// under a version that responses already use.
	Hash string `toml:"-"`

	questions []*Question
	byID      map[string]*Question
	pillars   map[string]*Pillar
}

// Key is "ID@Version", how responses name their instrument.
func (in *Instrument) Key() string { return fmt.Sprintf("%s@%d", in.ID, in.Version) }

// Questions returns every question in order.
func (in *Instrument) Questions() []*Question { return in.questions }

// Question returns the question with id.
func (in *Instrument) Question(id string) (*Question, bool) { q, ok := in.byID[id]; return q, ok }

// Pillar returns the pillar with id.
func (in *Instrument) Pillar(id string) (*Pillar, bool) { p, ok := in.pillars[id]; return p, ok }

// LevelFor returns the highest level whose minimum score reaches.
func (in *Instrument) LevelFor(score float64) Level {
	l := in.Levels[0]
	for _, lv := range in.Levels {
		if score >= lv.Min {
			l = lv
		}
	}
	return l
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
