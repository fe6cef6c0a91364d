package web

import (
	"slices"

	"dxready/opendata"
	"dxready/scoring"
)

// dataTable is one table of a dataset's page: one family of its
// indicators (the counts and means, the levels, the pillars, the
// practices, the estimated levels), so that each fits a desktop's width.
type dataTable struct {
	ID, Heading string // Heading is a message ID
	Columns     []dataColumn
	Rows        []dataRow
}

// dataColumn heads one column: a short name within its family's table.
type dataColumn struct{ ID, Name, Unit string }

// dataRow is one group's values; "" is a value withheld.
type dataRow struct {
	Code, Name string
	Cells      []string
}

// dataFamilies are the tables a dataset's columns are split into, by kind,
// in the order the page shows them.
var dataFamilies = []struct {
	id, heading string
	kinds       []string
}{
	{"main", "page.data.family_main", []string{opendata.KindAssessed, opendata.KindOverallMean, opendata.KindEstimateMean,
		opendata.KindAssessedToDate, opendata.KindRegistry}},
	{"levels", "page.data.family_levels", []string{opendata.KindLevelShare}},
	{"pillars", "page.data.family_pillars", []string{opendata.KindPillarMean}},
	{"adoption", "page.data.family_adoption", []string{opendata.KindAdoptionShare}},
	{"estimate-levels", "page.data.family_estimate_levels", []string{opendata.KindEstimateLevel}},
}

// dataTables lays table t out at quarter q (every row, for participation
// to date), one table per family that has columns; hasNull is whether a
// value is withheld anywhere.
func dataTables(t *opendata.Table, quarterly bool, q scoring.Quarter, d dataWords) (out []dataTable, hasNull bool) {
	for _, fam := range dataFamilies {
		var cols []int
		tb := dataTable{ID: fam.id, Heading: fam.heading}
		for i, ind := range t.Indicators {
			if slices.Contains(fam.kinds, ind.Kind) {
				cols = append(cols, i)
				tb.Columns = append(tb.Columns, dataColumn{ID: ind.ID, Name: d.shortName(ind), Unit: d.unit(ind)})
			}
		}
		if len(cols) == 0 {
			continue
		}
		for _, row := range t.Rows {
			if quarterly && row.Quarter != q {
				continue
			}
			dr := dataRow{Code: row.Code, Name: d.group(t.Dimension, row.Code)}
			for _, i := range cols {
				dr.Cells = append(dr.Cells, d.formatValue(t.Indicators[i], row.Values[i]))
				hasNull = hasNull || row.Values[i].Null
			}
			tb.Rows = append(tb.Rows, dr)
		}
		out = append(out, tb)
	}
	return out, hasNull
}

// shortName names an indicator inside its family's table, whose heading
// says the rest: "Level 3", a pillar's name, a practice.
func (d dataWords) shortName(ind opendata.Indicator) string {
	switch ind.Kind {
	case opendata.KindLevelShare, opendata.KindEstimateLevel:
		return d.loc.T("page.data.level_col", "Level", ind.Arg)
	case opendata.KindPillarMean, opendata.KindAdoptionShare:
		return d.arg(ind)
	}
	return d.indName(ind)
}
