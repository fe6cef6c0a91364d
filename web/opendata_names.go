package web

import (
	"fmt"
	"slices"
	"strings"

	"dxready/firms"
	"dxready/locale"
	"dxready/opendata"
	"dxready/survey"
)

// dataWords names what open data publishes in one language: datasets,
// indicators, their units and sources, and the groups of each dimension.
// The same words serve the pages and the downloads' name columns.
type dataWords struct {
	s   *Server
	loc *locale.Localizer
	l   string
	in  *survey.Instrument // the publication's instrument: its pillars' names and questions' texts
}

// dataWordsFor names publication p's contents in language l.
func (s *Server) dataWordsFor(p *opendata.Publication, l string) dataWords {
	in, ok := s.cfg.Instruments[p.Instrument]
	if !ok {
		in, _ = survey.Latest(s.cfg.Instruments, survey.DefaultID)
	}
	return dataWords{s: s, loc: s.bundle.For(l), l: l, in: in}
}

func (d dataWords) datasetTitle(ds opendata.Dataset) string {
	title, _ := catalogDatasetText(d.loc, ds)
	return title
}

func (d dataWords) datasetDesc(ds opendata.Dataset) string {
	_, desc := catalogDatasetText(d.loc, ds)
	return desc
}

func (d dataWords) dim(dim string) string { return catalogDimName(d.loc, dim) }

func (d dataWords) freq(f string) string { return d.loc.T("opendata.freq." + f) }

func (d dataWords) unit(ind opendata.Indicator) string { return d.loc.T("opendata.unit." + ind.Unit) }

// arg is what an indicator's name says it is about (catalogIndicatorArg).
func (d dataWords) arg(ind opendata.Indicator) string { return catalogIndicatorArg(d.loc, d.in, ind) }

func (d dataWords) indName(ind opendata.Indicator) string {
	name, _ := catalogIndicatorText(d.loc, d.in, ind)
	return name
}

func (d dataWords) indDef(ind opendata.Indicator) string {
	_, def := catalogIndicatorText(d.loc, d.in, ind)
	return def
}

// source is where an indicator's values come from: its question's text,
// or how it is counted or computed when no single question gives it.
func (d dataWords) source(ind opendata.Indicator) string {
	if ind.Question != "" {
		if q, ok := d.in.Question(ind.Question); ok {
			return q.Text.In(d.l)
		}
		return ind.Question
	}
	switch ind.Kind {
	case opendata.KindAssessed, opendata.KindAssessedToDate:
		return d.loc.T("page.data.source_results")
	case opendata.KindRegistry:
		return d.loc.T("page.data.source_registry")
	}
	return d.loc.T("page.data.source_score")
}

// group names one group of dimension dim: the province, a ward, an
// industry section or a size class; a code the reference does not know
// is its own name, and a firm without a value is "not given".
func (d dataWords) group(dim, code string) string {
	switch {
	case dim == opendata.DimProvince:
		return d.loc.T("page.data.province_name")
	case code == "":
		return d.loc.T("common.not_given")
	case dim == opendata.DimWard:
		if w, ok := d.s.ref.Ward(code); ok {
			return w.Name
		}
	case dim == opendata.DimSection:
		if i, ok := d.s.ref.Industry(firms.VSICVersion2018, code); ok {
			return i.Name(d.l)
		}
	case dim == opendata.DimSize:
		if slices.Contains(firms.SizeClasses, firms.SizeClass(code)) {
			return d.loc.T("size." + code)
		}
	}
	return code
}

// formatValue writes a published value for a page: a count as a whole
// number, a score or share with one decimal, an estimate with its
// interval; "" for a null value (the page shows a dash and a footnote).
func (d dataWords) formatValue(ind opendata.Indicator, v opendata.Value) string {
	if v.Null {
		return ""
	}
	if ind.Unit == opendata.UnitFirms {
		return d.loc.Int(int64(v.V))
	}
	s := d.loc.Decimal(v.V, 1)
	if v.Interval {
		s = d.loc.T("page.data.with_interval", "Value", s, "Lo", d.loc.Decimal(v.Lo, 1), "Hi", d.loc.Decimal(v.Hi, 1))
	}
	return s
}

// datasetURL is a dataset's page, or with ext ("csv", "json") its file.
func datasetURL(id, ext string) string {
	u := fmt.Sprintf("/data/v%d/%s", opendata.Version, id)
	if ext != "" {
		u += "." + strings.ToLower(ext)
	}
	return u
}
