package charts

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Trend draws series over categories (quarters) as Line does, with two
// differences open data needs: the value axis runs from 0 to max; when max
// is 0, from 0 with whole ticks (a count of firms); when max is negative,
// over the figures' own range (a province's mean moves by a point or two a
// quarter, flat on a 0–100 axis, and its interval would hide in the line
// at that scale); and bounds
// are drawn as thin dashed lines without markers (the lower and upper
// bounds of an estimate's 95% confidence interval), so they read as the
// interval around the solid line and not as figures of their own. NaN
// values are gaps, in bounds too.
func Trend(id, label string, loc Locale, categories []string, series, bounds []Series, max float64) (Chart, error) {
	if err := checkLengths(categories, append(append([]Series{}, series...), bounds...)); err != nil {
		return Chart{}, err
	}
	y := opts.YAxis{Type: "value"}
	switch {
	case max > 0:
		y.Min, y.Max = 0, max
	case max == 0:
		y.Min, y.MinInterval = 0, 1
	default: // the figures' own range: a change of a point over the quarters shows
		y.Scale = opts.Bool(true)
	}
	l := charts.NewLine()
	l.SetGlobalOptions(charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithYAxisOpts(y),
		charts.WithGridOpts(opts.Grid{ContainLabel: opts.Bool(true), Left: "8", Right: "16", Top: "16", Bottom: "40"}))
	l.SetXAxis(categories)
	add := func(s Series, extra ...charts.SeriesOpts) {
		data := make([]opts.LineData, len(s.Values))
		for i, v := range s.Values {
			data[i] = opts.LineData{Value: value(v)}
		}
		l.AddSeries(s.Name, data, append([]charts.SeriesOpts{charts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(false)})}, extra...)...)
	}
	for _, s := range series {
		add(s)
	}
	for _, b := range bounds {
		add(b, charts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(false), ShowSymbol: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Width: 1, Color: "#7a8694"}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: "#7a8694"}))
	}
	l.Validate()
	return finish(id, label, loc, l.JSON(), series)
}
