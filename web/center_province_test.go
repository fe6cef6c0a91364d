package web

import (
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

// The province dashboard over the fixtures, worked out by hand: ten firms
// in the registry (the three fixtures and seven wood firms copied from Nội
// thất Bình Dương, VSIC 1629, section C), seven with a result. Section C
// holds nine of them; the estimate's strata are section × size, and only
// the wood firms' (eight in the registry, seven assessed) has enough
// results, so the estimate speaks for eight firms and equals that
// stratum's protected mean.
func TestProvinceDashboardByHand(t *testing.T) {
	e := newEnv(t)
	in := storetest.Instrument(t)
	storetest.SevenWoodFirms(t, e.st, e.fx, in)
	admin := e.client().login("admin@test.local")
	page := admin.get("/center/province?lang=en")
	must(t, page, http.StatusOK, "7 of the 10 firms in the registry have a self-assessment result (70%)")
	wood := string(e.fx.NoiThat.SizeClass)
	snap, err := e.st.Snapshot(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	stratum := snap.Union([]string{"x:C|" + wood}, scoring.QuarterOf(storetest.Clock))
	want := fmt.Sprintf("Estimate for the 8 firms of the registry, weighted by industry and size: average score %.1f (95%% confidence interval",
		stratum.Overall.Mean)
	if !strings.Contains(html.UnescapeString(page.body), want) {
		i := strings.Index(page.body, "estimate-heading")
		t.Fatalf("the estimate is not the wood stratum's: want %q in\n%s", want, page.body[i:min(len(page.body), i+800)])
	}
	must(t, admin.get("/center/province?lang=en&section=C"), http.StatusOK, "7 of the 9 firms in the registry")
	must(t, admin.get("/center/province?lang=en&section=H"), http.StatusOK, "0 of the 1 firms in the registry", "Too few results to estimate")
	// A ward, and its former district as the union of its wards.
	w, _ := e.web.ref.Ward("25813")
	inDistrict := 0
	for _, code := range []string{"25813", "25760"} {
		if x, _ := e.web.ref.Ward(code); x.FormerDistrictCode == w.FormerDistrictCode {
			inDistrict += map[string]int{"25813": 5, "25760": 2}[code] // SevenWoodFirms: five in 25813, two in 25760
		}
	}
	must(t, admin.get("/center/province?lang=en&district="+w.FormerDistrictCode), http.StatusOK,
		fmt.Sprintf("%d of the", inDistrict), "Weighted estimates exist for the whole province, one industry section or one size class")
	// The figures shown are kept per snapshot, never past it: a firm
	// registered, then a result submitted, show at the next view.
	f := *e.fx.Kho
	f.ID, f.TaxCode = 0, storetest.TaxCodeFrom(390000000)
	if err := e.st.CreateFirm(ctx, &f); err != nil {
		t.Fatal(err)
	}
	must(t, admin.get("/center/province?lang=en"), http.StatusOK, "7 of the 11 firms in the registry")
	res := scoring.Result{Instrument: in.Key(), Overall: 50, Level: 3, Pillars: []scoring.PillarScore{{PillarID: "customer", Score: 50, Scored: true}}}
	if err := e.st.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: f.ID, Result: res, SubmittedAt: storetest.Clock}}); err != nil {
		t.Fatal(err)
	}
	must(t, admin.get("/center/province?lang=en"), http.StatusOK, "8 of the 11 firms in the registry")
	// The breakdown links each row to its own view.
	must(t, admin.get("/center/province?lang=en&by=ward"), http.StatusOK, `href="/center/province?by=ward&amp;ward=25813"`)
}

// Filters that make no sense answer with the page and a notice that says
// why, never a 500; two filters at once name the one not applied.
func TestProvinceDashboardBadFilters(t *testing.T) {
	e := newEnv(t)
	storetest.SevenWoodFirms(t, e.st, e.fx, storetest.Instrument(t))
	admin := e.client().login("admin@test.local")
	for path, want := range map[string]string{
		"/center/province?lang=en&ward=99999":                  "The registry holds no firm in this selection",
		"/center/province?lang=en&association=abc":             "The registry holds no firm in this selection",
		"/center/province?lang=en&quarter=2030-Q1":             "is not a quarter that has ended",
		"/center/province?lang=en&quarter=%3Cscript%3E":        "“&lt;script&gt;” is not a quarter",
		"/center/province?lang=en&section=C&size=small&park=x": "showing C – Manufacturing; not applied: size, industrial park.",
		"/center/province?lang=en&by=%27%3B--":                 "By industry (section)",
	} {
		r := admin.get(path)
		if r.status != http.StatusOK || !strings.Contains(r.body, want) {
			i := max(0, strings.Index(r.body, `class="notice"`))
			t.Errorf("%s: %d, want %q in the page\n%s", path, r.status, want, r.body[i:min(len(r.body), i+300)])
		}
	}
	// The page's counts are exact; its scores protected: no group under
	// the minimum shows a score.
	r := admin.get("/center/province?lang=en&section=H")
	if !strings.Contains(r.body, `id="selection-suppressed"`) || strings.Contains(r.body, `id="selection-mean"`) {
		t.Errorf("a group of one firm showed a score")
	}
}
