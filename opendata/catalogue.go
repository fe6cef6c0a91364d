package opendata

import (
	"fmt"
	"strings"

	"dxready/scoring"
)

// Version is the version of every dataset's layout: it is part of the
// URLs (/data/v1/…, /api/v1/…) and changes only when a column changes
// meaning, so a machine that reads v1 keeps reading what it expects.
const Version = 1

// Licence is the licence every dataset is published under.
const Licence = "https://creativecommons.org/licenses/by/4.0/"

// Frequencies of update, as DCAT's Dublin Core frequency vocabulary names
// them.
const (
	Quarterly = "quarterly"
	Daily     = "daily" // once a day: participation, counted at the first computation of each day
)

// Dimensions a published table is cut by.
const (
	DimProvince = "province"
	DimWard     = "ward"
	DimSection  = "section"
	DimSize     = "size"
)

// Dimensions is every dimension, in the order datasets are listed.
var Dimensions = []string{DimProvince, DimWard, DimSection, DimSize}

// Units of an indicator's values.
const (
	UnitFirms   = "firms"   // a number of firms
	UnitPercent = "percent" // 0–100, of the firms assessed (or of the registry, for estimates)
	UnitScore   = "score"   // 0–100 readiness points
)

// Indicator is one published measure. Its name and definition are in the
// i18n catalogues under "opendata.ind.<Kind>.name" and ".def" (with the
// level, pillar or fact as an argument), so both languages say the same.
type Indicator struct {
	ID   string // stable, lower case with hyphens: "overall-mean", "level-3-share", "adoption-cloud-services-share"
	Kind string // what it measures, for its name and definition: see the Kind constants
	Unit string
	// Arg is the level (as text), pillar ID or adoption fact ID that the
	// kind is about; "" when it is about none.
	Arg string
	// Question is the survey question the indicator is read from; "" when
	// it is computed from the whole score.
	Question string
	// Estimate marks a registry-weighted estimate: a figure for every firm
	// of the registry, with a 95% confidence interval.
	Estimate bool
}

// Kinds of indicator.
const (
	KindAssessed       = "assessed"         // firms with a result current at the quarter's end (exact)
	KindOverallMean    = "overall-mean"     // mean overall score of those firms (protected)
	KindLevelShare     = "level-share"      // share of them at level Arg (protected)
	KindPillarMean     = "pillar-mean"      // mean score of pillar Arg (protected)
	KindAdoptionShare  = "adoption-share"   // share of them for which fact Arg holds (protected)
	KindEstimateMean   = "estimate-mean"    // registry-weighted estimate of the overall mean, with its interval
	KindEstimateLevel  = "estimate-level"   // registry-weighted estimate of the share at level Arg
	KindAssessedToDate = "assessed-to-date" // firms with a result now (exact; the current quarter)
	KindRegistry       = "registry"         // firms in the registry now (exact)
)

// Indicators builds the catalogue's indicators for an instrument's pillars
// and adoption facts, in the order tables lay them out.
func Indicators(pillars []string, adoption []scoring.Adoption) []Indicator {
	out := []Indicator{{ID: "firms-assessed", Kind: KindAssessed, Unit: UnitFirms}}
	out = append(out, Indicator{ID: "overall-mean", Kind: KindOverallMean, Unit: UnitScore})
	for l := range scoring.Levels {
		out = append(out, Indicator{ID: fmt.Sprintf("level-%d-share", l), Kind: KindLevelShare, Unit: UnitPercent, Arg: fmt.Sprint(l)})
	}
	for _, p := range pillars {
		out = append(out, Indicator{ID: "pillar-" + p + "-mean", Kind: KindPillarMean, Unit: UnitScore, Arg: p})
	}
	for _, a := range adoption {
		out = append(out, Indicator{ID: "adoption-" + a.ID + "-share", Kind: KindAdoptionShare, Unit: UnitPercent, Arg: a.ID, Question: a.Question})
	}
	out = append(out, Indicator{ID: "estimate-overall-mean", Kind: KindEstimateMean, Unit: UnitScore, Estimate: true})
	for l := range scoring.Levels {
		out = append(out, Indicator{ID: fmt.Sprintf("estimate-level-%d-share", l), Kind: KindEstimateLevel, Unit: UnitPercent,
			Arg: fmt.Sprint(l), Estimate: true})
	}
	return out
}

// Dataset is one published table: the quarterly indicators of one
// dimension, or the participation to date.
type Dataset struct {
	ID        string // "readiness-by-ward": part of the URL
	Dimension string
	Frequency string
	// Indicators are the table's columns after the quarter and the code.
	Indicators []Indicator
}

// Datasets is the catalogue: one quarterly table per dimension, and one of
// participation to date per dimension. Estimates are in the tables whose
// groups are unions of estimate strata (province, section, size); a ward
// is not (its registry is not counted by section and size).
func Datasets(indicators []Indicator) []Dataset {
	var out []Dataset
	for _, dim := range Dimensions {
		var cols []Indicator
		for _, ind := range indicators {
			if ind.Estimate && dim == DimWard {
				continue
			}
			cols = append(cols, ind)
		}
		out = append(out, Dataset{ID: "readiness-by-" + dim, Dimension: dim, Frequency: Quarterly, Indicators: cols})
	}
	for _, dim := range Dimensions {
		out = append(out, Dataset{ID: "participation-by-" + dim, Dimension: dim, Frequency: Daily, Indicators: []Indicator{
			{ID: "firms-assessed-to-date", Kind: KindAssessedToDate, Unit: UnitFirms},
			{ID: "registry-firms", Kind: KindRegistry, Unit: UnitFirms},
		}})
	}
	return out
}

// DatasetID reports whether id names a dataset of this version's layout.
func DatasetID(id string) (dim string, quarterly, ok bool) {
	for _, dim := range Dimensions {
		switch id {
		case "readiness-by-" + dim:
			return dim, true, true
		case "participation-by-" + dim:
			return dim, false, true
		}
	}
	return "", false, false
}

// validID is what an indicator or dataset ID may hold.
func validID(id string) bool {
	return id != "" && len(id) <= 80 && strings.Trim(id, "abcdefghijklmnopqrstuvwxyz0123456789-_.") == ""
}
