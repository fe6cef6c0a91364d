package web

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"dxready/opendata"
	"dxready/store/storetest"
	"dxready/survey"
)

const testBase = "https://dulieu.example.gov.vn"

// catalogEnv is a portal with a configured public address and the seven
// wood firms' results, and its catalogue.
func catalogEnv(t *testing.T) (*env, resp) {
	t.Helper()
	e := newEnv(t, func(c *Config) { c.BaseURL = testBase + "/"; c.CenterEmail = "dulieu@example.gov.vn" })
	in, _ := survey.Latest(e.web.cfg.Instruments, survey.DefaultID)
	storetest.SevenWoodFirms(t, e.st, e.fx, in)
	r := e.client().get("/data/catalog.jsonld")
	if r.status != http.StatusOK {
		t.Fatalf("catalogue: status %d: %.500s", r.status, r.body)
	}
	return e, r
}

// The catalogue is JSON-LD that a JSON-LD processor expands into DCAT-AP
// terms only, with the mandatory properties, typed dates and both
// languages: the Done-when of issue 16.
func TestCatalogIsDCATJSONLD(t *testing.T) {
	_, r := catalogEnv(t)
	if ct := r.header.Get("Content-Type"); ct != "application/ld+json" {
		t.Errorf("Content-Type %q", ct)
	}
	if probs := checkCatalogLD([]byte(r.body)); len(probs) > 0 {
		t.Fatalf("the catalogue is not valid DCAT-AP JSON-LD:\n%s", strings.Join(probs, "\n"))
	}
}

// The checker is the attack's target: a catalogue broken in any way it
// should catch must fail it (otherwise the test above could not fail).
func TestCatalogCheckerCatchesBrokenDocuments(t *testing.T) {
	_, r := catalogEnv(t)
	cases := []struct {
		name, old, new string
		want           string // part of a problem
	}{
		{"mistyped term", `"dcat:distribution"`, `"dcat:distributon"`, "dcat#distributon"},
		{"mistyped class", `"dcat:Dataset"`, `"dcat:DataSet"`, "dcat#DataSet"},
		{"unmapped term", `"dct:title"`, `"title"`, "did not expand"},
		{"unknown prefix", `"dct:description"`, `"dc:description"`, "dc:description"},
		{"prefix to another namespace", `"foaf": "http://xmlns.com/foaf/0.1/"`, `"foaf": "http://example.org/foaf#"`, "example.org"},
		{"other language", `"@language": "en"`, `"@language": "fr"`, "neither vi nor en"},
		{"untyped date", `"@type": "xsd:dateTime"`, `"@type": "xsd:string"`, "XMLSchema#string"},
		{"malformed date", `"@type": "xsd:date"`, `"@type": "xsd:dateTime"`, "not a valid"},
		{"relative IRI", `"@id": "` + testBase + `/data/catalog.jsonld#readiness-by-ward"`, `"@id": "/data/catalog.jsonld#readiness-by-ward"`, "not an absolute IRI"},
		{"no access URL", `"dcat:accessURL"`, `"dcat:downloadURL2"`, "accessURL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(r.body, tc.old) {
				t.Fatalf("the catalogue has no %s to break", tc.old)
			}
			probs := strings.Join(checkCatalogLD([]byte(strings.ReplaceAll(r.body, tc.old, tc.new))), "\n")
			if !strings.Contains(probs, tc.want) {
				t.Fatalf("broken document passed or failed for another reason; want a problem with %q, got:\n%s", tc.want, probs)
			}
		})
	}
	// Structural breaks, on the decoded document.
	for name, breakIt := range map[string]func(map[string]any){
		"no dataset":     func(c map[string]any) { c["dcat:dataset"] = []any{} },
		"no description": func(c map[string]any) { delete(c["dcat:dataset"].([]any)[0].(map[string]any), "dct:description") },
		"untagged title": func(c map[string]any) {
			ds := c["dcat:dataset"].([]any)[0].(map[string]any)
			ds["dct:title"] = append(ds["dct:title"].([]any), "Digital readiness")
		},
		"english only": func(c map[string]any) {
			ds := c["dcat:dataset"].([]any)[0].(map[string]any)
			ds["dct:title"] = ds["dct:title"].([]any)[1:]
		},
	} {
		var c map[string]any
		if err := json.Unmarshal([]byte(r.body), &c); err != nil {
			t.Fatal(err)
		}
		breakIt(c)
		b, _ := json.Marshal(c)
		if probs := checkCatalogLD(b); len(probs) == 0 {
			t.Errorf("%s: the checker passed a broken catalogue", name)
		}
	}
}

