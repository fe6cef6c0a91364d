package web

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"dxready/disclosure"
	"dxready/firms"
	"dxready/opendata"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

// ATTACK16: what a reader of open data (no key, no account) gets from the
// published files, and whether any channel shows what another hides.

// No share of a group under disclosure.PublicSharesMin results is
// published anywhere: not as the group's level or adoption share, and not
// as its registry-weighted estimate of the level shares, which for a
// section or size class of one stratum is that very share (the same
// perturbed counts over the same firms). Read through the JSON file, the
// CSV file and the feed.
func TestAttack16NoShareOfAGroupUnder100Anywhere(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.APIBurst = 1 << 20 })
	_, prev := publishedWard(t, e, 30) // 30 results: one section, one size class, one stratum
	key, _ := e.issueAPIKey("IOC")
	p := publicationOf(t, e)
	for _, dim := range []string{opendata.DimProvince, opendata.DimSection, opendata.DimSize} {
		id := "readiness-by-" + dim
		r := e.client().get("/data/v1/" + id + ".json")
		var file dataFileJSON
		if err := json.Unmarshal([]byte(r.body), &file); err != nil {
			t.Fatal(err)
		}
		for _, row := range file.Rows {
			n := row.Values["firms-assessed"]
			if n == nil || *n >= disclosure.PublicSharesMin || *n < disclosure.MinGroup {
				continue
			}
			for ind, v := range row.Values {
				if strings.HasSuffix(ind, "-share") && v != nil {
					t.Errorf("%s %s %s (%v results): %s = %v published", id, row.Quarter, row.Code, *n, ind, *v)
				}
			}
		}
		tb, _ := p.Table(id)
		for _, ind := range tb.Indicators {
			if ind.Unit != opendata.UnitPercent {
				continue
			}
			for _, code := range p.Codes(dim) {
				a := e.apiGet(fmt.Sprintf("/api/v1/indicators/%s/series?dimension=%s&code=%s", ind.ID, dim, url.QueryEscape(code)), key)
				var s apiSeriesJSON
				if err := json.Unmarshal(a.body, &s); err != nil || len(s.Series) != 1 {
					t.Fatalf("%s: %d %s", ind.ID, a.status, a.body)
				}
				for _, pt := range s.Series[0].Points {
					if n := cellOf(t, p, id, code, prev, "firms-assessed").V; pt.Quarter == prev.String() && n < disclosure.PublicSharesMin && pt.Value != nil {
						t.Errorf("feed: %s of %s %s (%v results) at %s = %v", ind.ID, dim, code, n, pt.Quarter, *pt.Value)
					}
				}
			}
		}
	}
}

// The same figure read through every channel (the JSON file, the CSV
// file, the feed's series) is the same publication's: equal once rounded
// as the files round. Two channels with two noises would be two looks.
func TestAttack16EveryChannelShowsOneFigure(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.APIBurst = 1 << 20 })
	publishedWard(t, e, 110)
	key, _ := e.issueAPIKey("IOC")
	p := publicationOf(t, e)
	tb, _ := p.Table("readiness-by-ward")
	var file dataFileJSON
	if err := json.Unmarshal([]byte(e.client().get("/data/v1/readiness-by-ward.json").body), &file); err != nil {
		t.Fatal(err)
	}
	csvBody := e.client().get("/data/v1/readiness-by-ward.csv").body
	unrounded := 0
	for _, ind := range tb.Indicators {
		a := e.apiGet("/api/v1/indicators/"+ind.ID+"/series?dimension=ward&limit=100", key)
		var s apiSeriesJSON
		if err := json.Unmarshal(a.body, &s); err != nil {
			t.Fatalf("%s: %d %s", ind.ID, a.status, a.body)
		}
		for _, g := range s.Series {
			for _, pt := range g.Points {
				var fileV *float64
				for _, row := range file.Rows {
					if row.Code == *g.Code && row.Quarter == pt.Quarter {
						fileV = row.Values[ind.ID]
					}
				}
				if (fileV == nil) != (pt.Value == nil) {
					t.Errorf("%s %s %s: file %v, feed %v", ind.ID, *g.Code, pt.Quarter, fileV, pt.Value)
					continue
				}
				if fileV == nil {
					continue
				}
				if math.Abs(jsonNumber(ind, *pt.Value)-*fileV) > 1e-9 {
					t.Errorf("%s %s %s: file %v, feed %v: two figures", ind.ID, *g.Code, pt.Quarter, *fileV, *pt.Value)
				}
				if *pt.Value != *fileV {
					unrounded++ // the feed rounds as the files do: a digit past them would show only noise
				}
				if cell := fmt.Sprintf("%.1f", *fileV); ind.Unit != opendata.UnitFirms && !strings.Contains(string(csvBody), ","+cell) {
					t.Errorf("%s %s %s: %s is not in the CSV", ind.ID, *g.Code, pt.Quarter, cell)
				}
			}
		}
	}
	if unrounded > 0 {
		t.Errorf("the feed gives %d figures with more digits than the files", unrounded)
	}
}

