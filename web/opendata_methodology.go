package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"dxready/disclosure"
	"dxready/locale"
	"dxready/opendata"
	"dxready/scoring"
	"dxready/survey"
)

// methodologyPage says how open data is made (GET /data/methodology): the
// instrument, scoring, adoption facts, protection, estimates and every
// indicator. Every number on it is read from the code that applies it
// (the loaded instrument, package disclosure, the publication), so the
// page cannot say one thing while the figures do another.
type methodologyPage struct {
	page
	InstrumentName, InstrumentKey, Basis string
	Pillars                              []methodologyPillar
	Levels                               []methodologyLevel
	Facts                                []methodologyFact
	Indicators                           []methodologyIndicator
	Protection                           methodologyProtection
	Quarters                             int    // ended quarters published
	RefreshMinutes                       string // the least time between two computations
	ComputedAt                           time.Time
	Licence                              string
	CatalogURL                           string // absolute, as the catalogue names itself
	Citation                             string
}

type methodologyPillar struct {
	Name, Weight string
	Questions    int
}

type methodologyLevel struct {
	Level     int
	Name, Min string
}

type methodologyFact struct {
	Name, QuestionID, Question, Counts string
}

type methodologyIndicator struct {
	ID, Anchor, Name, Def, Unit, Source, Frequency string
}

// methodologyProtection is package disclosure's parameters, formatted.
type methodologyProtection struct {
	MinGroup, PublicCells    int
	PublicCountDraws         int    // table draws a half of a count's noise adds up
	PublicSharesMin          int    // the fewest results a group publishes shares of
	CountSD                  string // one standard deviation of a published count's noise, in firms
	SigmaMin, SigmaRoot, Rho string
	SmallN, LargeN           int
	SmallSD, LargeSD         string // the noise's standard deviation on the mean of SmallN and LargeN firms
}

// methodologyExamples are the group sizes the page shows the noise of.
var methodologyExamples = [2]int{100, 1000}

