package charts

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// gap is how ECharts draws a missing value: a suppressed figure (a group
// of fewer than 5 firms) is a gap, never a zero.
const gap = "-"

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// value is v rounded, or a gap for NaN.
func value(v float64) any {
	if math.IsNaN(v) {
		return gap
	}
	return round1(v)
}

// finish makes the chart of opt, with the page's Locale in it, or an Empty
// chart when no series has a figure to draw.
func finish(id, label string, loc Locale, opt map[string]any, series []Series) (Chart, error) {
	if !anyFigure(series) {
		return Chart{ID: id, Label: label, Empty: true}, nil
	}
	opt[localeKey] = loc
	b, err := json.Marshal(opt) // json.Marshal escapes <, > and &
	if err != nil {
		return Chart{}, err
	}
	return Chart{ID: id, Option: string(b), Label: label}, nil
}

// anyFigure is whether some series has a value that is not a gap.
func anyFigure(series []Series) bool {
	for _, s := range series {
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				return true
			}
		}
	}
	return false
}

func checkLengths(categories []string, series []Series) error {
	for _, s := range series {
		if len(s.Values) != len(categories) {
			return fmt.Errorf("charts: series %q has %d values for %d categories", s.Name, len(s.Values), len(categories))
		}
	}
	return nil
}

// Bars draws series as grouped horizontal bars, one band per category
// from the top down: the category names sit at the left, where they can
// wrap (charts.js, by the chart's width) without meeting each other, as
// names under upright bars did on a phone. max 0 lets the value axis scale
// itself and marks it a count (whole ticks only: "1.5 firms" means
// nothing), 100 suits scores. NaN values are gaps.
func Bars(id, label string, loc Locale, categories []string, series []Series, max float64) (Chart, error) {
	if err := checkLengths(categories, series); err != nil {
		return Chart{}, err
	}
	b := charts.NewBar()
	x := opts.XAxis{Type: "value"}
	if max > 0 {
		x.Max = max
	} else {
		x.MinInterval = 1
	}
	b.SetGlobalOptions(charts.WithLegendOpts(opts.Legend{Show: opts.Bool(len(series) > 1), Bottom: "0"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithXAxisOpts(x), charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true), AxisLabel: &opts.AxisLabel{Interval: "0"}}),
		charts.WithGridOpts(opts.Grid{ContainLabel: opts.Bool(true), Left: "8", Right: "24", Top: "8", Bottom: legendRoom(len(series))}))
	b.SetXAxis(categories).XYReversal()
	for _, s := range series {
		data := make([]opts.BarData, len(s.Values))
		for i, v := range s.Values {
			data[i] = opts.BarData{Value: value(v)}
		}
		b.AddSeries(s.Name, data)
	}
	b.Validate()
	return finish(id, label, loc, b.JSON(), series)
}

// legendRoom is the grid's bottom margin: room for the legend when there
// are several series.
func legendRoom(series int) string {
	if series > 1 {
		return "36"
	}
	return "8"
}

// Line draws series over categories (quarters) on a 0–100 axis; NaN values
// are gaps in the line.
func Line(id, label string, loc Locale, categories []string, series []Series) (Chart, error) {
	if err := checkLengths(categories, series); err != nil {
		return Chart{}, err
	}
	l := charts.NewLine()
	l.SetGlobalOptions(charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Min: 0, Max: 100}),
		charts.WithGridOpts(opts.Grid{ContainLabel: opts.Bool(true), Left: "8", Right: "16", Top: "16", Bottom: "40"}))
	l.SetXAxis(categories)
	for _, s := range series {
		data := make([]opts.LineData, len(s.Values))
		for i, v := range s.Values {
			data[i] = opts.LineData{Value: value(v)}
		}
		l.AddSeries(s.Name, data, charts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(false)}))
	}
	l.Validate()
	return finish(id, label, loc, l.JSON(), series)
}

// Heatmap draws cells[row][col] (0–100) with rows down the side and
// columns across; NaN cells (suppressed groups) stay empty.
func Heatmap(id, label string, loc Locale, columns, rows []string, cells [][]float64) (Chart, error) {
	if len(cells) != len(rows) {
		return Chart{}, fmt.Errorf("charts: %d rows of cells for %d rows", len(cells), len(rows))
	}
	var data []opts.HeatMapData
	for r, row := range cells {
		if len(row) != len(columns) {
			return Chart{}, fmt.Errorf("charts: row %q has %d cells for %d columns", rows[r], len(row), len(columns))
		}
		for c, v := range row {
			data = append(data, opts.HeatMapData{Value: [3]any{c, r, value(v)}})
		}
	}
	h := charts.NewHeatMap()
	h.SetGlobalOptions(
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true)}),
		charts.WithGridOpts(opts.Grid{ContainLabel: opts.Bool(true), Left: "8", Right: "8", Top: "8", Bottom: "70"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: columns, AxisLabel: &opts.AxisLabel{Interval: "0"}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: rows}),
		charts.WithVisualMapOpts(opts.VisualMap{Calculable: opts.Bool(true), Min: 0, Max: 100, Orient: "horizontal", Left: "center", Bottom: "0",
			InRange: &opts.VisualMapInRange{Color: []string{"#f3f6fa", "#6c9bd2", "#0b4f8a"}}}),
	)
	// The series has no name: a name would head every tooltip, and the
	// cell's column says what it is.
	h.AddSeries("", data, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true)}))
	h.Validate()
	return finish(id, label, loc, h.JSON(), []Series{{Values: slices.Concat(cells...)}})
}
