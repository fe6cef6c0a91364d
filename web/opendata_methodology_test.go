package web

import (
	"context"
	"fmt"
	"html"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"dxready/disclosure"
	"dxready/scoring"
	"dxready/survey"
)

// localNum writes f as the page must: with decimals as given (-1: as many
// as it has), a decimal comma in Vietnamese. Written apart from the page's
// own formatting, so a change of either shows.
func localNum(f float64, decimals int, lang string) string {
	s := strconv.FormatFloat(f, 'f', decimals, 64)
	if lang == "vi" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

// byID is the text of the element with id in page (its first line of
// markup), unescaped.
func byID(t *testing.T, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*>(.*)`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the page has no element #%s", id)
	}
	return html.UnescapeString(m[1])
}

// The page states the protection's parameters as package disclosure has
// them, in both languages: a change of any constant that the page did not
// follow fails here (a change detector, on purpose).
func TestMethodologyStatesDisclosureConstants(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.OpenDataRefresh = 15 * time.Minute })
	for _, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) {
			r := e.client().get("/data/methodology?lang=" + lang)
			must(t, r, http.StatusOK)
			if got := byID(t, r.body, "suppression"); !strings.Contains(got, " "+strconv.Itoa(disclosure.MinGroup)+" ") {
				t.Errorf("suppression does not state MinGroup %d: %s", disclosure.MinGroup, got)
			}
			formula := fmt.Sprintf("√%d × max(%s, %s × √n)", disclosure.PublicCells,
				localNum(disclosure.SigmaMin, -1, lang), localNum(disclosure.SigmaRoot, -1, lang))
			if got := byID(t, r.body, "formula-noise"); !strings.Contains(got, formula) {
				t.Errorf("noise formula lacks %q: %s", formula, got)
			}
			if got := byID(t, r.body, "formula-pillar-noise"); !strings.Contains(got, localNum(disclosure.Rho, -1, lang)) {
				t.Errorf("pillar noise lacks Rho %v: %s", disclosure.Rho, got)
			}
			examples := byID(t, r.body, "noise-examples")
			for _, n := range methodologyExamples {
				sd := math.Sqrt(disclosure.PublicCells) * math.Max(disclosure.SigmaMin, disclosure.SigmaRoot*math.Sqrt(float64(n))) / float64(n)
				if !strings.Contains(examples, localNum(sd, 2, lang)) {
					t.Errorf("the noise of %d firms, %.2f, is not stated: %s", n, sd, examples)
				}
			}
			if got := byID(t, r.body, "public-cells"); strings.Count(got, strconv.Itoa(disclosure.PublicCells)) < 3 {
				t.Errorf("the public cells' paragraph does not state %d: %s", disclosure.PublicCells, got)
			}
			counts := byID(t, r.body, "counts")
			for _, n := range []int{disclosure.PublicCountDraws, disclosure.PublicSharesMin} {
				if !strings.Contains(counts, " "+strconv.Itoa(n)+" ") {
					t.Errorf("the counts' paragraph does not state %d: %s", n, counts)
				}
			}
			if sd := "±" + localNum(disclosure.PublicCountSD(), 0, lang); !strings.Contains(counts, sd) {
				t.Errorf("the counts' paragraph does not state their deviation %s: %s", sd, counts)
			}
			if got := byID(t, r.body, "refresh-text"); !strings.Contains(got, " 15 ") {
				t.Errorf("the refresh interval (15 minutes) is not stated: %s", got)
			}
		})
	}
}

// The instrument, its pillars, levels and adoption facts come from the
// loaded instrument; every indicator has its anchor; no inline script.
func TestMethodologyInstrumentAndIndicators(t *testing.T) {
	e := newEnv(t)
	in, _ := survey.Latest(e.web.cfg.Instruments, survey.DefaultID)
	pub, err := e.web.publication(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"vi", "en"} {
		r := e.client().get("/data/methodology?lang=" + lang)
		page := html.UnescapeString(r.body)
		must(t, r, http.StatusOK, in.Key(), in.Name.In(lang), in.Basis.In(lang))
		for _, p := range in.Pillars {
			row := fmt.Sprintf("<th scope=\"row\">%s</th><td>%s</td><td>%d</td>", p.Name.In(lang), localNum(p.Weight, -1, lang), len(p.Questions))
			if !strings.Contains(page, row) {
				t.Errorf("%s: pillar row %s missing", lang, row)
			}
		}
		for _, l := range in.Levels {
			row := fmt.Sprintf("<th scope=\"row\">%d</th><td>%s</td><td>%s</td>", l.Level, l.Name.In(lang), localNum(l.Min, -1, lang))
			if !strings.Contains(page, row) {
				t.Errorf("%s: level row %s missing", lang, row)
			}
		}
		for _, a := range scoring.Adoptions(in.ID) {
			q, _ := in.Question(a.Question)
			if !strings.Contains(page, q.Text.In(lang)+` <span class="hint">(`+a.Question+`)</span>`) {
				t.Errorf("%s: fact %s's question is not shown", lang, a.ID)
			}
		}
		inds := catalogIndicators(pub.Indicators)
		if len(inds) < 20 || strings.Count(r.body, `<dt id="ind-`) != len(inds) {
			t.Errorf("%s: %d indicator anchors, want %d", lang, strings.Count(r.body, `<dt id="ind-`), len(inds))
		}
		for _, ind := range inds {
			if !strings.Contains(r.body, `<dt id="ind-`+ind.ID+`"><code>`+ind.ID+`</code>`) {
				t.Errorf("%s: indicator %s has no anchor", lang, ind.ID)
			}
		}
		if regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]|<script(?:\s(?:[^s>]|s[^r])*)?>|\son[a-z]+=`).MatchString(r.body) {
			t.Errorf("%s: the page has inline script", lang)
		}
		if !strings.Contains(r.header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("%s: no CSP", lang)
		}
	}
}
