package survey

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

//go:embed instruments/*.toml
var instrumentFS embed.FS

// DefaultID is the instrument new assessments use, in its latest version.
const DefaultID = "dbi-2021"

// Limits on what an instrument may say.
const (
	MaxPoints = 10.0 // per option
	MaxWeight = 10.0 // per question or pillar
)

// LoadEmbedded parses and validates every embedded instrument, keyed by
// "ID@Version".
func LoadEmbedded() (map[string]*Instrument, error) {
	return LoadFS(instrumentFS, "instruments")
}

// LoadFS parses and validates every .toml file in dir of fsys.
func LoadFS(fsys fs.FS, dir string) (map[string]*Instrument, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.toml"))
	if err != nil {
		return nil, err
	}
	out := map[string]*Instrument{}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		in, err := Parse(b)
		if err != nil {
			return nil, fmt.Errorf("survey: %s: %w", n, err)
		}
		if _, dup := out[in.Key()]; dup {
			return nil, fmt.Errorf("survey: %s: a second file for %s", n, in.Key())
		}
		out[in.Key()] = in
	}
	if len(out) == 0 {
		return nil, errors.New("survey: no instrument found")
	}
	return out, nil
}

// Latest returns the highest version of instrument id among all.
func Latest(all map[string]*Instrument, id string) (*Instrument, bool) {
	var best *Instrument
	for _, in := range all {
		if in.ID == id && (best == nil || in.Version > best.Version) {
			best = in
		}
	}
	return best, best != nil
}

// Parse reads one instrument file and validates it. The error lists every
// problem found, so an author can fix a file in one pass.
func Parse(b []byte) (*Instrument, error) {
	var in Instrument
	md, err := toml.Decode(string(b), &in)
	if err != nil {
		return nil, err
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return nil, fmt.Errorf("unknown keys: %s", strings.Join(keys, ", "))
	}
	in.Hash = hashOf(b)
	v := &validator{}
	in.index(v)
	in.validate(v)
	if len(v.problems) > 0 {
		return nil, errors.New(strings.Join(v.problems, "; "))
	}
	return &in, nil
}

type validator struct{ problems []string }

