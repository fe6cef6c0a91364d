package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"dxready/locale"
	"dxready/opendata"
	"dxready/survey"
)

// catalogCache keeps the catalogue of the current publication: it is the
// same bytes for every request until the publication changes (a new
// computation, even of the same figures, has a new time), so it is built
// once per publication, not per request.
type catalogCache struct {
	cur atomic.Pointer[catalogDoc]
}

type catalogDoc struct {
	pub  *opendata.Publication
	body []byte
	gz   []byte // body gzipped once: a harvester that asks gets a tenth of the bytes
	etag string // quoted, for the ETag header
}

// dataCatalog serves open data's DCAT-AP catalogue as JSON-LD
// (GET /data/catalog.jsonld): the publication's datasets, each with its CSV
// and JSON downloads. Its addresses are built on the configured public
// address (linkBase), never on the request's Host header.
func (s *Server) dataCatalog(w http.ResponseWriter, r *http.Request) {
	p, err := s.publication(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	doc, err := s.catalogFor(p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("ETag", doc.etag)
	h.Set("Cache-Control", "no-cache") // revalidate: the publication may have moved on
	h.Set("Vary", "Accept-Encoding")
	if catalogETagMatch(r.Header.Get("If-None-Match"), doc.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/ld+json")
	body := doc.body
	if catalogAcceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = doc.gz
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// catalogAcceptsGzip reports whether the client takes a gzipped body.
func catalogAcceptsGzip(r *http.Request) bool {
	for _, e := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(e), ";")
		if strings.TrimSpace(name) == "gzip" && strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// catalogETagMatch reports whether an If-None-Match header names etag (or
// is "*").
func catalogETagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// catalogFor returns publication p's catalogue, building it when the
// cached one is of another publication.
func (s *Server) catalogFor(p *opendata.Publication) (*catalogDoc, error) {
	if d := s.catalog.cur.Load(); d != nil && d.pub == p {
		return d, nil
	}
	body, err := s.catalogDocument(p)
	if err != nil {
		return nil, err
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	d := &catalogDoc{pub: p, body: body, gz: gz.Bytes(), etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	s.catalog.cur.Store(d)
	return d, nil
}

// catalogDocument is publication p's catalogue as JSON-LD.
func (s *Server) catalogDocument(p *opendata.Publication) ([]byte, error) {
	in, ok := s.cfg.Instruments[p.Instrument]
	if !ok {
		return nil, fmt.Errorf("web: open data's catalogue: no instrument %q", p.Instrument)
	}
	base := s.linkBase()
	c := ldCatalog{Context: catalogContext, ID: base + "/data/catalog.jsonld", Type: "dcat:Catalog",
		Title:       s.catalogText(func(l *locale.Localizer) string { return l.T("catalog.title") }),
		Description: s.catalogText(func(l *locale.Localizer) string { return l.T("catalog.description") }),
		Publisher:   ldAgent{ID: base + "/#center", Type: "foaf:Agent", Name: s.catalogText(func(l *locale.Localizer) string { return l.T("catalog.publisher") })},
		Homepage:    ldRef{base + "/data"},
		License:     ldLicence{ID: opendata.Licence, Type: "dct:LicenseDocument"},
		Language:    []ldRef{{euLanguage + "VIE"}, {euLanguage + "ENG"}},
		Modified:    ldDateTime(p.ComputedAt), ThemeTaxonomy: ldRef{euTheme}}
	for _, ds := range opendata.Datasets(p.Indicators) {
		c.Datasets = append(c.Datasets, s.catalogDataset(base, in, p, ds))
	}
	return json.MarshalIndent(c, "", " ")
}

// catalogDataset is one dataset of the catalogue, with its downloads.
func (s *Server) catalogDataset(base string, in *survey.Instrument, p *opendata.Publication, ds opendata.Dataset) ldDataset {
	d := ldDataset{ID: base + "/data/catalog.jsonld#" + ds.ID, Type: "dcat:Dataset", Identifier: ds.ID,
		Title:       s.catalogText(func(l *locale.Localizer) string { t, _ := catalogDatasetText(l, ds); return t }),
		Description: s.catalogText(func(l *locale.Localizer) string { _, d := catalogDatasetText(l, ds); return d }),
		Theme:       ldRef{euTheme + "/ECON"}, Periodicity: ldRef{catalogFrequency[ds.Frequency]},
		Spatial: s.catalogSpatial(base), Modified: ldDateTime(p.ComputedAt), Publisher: ldRef{base + "/#center"},
		ContactPoint: s.catalogContact(base), LandingPage: ldRef{fmt.Sprintf("%s/data/v%d/%s", base, opendata.Version, ds.ID)},
		ConformsTo: ldStandard{ID: base + "/data/methodology", Type: "dct:Standard",
			Title: s.catalogText(func(l *locale.Localizer) string { return l.T("page.data_methodology.heading") })},
		Version: fmt.Sprint(opendata.Version)}
	for _, l := range locale.Languages {
		for _, k := range catalogKeywords(s.bundle.For(l)) {
			d.Keyword = append(d.Keyword, ldText{k, l})
		}
	}
	if ds.Frequency == opendata.Quarterly && len(p.Quarters) > 0 {
		first, last := p.Quarters[0], p.Quarters[len(p.Quarters)-1]
		d.Temporal = &ldPeriod{Type: "dct:PeriodOfTime", Start: ldDate(first.Start()), End: ldDate(last.End().AddDate(0, 0, -1))}
	}
	for _, ind := range ds.Indicators {
		d.Pages = append(d.Pages, ldDocument{ID: base + "/data/methodology#" + catalogAnchor(ind.ID), Type: "foaf:Document",
			Title: s.catalogText(func(l *locale.Localizer) string { n, _ := catalogIndicatorText(l, in, ind); return n })})
	}
	for _, f := range []struct{ ext, media, format, title string }{
		{"csv", "text/csv", "CSV", "catalog.distribution.csv"}, {"json", "application/json", "JSON", "catalog.distribution.json"}} {
		url := fmt.Sprintf("%s/data/v%d/%s.%s", base, opendata.Version, ds.ID, f.ext)
		d.Distribution = append(d.Distribution, ldDistribute{ID: base + "/data/catalog.jsonld#" + ds.ID + "-" + f.ext,
			Type: "dcat:Distribution", Title: s.catalogText(func(l *locale.Localizer) string { return l.T(f.title) }),
			AccessURL: ldRef{url}, DownloadURL: ldRef{url}, MediaType: ldRef{ianaMedia + f.media}, Format: ldRef{euFileType + f.format},
			License: ldLicence{ID: opendata.Licence, Type: "dct:LicenseDocument"}, Modified: ldDateTime(p.ComputedAt)})
	}
	return d
}

// catalogSpatial is where every dataset is about: the province, and the
// country in the EU's vocabulary.
func (s *Server) catalogSpatial(base string) []ldLocation {
	return []ldLocation{
		{ID: base + "/data/catalog.jsonld#province", Type: "dct:Location", Label: s.catalogText(func(l *locale.Localizer) string { return l.T("catalog.spatial") })},
		{ID: euCountry + "VNM", Type: "dct:Location"},
	}
}

// catalogContact is the datasets' contact point: the Center, by its
// contact page and, when configured, its email address.
func (s *Server) catalogContact(base string) ldContact {
	c := ldContact{ID: base + "/contact#center", Type: "vcard:Organization",
		Name: s.catalogText(func(l *locale.Localizer) string { return l.T("catalog.publisher") }), URL: ldRef{base + "/contact"}}
	if s.cfg.CenterEmail != "" {
		c.Email = &ldRef{"mailto:" + s.cfg.CenterEmail}
	}
	return c
}

// catalogText is a text in every language of the portal, language-tagged.
func (s *Server) catalogText(text func(*locale.Localizer) string) []ldText {
	out := make([]ldText, 0, len(locale.Languages))
	for _, l := range locale.Languages {
		out = append(out, ldText{Value: text(s.bundle.For(l)), Lang: l})
	}
	return out
}

// ldDateTime is an instant as xsd:dateTime, in UTC.
func ldDateTime(t time.Time) ldTyped {
	return ldTyped{Value: t.UTC().Format(time.RFC3339), Type: "xsd:dateTime"}
}

// ldDate is the calendar day of t (in t's zone) as xsd:date.
func ldDate(t time.Time) ldTyped { return ldTyped{Value: t.Format(time.DateOnly), Type: "xsd:date"} }
