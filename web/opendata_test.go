package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"dxready/opendata"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

// q3 is the last ended quarter at the fixtures' clock (22/11/2026).
var q3 = scoring.Quarter{Year: 2026, Q: 3}

// openDataEnv is the fixtures with results in 2026-Q3: eight firms in
// ward 25813 (published), three in 25760 (fewer than 5: withheld); and the seven wood firms of the current
// quarter, which no quarterly table may show.
func openDataEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	in := storetest.Instrument(t)
	storetest.SevenWoodFirms(t, e.st, e.fx, in)
	var subs []store.PastSubmission
	add := func(ward string, i int) {
		f := *e.fx.NoiThat
		f.ID, f.TaxCode, f.Name, f.WardCode = 0, storetest.TaxCodeFrom(381000000+i*10), fmt.Sprintf("Công ty Quý Ba %d", i), ward
		if err := e.st.CreateFirm(ctx, &f); err != nil {
			t.Fatal(err)
		}
		score := float64(20 + 5*i)
		res := scoring.Result{Instrument: in.Key(), Overall: score, Level: int(score / 20),
			Pillars: []scoring.PillarScore{{PillarID: "customer", Score: score, Scored: true}}}
		subs = append(subs, store.PastSubmission{FirmID: f.ID, Result: res, SubmittedAt: time.Date(2026, 8, 10+i, 3, 0, 0, 0, time.UTC)})
	}
	for i := range 8 {
		add("25813", i)
	}
	for i := range 3 {
		add("25760", 8+i)
	}
	if err := e.st.LoadSubmissions(ctx, in, subs); err != nil {
		t.Fatal(err)
	}
	return e
}

func publicationOf(t *testing.T, e *env) *opendata.Publication {
	t.Helper()
	p, err := e.web.publication(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDataCatalogueInBothLanguages(t *testing.T) {
	e := openDataEnv(t)
	c := e.client()
	vi := c.get("/data")
	must(t, vi, http.StatusOK, "Dữ liệu mở", "CC BY 4.0", "(GMT+7)", `href="/data/v1/readiness-by-ward"`, `href="/data/v1/readiness-by-ward.csv"`,
		`href="/data/methodology"`, `href="/data/catalog.jsonld"`, `id="chart-data-headline"`, "adoption-cloud-services-share")
	en := c.get("/data?lang=en")
	must(t, en, http.StatusOK, "Open data", "Digital readiness by ward, quarterly", "Participation by industry (VSIC section), to date",
		"Share adopting: cloud services in some departments or more", "Computed from the whole score")
	t.Log(en.body[strings.Index(en.body, "<main"):][:3000])
}
