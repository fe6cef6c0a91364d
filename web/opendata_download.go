package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"dxready/locale"
	"dxready/opendata"
	"dxready/scoring"
)

// dataFiles keeps the files of the current publication: each is built once
// per publication (and computation time, which the files carry), so a
// download costs a lookup and a write. It holds at most one file per
// dataset and format, of one publication.
type dataFiles struct {
	mu    sync.Mutex
	pub   *opendata.Publication
	files map[string][]byte
}

// get returns the file of key for p, building it when there is none yet.
func (f *dataFiles) get(p *opendata.Publication, key string, build func() ([]byte, error)) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pub != p {
		f.pub, f.files = p, map[string][]byte{}
	}
	if b, ok := f.files[key]; ok {
		return b, nil
	}
	b, err := build()
	if err != nil {
		return nil, err
	}
	f.files[key] = b
	return b, nil
}

func (s *Server) dataCSV(w http.ResponseWriter, r *http.Request)  { s.dataDownload(w, r, "csv") }
func (s *Server) dataJSON(w http.ResponseWriter, r *http.Request) { s.dataDownload(w, r, "json") }

// dataDownload sends a dataset's file at its stable, versioned URL. Any
// site's scripts may read it (CORS *): it is public, read-only and sent
// without credentials, so this opens no door that cross-origin protection
// (unsafe methods only, server.go) guards.
func (s *Server) dataDownload(w http.ResponseWriter, r *http.Request, format string) {
	p, err := s.publication(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	t, err := p.Table(r.PathValue("dataset"))
	if err != nil {
		s.dataRefuse(w, r, err)
		return
	}
	etag := fmt.Sprintf(`"%s-%s-%s"`, t.ETag, t.ID, format)
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "ETag")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("ETag", etag)
	h.Set("Last-Modified", p.ComputedAt.UTC().Format(http.TimeFormat))
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body, err := s.dataFiles.get(p, t.ID+"."+format, func() ([]byte, error) {
		if format == "json" {
			return s.datasetJSON(p, t)
		}
		return s.datasetCSV(p, t)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctype := "text/csv; charset=utf-8"
	if format == "json" {
		ctype = "application/json; charset=utf-8"
	}
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="dxready-%s-v%d.%s"`, safeFilename(t.ID), opendata.Version, format))
	_, err = w.Write(body)
	s.written(r, err)
}

// rowQuarter is a row's quarter as the files write it: a participation
// row's counts are to date, in the quarter the publication was computed.
func rowQuarter(p *opendata.Publication, row opendata.Row) string {
	if row.Quarter == (scoring.Quarter{}) {
		return scoring.QuarterOf(p.ComputedAt).String()
	}
	return row.Quarter.String()
}

// datasetCSV is the table as RFC 4180 CSV with a byte-order mark: a header
// of machine names, numbers with a full stop (one decimal for scores and
// shares, whole counts), an empty field for a value withheld, and the
// groups' names in both languages, neutralised against formulas.
func (s *Server) datasetCSV(p *opendata.Publication, t *opendata.Table) ([]byte, error) {
	var buf bytes.Buffer
	sh, err := newCSVSheet(&buf)
	if err != nil {
		return nil, err
	}
	vi, en := s.dataWordsFor(p, locale.VI), s.dataWordsFor(p, locale.EN)
	head := []any{"quarter", t.Dimension + "_code", t.Dimension + "_name_vi", t.Dimension + "_name_en"}
	for _, ind := range t.Indicators {
		head = append(head, ind.ID)
		if ind.Estimate {
			head = append(head, ind.ID+"_lo", ind.ID+"_hi")
		}
	}
	if err := sh.Row(head); err != nil {
		return nil, err
	}
	for _, row := range t.Rows {
		cells := []any{rowQuarter(p, row), row.Code, vi.group(t.Dimension, row.Code), en.group(t.Dimension, row.Code)}
		for i, ind := range t.Indicators {
			v := row.Values[i]
			cells = append(cells, csvNumber(ind, v.V, v.Null))
			if ind.Estimate {
				cells = append(cells, csvNumber(ind, v.Lo, v.Null || !v.Interval), csvNumber(ind, v.Hi, v.Null || !v.Interval))
			}
		}
		if err := sh.Row(cells); err != nil {
			return nil, err
		}
	}
	if err := sh.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// csvNumber is a value as a sheet cell: nil when withheld, an int for a
// count, a float64 (written with one decimal) otherwise.
func csvNumber(ind opendata.Indicator, v float64, null bool) any {
	switch {
	case null:
		return nil
	case ind.Unit == opendata.UnitFirms:
		return int(math.Round(v))
	}
	return v
}

// The JSON file's shape (documented on /data/methodology).
type (
	dataFileJSON struct {
		Dataset    string        `json:"dataset"`
		Version    int           `json:"version"`
		Licence    string        `json:"licence"`
		ComputedAt string        `json:"computed_at"`
		Dimension  string        `json:"dimension"`
		Frequency  string        `json:"frequency"`
		Quarters   []string      `json:"quarters"`
		Indicators []dataIndJSON `json:"indicators"`
		Rows       []dataRowJSON `json:"rows"`
	}
	dataIndJSON struct {
		ID       string `json:"id"`
		Unit     string `json:"unit"`
		Question string `json:"question"`
		Kind     string `json:"kind"`
		Arg      string `json:"arg"`
		Estimate bool   `json:"estimate"`
	}
	dataRowJSON struct {
		Quarter   string                  `json:"quarter"`
		Code      string                  `json:"code"`
		NameVI    string                  `json:"name_vi"`
		NameEN    string                  `json:"name_en"`
		Values    map[string]*float64     `json:"values"`
		Intervals map[string]dataInterval `json:"intervals"`
	}
	dataInterval struct {
		Lo float64 `json:"lo"`
		Hi float64 `json:"hi"`
	}
)

// datasetJSON is the table as JSON: null for a value withheld, numbers
// rounded as in the CSV.
func (s *Server) datasetJSON(p *opendata.Publication, t *opendata.Table) ([]byte, error) {
	vi, en := s.dataWordsFor(p, locale.VI), s.dataWordsFor(p, locale.EN)
	out := dataFileJSON{Dataset: t.ID, Version: opendata.Version, Licence: opendata.Licence, Dimension: t.Dimension, Frequency: t.Frequency,
		ComputedAt: p.ComputedAt.UTC().Format(time.RFC3339), Quarters: []string{}, Rows: []dataRowJSON{}}
	for _, ind := range t.Indicators {
		out.Indicators = append(out.Indicators, dataIndJSON{ID: ind.ID, Unit: ind.Unit, Question: ind.Question, Kind: ind.Kind, Arg: ind.Arg, Estimate: ind.Estimate})
	}
	for _, row := range t.Rows {
		q := rowQuarter(p, row)
		if n := len(out.Quarters); n == 0 || out.Quarters[n-1] != q {
			out.Quarters = append(out.Quarters, q)
		}
		jr := dataRowJSON{Quarter: q, Code: row.Code, NameVI: vi.group(t.Dimension, row.Code), NameEN: en.group(t.Dimension, row.Code),
			Values: map[string]*float64{}, Intervals: map[string]dataInterval{}}
		for i, ind := range t.Indicators {
			v := row.Values[i]
			jr.Values[ind.ID] = nil
			if !v.Null {
				x := jsonNumber(ind, v.V)
				jr.Values[ind.ID] = &x
			}
			if !v.Null && v.Interval {
				jr.Intervals[ind.ID] = dataInterval{Lo: jsonNumber(ind, v.Lo), Hi: jsonNumber(ind, v.Hi)}
			}
		}
		out.Rows = append(out.Rows, jr)
	}
	return json.Marshal(out)
}

// jsonNumber rounds as csvNumber writes: whole counts, one decimal else.
func jsonNumber(ind opendata.Indicator, v float64) float64 {
	if ind.Unit == opendata.UnitFirms {
		return math.Round(v)
	}
	return math.Round(v*10) / 10
}