func (s *Server) dataMethodology(w http.ResponseWriter, r *http.Request) {
	pub, err := s.publication(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, ok := s.cfg.Instruments[pub.Instrument]
	if !ok {
		s.fail(w, r, fmt.Errorf("web: methodology: no instrument %q", pub.Instrument))
		return
	}
	l := s.loc(r)
	p := methodologyPage{page: s.newPage(w, r, "page.data_methodology.title"), InstrumentName: in.Name.In(l.Lang),
		InstrumentKey: in.Key(), Basis: in.Basis.In(l.Lang), Quarters: PublishedQuarters,
		RefreshMinutes: methodologyNum(l, s.refreshEvery().Minutes()), ComputedAt: pub.ComputedAt, Licence: opendata.Licence,
		CatalogURL: s.linkBase() + "/data/catalog.jsonld", Protection: methodologyProtectionIn(l)}
	for _, pl := range in.Pillars {
		p.Pillars = append(p.Pillars, methodologyPillar{Name: pl.Name.In(l.Lang), Weight: methodologyNum(l, pl.Weight), Questions: len(pl.Questions)})
	}
	for _, lv := range in.Levels {
		p.Levels = append(p.Levels, methodologyLevel{Level: lv.Level, Name: lv.Name.In(l.Lang), Min: methodologyNum(l, lv.Min)})
	}
	p.Facts = methodologyFacts(l, in)
	for _, ind := range catalogIndicators(pub.Indicators) {
		p.Indicators = append(p.Indicators, methodologyIndicatorIn(l, in, ind))
	}
	p.Citation = l.T("page.data_methodology.citation", "Publisher", l.T("catalog.publisher"), "Title", l.T("catalog.title"),
		"Year", pub.ComputedAt.In(scoring.Zone).Year(), "Version", opendata.Version, "URL", s.linkBase()+"/data")
	s.render(w, r, http.StatusOK, "data_methodology", p)
}

// methodologyProtectionIn formats package disclosure's parameters.
func methodologyProtectionIn(l *locale.Localizer) methodologyProtection {
	sd := func(n int) string {
		sigma := math.Sqrt(disclosure.PublicCells) * max(disclosure.SigmaMin, disclosure.SigmaRoot*math.Sqrt(float64(n)))
		return l.Decimal(sigma/float64(n), 2)
	}
	return methodologyProtection{MinGroup: disclosure.MinGroup, PublicCells: disclosure.PublicCells,
		PublicCountDraws: disclosure.PublicCountDraws, PublicSharesMin: disclosure.PublicSharesMin, CountSD: l.Decimal(disclosure.PublicCountSD(), 0),
		SigmaMin: methodologyNum(l, disclosure.SigmaMin), SigmaRoot: methodologyNum(l, disclosure.SigmaRoot), Rho: methodologyNum(l, disclosure.Rho),
		SmallN: methodologyExamples[0], LargeN: methodologyExamples[1], SmallSD: sd(methodologyExamples[0]), LargeSD: sd(methodologyExamples[1])}
}

// methodologyFacts are the instrument's adoption facts: each one's
// question and the answers that count.
func methodologyFacts(l *locale.Localizer, in *survey.Instrument) []methodologyFact {
	var out []methodologyFact
	for _, a := range scoring.Adoptions(in.ID) {
		f := methodologyFact{Name: l.T("opendata.fact." + a.ID), QuestionID: a.Question}
		q, ok := in.Question(a.Question)
		if !ok {
			continue // the instrument's own test keeps facts and questions together
		}
		f.Question = q.Text.In(l.Lang)
		var opts []string
		for _, id := range a.AnyOf {
			if o, ok := q.Option(id); ok {
				opts = append(opts, "“"+o.Text.In(l.Lang)+"”")
			}
		}
		f.Counts = l.T("page.data_methodology.fact_any", "Options", strings.Join(opts, ", "))
		if a.MinChosen > 1 {
			f.Counts = l.T("page.data_methodology.fact_min", "N", a.MinChosen, "Options", strings.Join(opts, ", "))
		}
		out = append(out, f)
	}
	return out
}

// methodologyIndicatorIn is one indicator's row of the page.
func methodologyIndicatorIn(l *locale.Localizer, in *survey.Instrument, ind catalogIndicator) methodologyIndicator {
	name, def := catalogIndicatorText(l, in, ind.Indicator)
	row := methodologyIndicator{ID: ind.ID, Anchor: catalogAnchor(ind.ID), Name: name, Def: def,
		Unit: l.T("opendata.unit." + ind.Unit), Frequency: l.T("opendata.freq." + ind.Frequency)}
	switch ind.Kind {
	case opendata.KindAdoptionShare:
		text := ind.Question
		if q, ok := in.Question(ind.Question); ok {
			text = q.Text.In(l.Lang)
		}
		row.Source = l.T("page.data_methodology.source_question", "ID", ind.Question, "Text", text)
	case opendata.KindPillarMean:
		row.Source = l.T("page.data_methodology.source_pillar", "Pillar", catalogIndicatorArg(l, in, ind.Indicator))
	case opendata.KindOverallMean, opendata.KindEstimateMean:
		row.Source = l.T("page.data_methodology.source_score")
	case opendata.KindLevelShare, opendata.KindEstimateLevel:
		row.Source = l.T("page.data_methodology.source_level")
	case opendata.KindRegistry:
		row.Source = l.T("page.data_methodology.source_registry")
	default:
		row.Source = l.T("page.data_methodology.source_assessed")
	}
	return row
}

// methodologyNum formats f with as many decimals as it has (40, 0.8),
// in l's language.
func methodologyNum(l *locale.Localizer, f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	digits := 0
	if _, frac, ok := strings.Cut(s, "."); ok {
		digits = len(frac)
	}
	return l.Decimal(f, digits)
}
