package charts

import (
	"fmt"
	"maps"
	"slices"
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
}

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
	return f, nil
}

// Chart is Radar(id, label, loc, axes, series) for series of the frame's
// names, byte for byte, without drawing the frame again.
func (f *RadarFrame) Chart(id, label string, loc Locale, series []Series) (Chart, error) {
	if len(series) != len(f.names) {
		return Chart{}, fmt.Errorf("charts: radar frame of %d series given %d", len(f.names), len(series))
	}
	list := make([]any, len(series))
	for i, s := range series {
		if s.Name != f.names[i] {
			return Chart{}, fmt.Errorf("charts: radar frame's series %d is %q, not %q", i, f.names[i], s.Name)
		}
		if len(s.Values) != f.axes {
			return Chart{}, fmt.Errorf("charts: series %q has %d values for %d axes", s.Name, len(s.Values), f.axes)
		}
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