// Every dataset of the catalogue (opendata.Datasets) is in it, with its
// CSV and JSON at the fixed versioned addresses on the configured base,
// the EU frequency, and a period of the published quarters; a Host header
// chosen by the client changes no address.
func TestCatalogDatasetsAndAddresses(t *testing.T) {
	e, _ := catalogEnv(t)
	req, _ := http.NewRequest("GET", e.srv.URL+"/data/catalog.jsonld", nil)
	req.Host = "evil.example"
	forged := e.client().do(req)
	if forged.status != http.StatusOK {
		t.Fatalf("status %d", forged.status)
	}
	if strings.Contains(forged.body, "evil.example") {
		t.Fatal("the catalogue built an address from the request's Host header")
	}
	var c ldCatalog
	if err := json.Unmarshal([]byte(forged.body), &c); err != nil {
		t.Fatal(err)
	}
	pub, err := e.web.publication(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := opendata.Datasets(pub.Indicators)
	if len(c.Datasets) != len(want) || len(want) == 0 {
		t.Fatalf("%d datasets, want %d", len(c.Datasets), len(want))
	}
	for i, ds := range want {
		got := c.Datasets[i]
		if got.Identifier != ds.ID || len(got.Distribution) != 2 {
			t.Fatalf("dataset %d: %s with %d distributions, want %s with 2", i, got.Identifier, len(got.Distribution), ds.ID)
		}
		for j, ext := range []string{"csv", "json"} {
			url := fmt.Sprintf("%s/data/v1/%s.%s", testBase, ds.ID, ext)
			if d := got.Distribution[j]; d.AccessURL.ID != url || d.DownloadURL.ID != url {
				t.Errorf("%s %s: %s, want %s", ds.ID, ext, d.DownloadURL.ID, url)
			}
		}
		freq := map[string]string{opendata.Quarterly: "QUARTERLY", opendata.Daily: "DAILY"}[ds.Frequency]
		if got.Periodicity.ID != "http://publications.europa.eu/resource/authority/frequency/"+freq {
			t.Errorf("%s: frequency %s", ds.ID, got.Periodicity.ID)
		}
		if (got.Temporal != nil) != (ds.Frequency == opendata.Quarterly) {
			t.Errorf("%s: temporal %v for a %s dataset", ds.ID, got.Temporal, ds.Frequency)
		}
		if got.Temporal != nil {
			first, last := pub.Quarters[0], pub.Quarters[len(pub.Quarters)-1]
			if got.Temporal.Start.Value != first.Start().Format("2006-01-02") || got.Temporal.End.Value != last.End().AddDate(0, 0, -1).Format("2006-01-02") {
				t.Errorf("%s: period %s–%s for quarters %s–%s", ds.ID, got.Temporal.Start.Value, got.Temporal.End.Value, first, last)
			}
		}
		if len(got.Pages) != len(ds.Indicators) {
			t.Errorf("%s: %d indicator pages, want %d", ds.ID, len(got.Pages), len(ds.Indicators))
		}
	}
	if c.Modified.Value != pub.ComputedAt.UTC().Format("2006-01-02T15:04:05Z07:00") || c.License.ID != opendata.Licence {
		t.Errorf("modified %s, licence %s", c.Modified.Value, c.License.ID)
	}
	if !strings.Contains(forged.body, `"mailto:dulieu@example.gov.vn"`) {
		t.Error("the contact point lacks the Center's email")
	}
}

// Every indicator page the catalogue points to is an anchor of the
// methodology page.
func TestCatalogIndicatorPagesExist(t *testing.T) {
	e, r := catalogEnv(t)
	page := e.client().get("/data/methodology")
	pages := regexp.MustCompile(`/data/methodology#(ind-[a-z0-9-]+)"`).FindAllStringSubmatch(r.body, -1)
	if len(pages) < 20 {
		t.Fatalf("only %d indicator pages in the catalogue", len(pages))
	}
	for _, m := range pages {
		if !strings.Contains(page.body, `id="`+m[1]+`"`) {
			t.Errorf("the catalogue points to #%s, which the methodology page lacks", m[1])
		}
	}
}

// A client that has the catalogue gets 304 for it until it changes; the
// catalogue is built once per publication.
func TestCatalogETag(t *testing.T) {
	e, r := catalogEnv(t)
	etag := r.header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if again := e.client().get("/data/catalog.jsonld", "If-None-Match", etag); again.status != http.StatusNotModified || again.body != "" {
		t.Fatalf("If-None-Match: status %d, %d bytes", again.status, len(again.body))
	}
	if other := e.client().get("/data/catalog.jsonld", "If-None-Match", `"other"`); other.status != http.StatusOK || other.body != r.body {
		t.Fatalf("another ETag: status %d", other.status)
	}
	plain := e.client().get("/data/catalog.jsonld", "Accept-Encoding", "identity")
	zipped := e.client().get("/data/catalog.jsonld", "Accept-Encoding", "gzip")
	if plain.header.Get("Content-Encoding") != "" || zipped.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q and %q", plain.header.Get("Content-Encoding"), zipped.header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(strings.NewReader(zipped.body))
	if err != nil {
		t.Fatal(err)
	}
	if unzipped, err := io.ReadAll(zr); err != nil || string(unzipped) != plain.body || len(zipped.body) > len(plain.body)/4 {
		t.Fatalf("gzipped catalogue: %v, %d bytes for %d", err, len(zipped.body), len(plain.body))
	}
	d := e.web.catalog.cur.Load()
	e.client().get("/data/catalog.jsonld")
	if e.web.catalog.cur.Load() != d {
		t.Fatal("the catalogue was built again for the same publication")
	}
}