// One set of firms asked through several cells (the province, its ward,
// section and size class, and their estimates, when one firm set fills
// them all) is one figure: one noise, not seven looks to average.
func TestAttack16OneSetIsOneLookAcrossCells(t *testing.T) {
	e := newEnv(t)
	_, prev := publishedWard(t, e, 30)
	p := publicationOf(t, e)
	want := cellOf(t, p, "readiness-by-province", "", prev, "overall-mean")
	for _, c := range []struct{ dataset, code, ind string }{{"readiness-by-province", "", "estimate-overall-mean"},
		{"readiness-by-ward", e.fx.Kho.WardCode, "overall-mean"}, {"readiness-by-section", e.fx.Kho.Section, "overall-mean"},
		{"readiness-by-section", e.fx.Kho.Section, "estimate-overall-mean"}, {"readiness-by-size", string(e.fx.Kho.SizeClass), "overall-mean"},
		{"readiness-by-size", string(e.fx.Kho.SizeClass), "estimate-overall-mean"}} {
		if got := cellOf(t, p, c.dataset, c.code, prev, c.ind); got.Null || got.V != want.V {
			t.Errorf("%s %s %s = %+v, the province's (same firms) %+v: another look", c.dataset, c.code, c.ind, got, want)
		}
	}
}

// The withheld ward by subtraction: the province's firms less the
// published ward's leave the withheld ward's 3, whose mean an attacker
// reads as (nP·province − nW·ward) / 3. Counts are exact, so all that
// stands between him and the 3 firms' mean is the two cells' noise: it
// must leave that mean unknown (a standard deviation over 20 points, a
// fifth of the scale), not a figure of a group under 5.
func TestAttack16WithheldWardBySubtraction(t *testing.T) {
	e := openDataEnv(t)
	p := publicationOf(t, e)
	prov, ward := cellOf(t, p, "readiness-by-province", "", q3, "overall-mean"), cellOf(t, p, "readiness-by-ward", "25813", q3, "overall-mean")
	nP, nW := cellOf(t, p, "readiness-by-province", "", q3, "firms-assessed").V, cellOf(t, p, "readiness-by-ward", "25813", q3, "firms-assessed").V
	if nP-nW != 3 || !cellOf(t, p, "readiness-by-ward", "25760", q3, "overall-mean").Null {
		t.Fatalf("fixture: province %v, ward %v, the small ward not withheld", nP, nW)
	}
	recovered := (nP*prov.V - nW*ward.V) / (nP - nW)
	snap, err := e.st.Snapshot(ctx, storetest.Instrument(t))
	if err != nil {
		t.Fatal(err)
	}
	sdP := snap.PublicFigures([]string{store.GroupKey("", "")}, q3).Margin() / 1.96
	sdW := snap.PublicFigures([]string{store.GroupKey(store.DimWard, "25813")}, q3).Margin() / 1.96
	sd := math.Hypot(nP*sdP, nW*sdW) / (nP - nW)
	t.Logf("recovered mean of the withheld ward %.1f (its 3 firms), noise sd %.1f points", recovered, sd)
	if sd < 20 {
		t.Errorf("the withheld ward's mean comes back with noise sd %.1f: a figure of 3 firms", sd)
	}
}

// Cache thrash: a visitor walks more of the dataset pages' valid choices
// (quarter × indicator × language) than the cache keeps (maxDataPages);
// from then on no page is kept for this publication, and every visitor of
// the catalogue's own links (a dataset's page with no query) has it
// rendered again. The pages the catalogue links to must stay kept.
func TestAttack16DataPageCacheThrash(t *testing.T) {
	e := openDataEnv(t)
	anon := e.client()
	p := publicationOf(t, e)
	tb, _ := p.Table("readiness-by-ward")
	sent := 0
	for _, lang := range []string{"vi", "en"} {
		for _, q := range p.Quarters {
			for _, ind := range tb.Indicators {
				if sent > maxDataPages {
					break
				}
				must(t, anon.get("/data/v1/readiness-by-ward?quarter="+q.String()+"&indicator="+ind.ID+"&lang="+lang), http.StatusOK)
				sent++
			}
		}
	}
	for path, key := range map[string]string{"/data/v1/readiness-by-section?lang=vi": "vi /data/v1/readiness-by-section?",
		"/data/v1/participation-by-size?lang=en": "en /data/v1/participation-by-size?"} {
		must(t, anon.get(path), http.StatusOK)
		if e.web.dataPages.get(p, key) == nil {
			t.Errorf("after %d pages of one dataset's choices, %s is rendered for every visitor", sent, path)
		}
	}
	e.web.dataPages.mu.Lock()
	defer e.web.dataPages.mu.Unlock()
	if n := len(e.web.dataPages.pages); n > maxDataPages+2*len(p.Tables)+2 {
		t.Errorf("%d pages kept", n)
	}
}

