package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"dxready/store/storetest"
)

// provinceCacheBytes is what the province cache holds in keys and in the
// strings of its pages that echo the query.
func provinceCacheBytes(s *Server) (pages, bytes int) {
	s.provinceCache.mu.Lock()
	defer s.provinceCache.mu.Unlock()
	for k, d := range s.provinceCache.pages {
		bytes += len(k) + len(d.BadQuarter) + len(d.Selection) + len(d.ReportHref)
		for _, r := range d.Rows {
			bytes += len(r.Href)
		}
	}
	return len(s.provinceCache.pages), bytes
}

// ATTACK15: the cache keeps a page under the whole query, and a page
// echoes an unknown value (its selection's name, a bad quarter). Queries
// of 200 kB each, all different, would each keep 200 kB to 1 MB until
// the cache's 2,048 pages are full: gigabytes from one signed-in client.
// Queries that name nothing the page knows are computed, not kept.
func TestAttack15ProvinceCacheKeepsNoHostileQuery(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login("admin@test.local")
	big := strings.Repeat("x", 200<<10)
	for i, q := range []string{"junk=" + big + "a", "junk=" + big + "b", "ward=" + big, "quarter=" + big,
		"association=" + big, "by=" + big, "section=C&junk=" + big} {
		r := admin.get("/center/province?lang=en&" + q)
		if r.status != http.StatusOK {
			t.Fatalf("query %d: %d", i, r.status)
		}
	}
	if n, b := provinceCacheBytes(e.web); b > 64<<10 {
		t.Errorf("ATTACK15: seven hostile queries left %d pages holding %d kB in the province cache", n, b>>10)
	}
	// Ordinary queries are still kept, and named the same however their
	// parameters are ordered.
	before, _ := provinceCacheBytes(e.web)
	admin.get("/center/province?lang=en&section=C&by=size")
	admin.get("/center/province?by=size&lang=en&section=C")
	if n, _ := provinceCacheBytes(e.web); n != before+1 {
		t.Errorf("the same query in two orders kept %d pages, want 1", n-before)
	}
	// The form sends every filter, those left empty as "": kept too.
	admin.get("/center/province?lang=en&quarter=&association=&section=F&division=&size=&district=&ward=&park=&by=ward")
	if n, _ := provinceCacheBytes(e.web); n != before+2 {
		t.Errorf("the form's query was not kept (%d pages)", n-before)
	}
}

// ATTACK15: every parameter of the three routes with hostile values:
// never a 500, never the value unescaped.
func TestAttack15HostileParametersOnTheCentersFigures(t *testing.T) {
	e := newEnv(t)
	admin := e.client().login("admin@test.local")
	hostile := []string{"-1", "0", "9223372036854775807", "99999999999999999999", "1e9", "<script>x</script>",
		"' OR 1=1 --", "%00", "Hà Nội", "\u202e", strings.Repeat("9", 5000), "-9223372036854775808"}
	params := []string{"quarter", "association", "section", "division", "size", "district", "ward", "park", "by", "lang"}
	quarters := []string{"0-Q1", "-1-Q4", "9999-Q4", "1900-Q1", "2026-Q0", "2026-Q5", "2026-Q3 ", "2026-q3", "99999999999-Q1"}
	for _, path := range []string{"/center/province", "/center/report", "/center/report.xlsx"} {
		var qs []string
		for _, p := range params {
			for _, v := range hostile {
				qs = append(qs, p+"="+url.QueryEscape(v))
			}
		}
		for _, v := range quarters {
			qs = append(qs, "quarter="+url.QueryEscape(v))
		}
		qs = append(qs, "section=C&section=F&section=<b>", "association=1&association=2", "by=ward&by=park", "quarter=2026-Q3&quarter=2026-Q2")
		for _, q := range qs {
			r := admin.get(path + "?" + q)
			if r.status >= 500 {
				t.Errorf("%s?%s: %d", path, q, r.status)
			}
			if strings.Contains(r.body, "<script>x</script>") || strings.Contains(r.body, "<b>") {
				t.Errorf("%s?%s: the value came back unescaped", path, q)
			}
		}
	}
}

// registryIn reads "… of the N firms in the registry" from a page.
func registryIn(t *testing.T, c *client, path string) int {
	t.Helper()
	r := c.get(path)
	m := regexp.MustCompile(`of the (\d+) firms in the registry`).FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		t.Fatalf("%s: %d, no registry count", path, r.status)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// ATTACK15: writes that change no result but change what the page counts
// (a firm without a result moving ward, a firm joining an association)
// must not leave a kept page showing the old count.
func TestAttack15ProvinceCacheIsNotStaleAfterRegistryChanges(t *testing.T) {
	e := newEnv(t)
	storetest.SevenWoodFirms(t, e.st, e.fx, storetest.Instrument(t))
	admin := e.client().login("admin@test.local")
	ward := "/center/province?lang=en&ward=25760"
	before := registryIn(t, admin, ward)
	registryIn(t, admin, ward) // kept
	kho := *e.fx.Kho
	kho.WardCode = "25760"
	if err := e.st.UpdateFirm(ctx, &kho); err != nil {
		t.Fatal(err)
	}
	if got := registryIn(t, admin, ward); got != before+1 {
		t.Errorf("ATTACK15: after a firm moved into ward 25760 the page shows %d firms, want %d", got, before+1)
	}
	assoc := "/center/province?lang=en&association=" + strconv.FormatInt(e.fx.Wood.ID, 10)
	members := registryIn(t, admin, assoc)
	if err := e.st.AddMemberships(ctx, e.fx.Wood.ID, []int64{e.fx.Kho.ID}); err != nil {
		t.Fatal(err)
	}
	if got := registryIn(t, admin, assoc); got != members+1 {
		t.Errorf("ATTACK15: after a firm joined, the association's page shows %d members, want %d", got, members+1)
	}
}
