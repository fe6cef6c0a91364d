// Package charts builds ECharts options with go-echarts for the portal's
// pages. A Chart carries its option as JSON: the page puts it in a
// data-option attribute (html/template escapes it) and /static/js/charts.js
// draws it. We never use go-echarts' RenderSnippet: its inline script is not
// escaped (a firm name can break out of it) and would need a CSP exception
// (STACK.md §3). No HTTP, no SQL.
package charts

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Chart is a chart ready for a page.
type Chart struct {
	ID     string
	Option string // ECharts option, JSON; "" when Empty
	Label  string // what the chart shows, for screen readers
	// Empty is true when the chart has no figure to draw: every value is
	// a gap (NaN, a figure package disclosure suppressed) or there are no
	// values at all. The page says "too few firms to show" instead of
	// drawing empty axes, and the option is not sent.
	Empty bool
}

// Locale is what /static/js/charts.js needs to write a chart's numbers
// as the page's tables do (locale.Localizer): the decimal and grouping
// separators, and the words for a suppressed figure (a gap). It travels
// in the option under the key "dxready", which charts.js takes out before
// ECharts sees the option.
type Locale struct {
	Decimal string `json:"decimal"`
	Group   string `json:"group"`
	Gap     string `json:"gap"`
}

// localeKey is the option's key for its Locale.
const localeKey = "dxready"

// Series is one named line of values.
type Series struct {
	Name   string
	Values []float64
}

// Radar draws series over axes, each axis running 0–100; NaN values
// (suppressed figures) are gaps.
func Radar(id, label string, loc Locale, axes []string, series []Series) (Chart, error) {
	opt, err := radarOption(axes, series)
	if err != nil {
		return Chart{}, err
	}
	return finish(id, label, loc, opt, series)
}

// radarOption is Radar's option before its Locale, as JSON values.
func radarOption(axes []string, series []Series) (map[string]any, error) {
	ind := make([]*opts.Indicator, len(axes))
	for i, a := range axes {
		ind[i] = &opts.Indicator{Name: wrapWords(a, 14), Max: 100}
	}
	r := charts.NewRadar()
	r.SetGlobalOptions(
		charts.WithRadarComponentOpts(opts.RadarComponent{Indicator: ind, Shape: "polygon", SplitNumber: 5, Center: []string{"50%", "42%"}}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true)}),
	)
	for _, s := range series {
		if len(s.Values) != len(axes) {
			return nil, fmt.Errorf("charts: series %q has %d values for %d axes", s.Name, len(s.Values), len(axes))
		}
		rounded := make([]any, len(s.Values))
		for i, v := range s.Values {
			rounded[i] = value(v)
		}
		// Long names ("Average: industry of …") wrap, so that the legend and
		// the tooltip, drawn on the canvas, stay inside a phone's width.
		name := wrapWords(s.Name, seriesNameWidth)
		r.AddSeries(name, []opts.RadarData{{Name: name, Value: rounded}})
	}
	r.Validate()
	return withRadarRadius(r.JSON(), "58%")
}

// seriesNameWidth is about how many characters of a series name fit on one
// line of a legend or tooltip on a phone.
const seriesNameWidth = 36

// withRadarRadius sets ECharts' radar.radius, which go-echarts 2.6.7 does
// not expose: with the default, long pillar names were clipped at the sides
// of a phone screen (they are also wrapped, see wrapWords).
func withRadarRadius(opt map[string]any, radius string) (map[string]any, error) {
	b, err := json.Marshal(opt)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	set := func(rc map[string]any) {
		rc["radius"] = radius
		rc["axisName"] = map[string]any{"color": "#3d4753", "lineHeight": 15}
	}
	switch rc := m["radar"].(type) {
	case map[string]any:
		set(rc)
	case []any:
		for _, x := range rc {
			if mm, ok := x.(map[string]any); ok {
				set(mm)
			}
		}
	}
	return m, nil
}

// wrapWords breaks s into lines of about width characters at spaces
// (ECharts draws "\n" as a line break), so long axis names stay on screen.
func wrapWords(s string, width int) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(s) {
		n := utf8.RuneCountInString(w)
		if i > 0 {
			if line+1+n > width {
				b.WriteByte('\n')
				line = 0
			} else {
				b.WriteByte(' ')
				line++
			}
		}
		b.WriteString(w)
		line += n
	}
	return b.String()
}