// The pages keep their CSP (no inline script) and carry no inline
// script, whatever the query; the chart's option sits in a data
// attribute that html/template escapes.
func TestAttack16DataPagesHaveNoInlineScript(t *testing.T) {
	e := openDataEnv(t)
	anon := e.client()
	for _, path := range []string{"/data", "/data/v1/readiness-by-ward?indicator=level-2-share", "/data/v1/readiness-by-province",
		"/data/v1/participation-by-ward?lang=en", "/data/methodology", "/data/v1/readiness-by-ward?quarter=%3C%2Fscript%3E"} {
		r := anon.get(path)
		csp := r.header.Get("Content-Security-Policy")
		_, scripts, _ := strings.Cut(csp, "script-src")
		scripts, _, _ = strings.Cut(scripts, ";")
		if !strings.Contains(scripts, "'self'") || strings.Contains(scripts, "unsafe-inline") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		for _, tag := range strings.Split(r.body, "<script")[1:] {
			if end := strings.Index(tag, ">"); end < 0 || !strings.Contains(tag[:end], "src=") {
				t.Errorf("%s: an inline script: <script%.80s", path, tag)
			}
		}
		if strings.Contains(r.body, "</script><") && strings.Contains(path, "script") {
			t.Errorf("%s: the query came back as markup", path)
		}
	}
}