func (v *validator) add(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

// index resolves scales and builds the lookups.
func (in *Instrument) index(v *validator) {
	in.byID, in.pillars = map[string]*Question{}, map[string]*Pillar{}
	for pi := range in.Pillars {
		p := &in.Pillars[pi]
		if _, dup := in.pillars[p.ID]; dup || p.ID == "" {
			v.add("pillar id %q is empty or repeated", p.ID)
		}
		in.pillars[p.ID] = p
		for qi := range p.Questions {
			q := &p.Questions[qi]
			q.pillar, q.index = p.ID, len(in.questions)
			if q.Scale != "" {
				sc, ok := in.Scales[q.Scale]
				if !ok {
					v.add("question %s: no scale %q", q.ID, q.Scale)
				} else if len(q.Options) > 0 {
					v.add("question %s: has both a scale and its own options", q.ID)
				} else {
					q.Options = slices.Clone(sc.Options)
				}
			}
			if _, dup := in.byID[q.ID]; dup || q.ID == "" {
				v.add("question id %q is empty or repeated", q.ID)
			}
			in.byID[q.ID] = q
			in.questions = append(in.questions, q)
		}
	}
}

func (in *Instrument) validate(v *validator) {
	if in.ID == "" || in.Version < 1 {
		v.add("id and a version ≥ 1 are required")
	}
	for name, t := range map[string]Text{"name": in.Name, "description": in.Description, "basis": in.Basis} {
		if !t.complete() {
			v.add("instrument %s needs both languages", name)
		}
	}
	in.validateLevels(v)
	if len(in.Pillars) == 0 {
		v.add("no pillars")
	}
	for _, p := range in.Pillars {
		if p.Weight <= 0 || p.Weight > MaxWeight {
			v.add("pillar %s: weight %v outside (0, %v]", p.ID, p.Weight, MaxWeight)
		}
		if !p.Name.complete() || !p.Description.complete() {
			v.add("pillar %s: name and description need both languages", p.ID)
		}
		if len(p.Advice) != len(in.Levels) {
			v.add("pillar %s: %d advice texts for %d levels", p.ID, len(p.Advice), len(in.Levels))
		}
		for i, a := range p.Advice {
			if !a.complete() {
				v.add("pillar %s: advice for level %d needs both languages", p.ID, i)
			}
		}
		if len(p.Questions) == 0 {
			v.add("pillar %s: no questions", p.ID)
		}
		for i := range p.Questions {
			in.validateQuestion(v, &p.Questions[i])
		}
	}
}

func (in *Instrument) validateLevels(v *validator) {
	if len(in.Levels) < 2 {
		v.add("at least two levels are needed")
		return
	}
	sort.SliceStable(in.Levels, func(i, j int) bool { return in.Levels[i].Level < in.Levels[j].Level })
	for i, l := range in.Levels {
		if l.Level != i {
			v.add("levels must be numbered 0, 1, 2…; found %d at position %d", l.Level, i)
		}
		if i == 0 && l.Min != 0 {
			v.add("level 0 must start at score 0")
		}
		if i > 0 && l.Min <= in.Levels[i-1].Min {
			v.add("level %d: threshold %v does not increase", l.Level, l.Min)
		}
		if l.Min < 0 || l.Min > 100 {
			v.add("level %d: threshold %v outside 0–100", l.Level, l.Min)
		}
		if !l.Name.complete() || !l.Description.complete() {
			v.add("level %d: name and description need both languages", l.Level)
		}
	}
}

func (in *Instrument) validateQuestion(v *validator, q *Question) {
	if q.Type != Single && q.Type != Multi {
		v.add("question %s: type %q is neither single nor multi", q.ID, q.Type)
	}
	if q.Weight <= 0 || q.Weight > MaxWeight {
		v.add("question %s: weight %v outside (0, %v]", q.ID, q.Weight, MaxWeight)
	}
	if !q.Text.complete() || !q.Help.complete() {
		v.add("question %s: text and help need both languages", q.ID)
	}
	if len(q.Options) < 2 {
		v.add("question %s: fewer than two options", q.ID)
	}
	seen := map[string]bool{}
	for _, o := range q.Options {
		if o.ID == "" || seen[o.ID] || o.ID == NotApplicable {
			v.add("question %s: option id %q is empty, repeated or reserved", q.ID, o.ID)
		}
		seen[o.ID] = true
		if o.Points < 0 || o.Points > MaxPoints {
			v.add("question %s: option %s points %v outside 0–%v", q.ID, o.ID, o.Points, MaxPoints)
		}
		if !o.Text.complete() {
			v.add("question %s: option %s needs both languages", q.ID, o.ID)
		}
	}
	if q.MaxPoints() <= 0 {
		v.add("question %s: no option earns points", q.ID)
	}
	if q.Cap < 0 || (q.Cap > 0 && q.Type != Multi) {
		v.add("question %s: cap is only for multi questions", q.ID)
	}
	if c := q.When; c != nil && c.Question != "" {
		dep, ok := in.byID[c.Question]
		switch {
		case !ok:
			v.add("question %s: depends on unknown question %s", q.ID, c.Question)
		case dep.index >= q.index:
			v.add("question %s: depends on %s, which does not come before it", q.ID, c.Question)
		case len(c.AnyOf) == 0:
			v.add("question %s: condition on %s lists no answers", q.ID, c.Question)
		default:
			for _, o := range c.AnyOf {
				if _, ok := dep.Option(o); !ok {
					v.add("question %s: condition names option %s that %s does not have", q.ID, o, c.Question)
				}
			}
		}
	}
}
