package charts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
)

// RadarFrame is a radar chart's option without its values: the axes and
// the series' names as Radar draws them. Radar builds every chart through
// go-echarts and two JSON round trips; a page that draws the same axes and
// names many times (the result page: the firm and its groups' averages)
// builds the frame once and puts each chart's values in. A frame is never
// changed after NewRadarFrame, so goroutines may share it.
type RadarFrame struct {
	axes   int
	names  []string
	opt    map[string]any   // the option as Radar makes it, values zero
	series []map[string]any // opt's series, by index
	data   []map[string]any // each series' one data item
	// pieces are the option's JSON as finish writes it, cut where the
	// Locale (hole -1) and each series' values (hole i) go: Chart writes
	// the pieces and fills the holes, instead of cloning opt and marshaling
	// it whole (25-83 µs and 159 allocations a chart; now 6-25 µs and 4).
	// The names were escaped by json.Marshal in the pieces.
	pieces [][]byte
	holes  []int // holes[k] is what goes after pieces[k]
}

// holeMark is the JSON NewRadarFrame puts where hole i goes: an object,
// which no name can write (a name's quotes are escaped).
func holeMark(i int) json.RawMessage { return json.RawMessage(fmt.Sprintf(`{"hole%d":0}`, i)) }

// NewRadarFrame builds the frame of radar charts over axes with series of
// names, in that order.
func NewRadarFrame(axes, names []string) (*RadarFrame, error) {
	series := make([]Series, len(names))
	for i, n := range names {
		series[i] = Series{Name: n, Values: make([]float64, len(axes))}
	}
	opt, err := radarOption(axes, series)
	if err != nil {
		return nil, err
	}
	f := &RadarFrame{axes: len(axes), names: slices.Clone(names), opt: opt}
	list, _ := opt["series"].([]any)
	if len(list) != len(names) {
		return nil, fmt.Errorf("charts: radar frame: %d series drawn for %d names", len(list), len(names))
	}
	for i, x := range list {
		s, _ := x.(map[string]any)
		data, _ := s["data"].([]any)
		if len(data) != 1 {
			return nil, fmt.Errorf("charts: radar frame: series %d has %d data items, not one", i, len(data))
		}
		d, _ := data[0].(map[string]any)
		if _, ok := d["value"].([]any); !ok {
			return nil, fmt.Errorf("charts: radar frame: series %d has no values", i)
		}
		f.series, f.data = append(f.series, s), append(f.data, d)
	}
	if !f.cut() {
		f.pieces, f.holes = nil, nil // Chart marshals each chart whole
	}
	return f, nil
}

// cut marshals the frame's option with a mark in each hole and cuts it
// into pieces there; false if it cannot (a mark not found once).
func (f *RadarFrame) cut() bool {
	opt := maps.Clone(f.opt)
	opt[localeKey] = holeMark(-1)
	list := make([]any, len(f.series))
	for i := range f.series {
		d := maps.Clone(f.data[i])
		d["value"] = holeMark(i)
		s := maps.Clone(f.series[i])
		s["data"] = []any{d}
		list[i] = s
	}
	opt["series"] = list
	b, err := json.Marshal(opt)
	if err != nil {
		return false
	}
	type at struct{ pos, hole int }
	var ats []at
	for h := -1; h < len(f.series); h++ {
		m := holeMark(h)
		if bytes.Count(b, m) != 1 {
			return false
		}
		ats = append(ats, at{bytes.Index(b, m), h})
	}
	slices.SortFunc(ats, func(x, y at) int { return x.pos - y.pos })
	start := 0
	for _, a := range ats {
		f.pieces = append(f.pieces, b[start:a.pos])
		f.holes = append(f.holes, a.hole)
		start = a.pos + len(holeMark(a.hole))
	}
	f.pieces = append(f.pieces, b[start:])
	return true
}

// Chart is Radar(id, label, loc, axes, series) for series of the frame's
// names, byte for byte, without drawing the frame again.
func (f *RadarFrame) Chart(id, label string, loc Locale, series []Series) (Chart, error) {
	if len(series) != len(f.names) {
		return Chart{}, fmt.Errorf("charts: radar frame of %d series given %d", len(f.names), len(series))
	}
	for i, s := range series {
		if s.Name != f.names[i] {
			return Chart{}, fmt.Errorf("charts: radar frame's series %d is %q, not %q", i, f.names[i], s.Name)
		}
		if len(s.Values) != f.axes {
			return Chart{}, fmt.Errorf("charts: series %q has %d values for %d axes", s.Name, len(s.Values), f.axes)
		}
	}
	if !anyFigure(series) {
		return Chart{ID: id, Label: label, Empty: true}, nil
	}
	if f.pieces != nil {
		if c, ok, err := f.written(id, label, loc, series); ok || err != nil {
			return c, err
		}
	}
	return f.marshaled(id, label, loc, series)
}

// written is the chart written from the frame's pieces; ok is false when
// a value is infinite (json.Marshal's error is marshaled's to give).
func (f *RadarFrame) written(id, label string, loc Locale, series []Series) (c Chart, ok bool, err error) {
	lj, err := json.Marshal(loc) // escapes <, > and & as finish does
	if err != nil {
		return Chart{}, false, err
	}
	n := len(lj) + 8*f.axes*len(series)
	for _, p := range f.pieces {
		n += len(p)
	}
	b := make([]byte, 0, n)
	for k, p := range f.pieces {
		b = append(b, p...)
		if k == len(f.holes) {
			break
		}
		if h := f.holes[k]; h < 0 {
			b = append(b, lj...)
		} else if b, ok = appendValues(b, series[h].Values); !ok {
			return Chart{}, false, nil
		}
	}
	return Chart{ID: id, Option: string(b), Label: label}, true, nil
}

// appendValues appends the JSON array of vs as value() gives each and
// json.Marshal writes it; ok is false for an infinite value.
func appendValues(b []byte, vs []float64) ([]byte, bool) {
	b = append(b, '[')
	for j, v := range vs {
		if j > 0 {
			b = append(b, ',')
		}
		if math.IsNaN(v) {
			b = append(b, `"`+gap+`"`...)
			continue
		}
		r := round1(v)
		if math.IsInf(r, 0) {
			return b, false
		}
		b = appendJSONFloat(b, r)
	}
	return append(b, ']'), true
}

// appendJSONFloat appends f as encoding/json writes a float64.
func appendJSONFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // 1e-07 as 1e-7
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// marshaled is the chart as Radar makes it: the frame's option cloned with
// the values in, marshaled whole.
func (f *RadarFrame) marshaled(id, label string, loc Locale, series []Series) (Chart, error) {
	list := make([]any, len(series))
	for i, s := range series {
		rounded := make([]any, len(s.Values))
		for j, v := range s.Values {
			rounded[j] = value(v)
		}
		d := maps.Clone(f.data[i])
		d["value"] = rounded
		fs := maps.Clone(f.series[i])
		fs["data"] = []any{d}
		list[i] = fs
	}
	opt := maps.Clone(f.opt)
	opt["series"] = list
	return finish(id, label, loc, opt, series)
}