// Differencing end to end: a target firm's first result is the only
// change in its ward, section and size class between two published
// quarters. The attacker reads both quarters of every table (counts are
// exact, so each cell gives the target's score as N₂·m₂ − N₁·m₁ plus that
// cell's noise), keeps one look per distinct figure (a set of firms asked
// twice is one noise), and averages them weighted by their noise. What
// stands between him and the score is the combined noise: it must stay
// wider than the scores themselves spread (sd over 20 points).
func TestAttack16DifferencingAFirstResultEndToEnd(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	prev := scoring.QuarterOf(e.fx.Clock.Now()).Prev()
	var subs []store.PastSubmission
	add := func(base *firms.Firm, ward string, i int, q scoring.Quarter, score float64) {
		f := *base
		f.ID, f.TaxCode, f.WardCode = 0, storetest.TaxCodeFrom(392000000+10*i), ward
		if err := e.st.CreateFirm(ctx, &f); err != nil {
			t.Fatal(err)
		}
		subs = append(subs, store.PastSubmission{FirmID: f.ID, SubmittedAt: q.Start().Add(time.Duration(i) * time.Hour),
			Result: scoring.Result{Instrument: in.Key(), Overall: score, Level: int(score / 20),
				Pillars: []scoring.PillarScore{{PillarID: "customer", Score: score, Scored: true}}}})
	}
	kho, noi := e.fx.Kho, e.fx.NoiThat
	for i := range 20 { // the target's ward, section and size
		add(kho, kho.WardCode, i, prev.Prev(), float64(30+2*i))
	}
	for i := range 10 { // its ward, another section and size
		add(noi, kho.WardCode, 20+i, prev.Prev(), float64(25+3*i))
	}
	for i := range 10 { // its section and size, another ward
		add(kho, noi.WardCode, 30+i, prev.Prev(), float64(40+2*i))
	}
	const target = 77.0
	add(kho, kho.WardCode, 40, prev, target)
	if err := e.st.LoadSubmissions(ctx, in, subs); err != nil {
		t.Fatal(err)
	}
	p := publicationOf(t, e)
	snap, err := e.st.Snapshot(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	cells := []struct{ dataset, code, dim string }{{"readiness-by-province", "", ""}, {"readiness-by-ward", kho.WardCode, store.DimWard},
		{"readiness-by-section", kho.Section, store.DimSection}, {"readiness-by-size", string(kho.SizeClass), store.DimSize}}
	seen := map[[2]float64]bool{}
	var sumW, sumWX float64
	for _, c := range cells {
		n1, m1 := cellOf(t, p, c.dataset, c.code, prev.Prev(), "firms-assessed").V, cellOf(t, p, c.dataset, c.code, prev.Prev(), "overall-mean")
		n2, m2 := cellOf(t, p, c.dataset, c.code, prev, "firms-assessed").V, cellOf(t, p, c.dataset, c.code, prev, "overall-mean")
		if n2-n1 != 1 || m1.Null || m2.Null {
			t.Fatalf("%s %s: %v → %v results, means %+v %+v", c.dataset, c.code, n1, n2, m1, m2)
		}
		if seen[[2]float64{m1.V, m2.V}] {
			continue // the same firms as a cell seen: the same noise
		}
		seen[[2]float64{m1.V, m2.V}] = true
		g := []string{store.GroupKey(c.dim, c.code)}
		sd1, sd2 := snap.PublicFigures(g, prev.Prev()).Margin()/1.96, snap.PublicFigures(g, prev).Margin()/1.96
		x, v := n2*m2.V-n1*m1.V, n1*n1*sd1*sd1+n2*n2*sd2*sd2
		t.Logf("%s %s: the target's score read as %.1f ± %.1f (sd)", c.dataset, c.code, x, math.Sqrt(v))
		sumW, sumWX = sumW+1/v, sumWX+x/v
	}
	sd := 1 / math.Sqrt(sumW)
	t.Logf("%d distinct looks; together %.1f ± %.1f (sd), the target's score %.0f", len(seen), sumWX/sumW, sd, target)
	if len(seen) < 3 {
		t.Fatalf("the fixture gives %d distinct looks, want at least 3", len(seen))
	}
	if sd < 20 {
		t.Errorf("differencing every published table reads a first result within sd %.1f", sd)
	}
}

// Forcing fresh noise: whatever makes the publication be computed again
// (a restart, a refresh after any write, a second server) computes the
// same figures from the same cells. Two computations from scratch of one
// snapshot are one publication (same ETag, same values): recomputing is
// never another look.
func TestAttack16RecomputationIsNoNewLook(t *testing.T) {
	e := newEnv(t)
	publishedWard(t, e, 40)
	a, err := e.web.computePublication(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	other := newEnvOn(t, e) // a second server on the same database
	e.fx.Clock.Add(time.Hour)
	b, err := other.computePublication(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.ETag != b.ETag {
		t.Fatalf("two computations of one snapshot: ETag %s and %s", a.ETag, b.ETag)
	}
	for i, tb := range a.Tables {
		for j, r := range tb.Rows {
			for k, v := range r.Values {
				if w := b.Tables[i].Rows[j].Values[k]; v != w {
					t.Errorf("%s %s %s %s: %+v then %+v", tb.ID, r.Quarter, r.Code, tb.Indicators[k].ID, v, w)
				}
			}
		}
	}
}

// Freshness as an oracle: the participation tables are exact counts to
// date, recomputed within Config.OpenDataRefresh of a change. A watcher
// who reads them before and after a refresh in which one firm submitted
// its first result sees which ward, section and size class moved by one,
// and the registry (public: the business register gives a firm's address,
// trade and size) names the firms of that triple. Here it names one: the
// public learns that this firm took part, and when, to within a refresh.
func TestAttack16ParticipationWatcherNamesTheFirm(t *testing.T) {
	// Held since participation is counted once a day: a recomputation the
	// same day (the refresh every few minutes) shows the same counts. Two
	// days still differ by that day's firms; see docs/PRIVACY.md.
	e := newEnv(t)
	before, err := e.web.computePublication(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := storetest.Instrument(t)
	res := scoring.Result{Instrument: in.Key(), Overall: 61, Level: 3, Pillars: []scoring.PillarScore{{PillarID: "customer", Score: 61, Scored: true}}}
	if err := e.st.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: e.fx.Kho.ID, Result: res, SubmittedAt: e.fx.Clock.Now()}}); err != nil {
		t.Fatal(err)
	}
	after, err := e.web.computePublication(ctx, before)
	if err != nil {
		t.Fatal(err)
	}
	moved := map[string]string{}
	for _, dim := range []string{opendata.DimWard, opendata.DimSection, opendata.DimSize} {
		id := "participation-by-" + dim
		tb, _ := after.Table(id)
		for _, r := range tb.Rows {
			was := 0.0
			if old, _ := before.Table(id); old != nil {
				for _, o := range old.Rows {
					if o.Code == r.Code {
						was = o.Values[0].V
					}
				}
			}
			if r.Values[0].V == was+1 {
				moved[dim] = r.Code
			}
		}
	}
	var candidates []string
	for _, f := range []*firms.Firm{e.fx.GoDuc, e.fx.NoiThat, e.fx.Kho} {
		if f.WardCode == moved[opendata.DimWard] && f.Section == moved[opendata.DimSection] && string(f.SizeClass) == moved[opendata.DimSize] {
			candidates = append(candidates, f.Name)
		}
	}
	if len(candidates) == 1 {
		t.Errorf("the participation tables moved in ward %s, section %s, size %s: the register names one firm, %s",
			moved[opendata.DimWard], moved[opendata.DimSection], moved[opendata.DimSize], candidates[0])
	}
}
