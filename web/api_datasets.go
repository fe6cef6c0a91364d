package web

import (
	"net/http"
	"strconv"
	"time"

	"dxready/opendata"
)

// apiDatasetJSON is a dataset's metadata and where to download it.
type apiDatasetJSON struct {
	ID          string            `json:"id"`
	Title       string            `json:"title"`
	Description string            `json:"description"`
	Dimension   string            `json:"dimension"`
	Frequency   string            `json:"frequency"`
	Licence     string            `json:"licence"`
	Version     int               `json:"version"`
	Quarters    []string          `json:"quarters"` // the ended quarters it holds; empty for participation to date
	Indicators  []string          `json:"indicators"`
	Rows        int               `json:"rows"`
	Modified    time.Time         `json:"modified"`
	Downloads   map[string]string `json:"downloads"` // "csv" and "json": paths under /data/v1
}

type apiDatasetList struct {
	ComputedAt time.Time        `json:"computed_at"`
	Datasets   []apiDatasetJSON `json:"datasets"`
}

type apiDatasetOne struct {
	ComputedAt time.Time      `json:"computed_at"`
	Dataset    apiDatasetJSON `json:"dataset"`
}

// apiDatasets lists every dataset of the publication.
func (s *Server) apiDatasets(w http.ResponseWriter, r *http.Request) {
	canon, l, ok := s.apiLangOnly(w, r)
	if !ok {
		return
	}
	s.apiServe(w, r, canon, func(p *opendata.Publication) (any, error) {
		out := apiDatasetList{ComputedAt: p.ComputedAt.UTC(), Datasets: []apiDatasetJSON{}}
		for i := range p.Tables {
			out.Datasets = append(out.Datasets, s.apiDatasetOf(p, &p.Tables[i], l))
		}
		return out, nil
	})
}

// apiDataset is one dataset's metadata.
func (s *Server) apiDataset(w http.ResponseWriter, r *http.Request) {
	canon, l, ok := s.apiLangOnly(w, r)
	if !ok {
		return
	}
	s.apiServe(w, r, canon, func(p *opendata.Publication) (any, error) {
		t, err := p.Table(r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		return apiDatasetOne{ComputedAt: p.ComputedAt.UTC(), Dataset: s.apiDatasetOf(p, t, l)}, nil
	})
}

func (s *Server) apiDatasetOf(p *opendata.Publication, t *opendata.Table, l string) apiDatasetJSON {
	quarters := []string{}
	if t.Frequency == opendata.Quarterly {
		for _, q := range p.Quarters {
			quarters = append(quarters, q.String())
		}
	}
	title, desc := catalogDatasetText(s.bundle.For(l), t.Dataset)
	out := apiDatasetJSON{ID: t.ID, Title: title, Description: desc, Dimension: t.Dimension, Frequency: t.Frequency,
		Licence: opendata.Licence, Version: opendata.Version, Quarters: quarters, Indicators: []string{}, Rows: len(t.Rows),
		Modified: p.ComputedAt.UTC(), Downloads: map[string]string{"csv": apiDownloadPath(t.ID, "csv"), "json": apiDownloadPath(t.ID, "json")}}
	for _, ind := range t.Indicators {
		out.Indicators = append(out.Indicators, ind.ID)
	}
	return out
}

// datasetPath is where /data serves dataset id in format ext.
func apiDownloadPath(id, ext string) string {
	return "/data/v" + strconv.Itoa(opendata.Version) + "/" + id + "." + ext
}
