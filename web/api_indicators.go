package web

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"dxready/opendata"
	"dxready/survey"
)

// apiIndicatorJSON is one indicator of the catalogue as the feed gives it.
type apiIndicatorJSON struct {
	ID         string   `json:"id"`
	Kind       string   `json:"kind"`
	Unit       string   `json:"unit"`
	Question   *string  `json:"question"` // null: computed from the whole score
	Estimate   bool     `json:"estimate"`
	Name       string   `json:"name"`
	Definition string   `json:"definition"`
	Dimensions []string `json:"dimensions"` // those its series are published for
}

type apiIndicatorList struct {
	ComputedAt time.Time          `json:"computed_at"`
	Indicators []apiIndicatorJSON `json:"indicators"`
	NextCursor *string            `json:"next_cursor"`
}

type apiIndicatorOne struct {
	ComputedAt time.Time        `json:"computed_at"`
	Indicator  apiIndicatorJSON `json:"indicator"`
}

// apiIndicators lists the catalogue's indicators, a page at a time.
func (s *Server) apiIndicators(w http.ResponseWriter, r *http.Request) {
	q, canon, err := apiQuery(r, "lang", "limit", "cursor")
	l, limit := "", 0
	if err == nil {
		l, err = apiLang(q)
	}
	if err == nil {
		limit, err = apiLimit(q)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	s.apiServe(w, r, canon, func(p *opendata.Publication) (any, error) {
		return s.indicatorPage(p, l, limit, q.Get("cursor"))
	})
}

// indicatorPage is the page of at most limit indicators after the one
// the cursor names (from the start when it is empty).
func (s *Server) indicatorPage(p *opendata.Publication, l string, limit int, cursor string) (any, error) {
	in, err := s.apiInstrument(p)
	if err != nil {
		return nil, err
	}
	start := 0
	if cursor != "" {
		after, ok := decodeCursor(cursor, "i")
		i := slices.IndexFunc(p.Indicators, func(ind opendata.Indicator) bool { return ind.ID == after })
		if !ok || i < 0 {
			return nil, badCursor
		}
		start = i + 1
	}
	end := min(start+limit, len(p.Indicators))
	out := apiIndicatorList{ComputedAt: p.ComputedAt.UTC(), Indicators: []apiIndicatorJSON{}}
	for _, ind := range p.Indicators[start:end] {
		out.Indicators = append(out.Indicators, s.indicatorJSON(p, in, ind, l))
	}
	if end < len(p.Indicators) {
		c := encodeCursor("i", p.Indicators[end-1].ID)
		out.NextCursor = &c
	}
	return out, nil
}

// apiIndicator is one indicator of the catalogue.
func (s *Server) apiIndicator(w http.ResponseWriter, r *http.Request) {
	canon, l, ok := s.apiLangOnly(w, r)
	if !ok {
		return
	}
	s.apiServe(w, r, canon, func(p *opendata.Publication) (any, error) {
		ind, err := p.Indicator(r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		in, err := s.apiInstrument(p)
		if err != nil {
			return nil, err
		}
		return apiIndicatorOne{ComputedAt: p.ComputedAt.UTC(), Indicator: s.indicatorJSON(p, in, ind, l)}, nil
	})
}

func (s *Server) indicatorJSON(p *opendata.Publication, in *survey.Instrument, ind opendata.Indicator, l string) apiIndicatorJSON {
	name, def := catalogIndicatorText(s.bundle.For(l), in, ind)
	out := apiIndicatorJSON{ID: ind.ID, Kind: ind.Kind, Unit: ind.Unit, Estimate: ind.Estimate, Name: name, Definition: def,
		Dimensions: []string{}}
	if ind.Question != "" {
		out.Question = &ind.Question
	}
	for _, t := range p.Tables {
		if t.Frequency == opendata.Quarterly && slices.ContainsFunc(t.Indicators, func(c opendata.Indicator) bool { return c.ID == ind.ID }) {
			out.Dimensions = append(out.Dimensions, t.Dimension)
		}
	}
	return out
}

// apiInstrument is the questionnaire publication p was computed from: its
// pillars' names name the pillar indicators.
func (s *Server) apiInstrument(p *opendata.Publication) (*survey.Instrument, error) {
	in, ok := s.cfg.Instruments[p.Instrument]
	if !ok {
		return nil, fmt.Errorf("web: api: no instrument %q", p.Instrument)
	}
	return in, nil
}

// badCursor answers a cursor that this listing did not give.
var badCursor = badRequest("bad_cursor", "cursor is not one this listing gave; start again without it.")

// encodeCursor makes an opaque keyset cursor: the listing's kind and the
// last key given.
func encodeCursor(kind, last string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + last))
}

// decodeCursor returns the last key a cursor of kind names.
func decodeCursor(c, kind string) (string, bool) {
	if len(c) > 200 {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", false
	}
	k, last, ok := strings.Cut(string(b), ":")
	if !ok || k != kind || last == "" || !cursorKey(last) {
		return "", false
	}
	return last, true
}

// cursorKey is what a key in a cursor may hold: IDs and codes only.
func cursorKey(s string) bool {
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:") == ""
}
