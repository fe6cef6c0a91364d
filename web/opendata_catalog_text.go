package web

import (
	"strings"

	"dxready/locale"
	"dxready/opendata"
	"dxready/survey"
)

// The words of open data's catalogue and methodology, from the i18n
// catalogues (opendata.* keys), so the machine catalogue, the methodology
// page and the pages of /data name a dataset or an indicator alike.

// catalogDimName is dimension dim's name ("ward", "the province").
func catalogDimName(loc *locale.Localizer, dim string) string {
	return loc.T("opendata.dim." + dim)
}

// catalogDatasetText is a dataset's title and description: each dataset
// has its own, so the province's reads as a whole ("of the province"), not
// as one group among others.
func catalogDatasetText(loc *locale.Localizer, ds opendata.Dataset) (title, desc string) {
	return loc.T("opendata.dataset." + ds.ID + ".title"), loc.T("opendata.dataset." + ds.ID + ".desc")
}

// catalogIndicatorArg is what an indicator's name and definition are
// about, in loc's language: the level number, the pillar's name or the
// adoption fact's wording.
func catalogIndicatorArg(loc *locale.Localizer, in *survey.Instrument, ind opendata.Indicator) string {
	switch ind.Kind {
	case opendata.KindPillarMean:
		if p, ok := in.Pillar(ind.Arg); ok {
			return p.Name.In(loc.Lang)
		}
	case opendata.KindAdoptionShare:
		return loc.T("opendata.fact." + ind.Arg)
	}
	return ind.Arg
}

// catalogIndicatorText is an indicator's name and definition.
func catalogIndicatorText(loc *locale.Localizer, in *survey.Instrument, ind opendata.Indicator) (name, def string) {
	arg := catalogIndicatorArg(loc, in, ind)
	return loc.T("opendata.ind."+ind.Kind+".name", "Arg", arg), loc.T("opendata.ind."+ind.Kind+".def", "Arg", arg)
}

// catalogKeywords are the catalogue's keywords in loc's language.
func catalogKeywords(loc *locale.Localizer) []string {
	var out []string
	for _, k := range strings.Split(loc.T("catalog.keywords"), ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// catalogIndicators is every indicator of the catalogue's datasets, each
// once, in the order datasets list them, with the frequency of the first
// dataset that holds it.
func catalogIndicators(inds []opendata.Indicator) []catalogIndicator {
	var out []catalogIndicator
	seen := map[string]bool{}
	for _, ds := range opendata.Datasets(inds) {
		for _, ind := range ds.Indicators {
			if !seen[ind.ID] {
				seen[ind.ID] = true
				out = append(out, catalogIndicator{Indicator: ind, Frequency: ds.Frequency})
			}
		}
	}
	return out
}

// catalogIndicator is an indicator with how often it is updated.
type catalogIndicator struct {
	opendata.Indicator
	Frequency string
}

// catalogAnchor is the methodology page's anchor of indicator id.
func catalogAnchor(id string) string { return "ind-" + id }
