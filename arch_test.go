package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// allowedImports is STYLE.md §8's direction table, plus demo (documented in
// demo/demo.go): for each of our packages, which of ours it may import.
var allowedImports = map[string][]string{
	"dxready/plaintext":       {}, // the text rule, used by several domains (plaintext/plaintext.go)
	"dxready/firms":           {"dxready/plaintext"},
	"dxready/survey":          {},
	"dxready/nudge":           {}, // the nudges' timing, cap and opt-out rules
	"dxready/auth":            {},
	"dxready/locale":          {},
	"dxready/templates":       {},
	"dxready/static":          {},
	"dxready/scoring":         {"dxready/survey"},
	"dxready/disclosure":      {"dxready/scoring"},                       // disclosure control of figures from unshared results
	"dxready/funnel":          {"dxready/scoring"},                       // the programme funnel's stages and figures (docs/FUNNEL.md)
	"dxready/opendata":        {"dxready/scoring", "dxready/disclosure"}, // open data's catalogue and tables (opendata/doc.go)
	"dxready/advisors":        {"dxready/firms", "dxready/survey", "dxready/scoring"},
	"dxready/charts":          {"dxready/scoring", "dxready/survey"},
	"dxready/store":           {"dxready/firms", "dxready/survey", "dxready/scoring", "dxready/disclosure", "dxready/advisors", "dxready/auth", "dxready/funnel"},
	"dxready/store/storetest": {"dxready/store", "dxready/firms", "dxready/survey", "dxready/scoring", "dxready/disclosure", "dxready/advisors", "dxready/auth"},
	"dxready/demo":            {"dxready/firms", "dxready/auth", "dxready/store", "dxready/survey", "dxready/scoring", "dxready/advisors"}, // seeds like storetest: store + domain packages
	// mail delivers the outbox (documented in mail/doc.go): store only.
	"dxready/mail": {"dxready/store"},
	"dxready/web": {"dxready/plaintext", "dxready/firms", "dxready/survey", "dxready/scoring", "dxready/disclosure", "dxready/advisors", "dxready/auth",
		"dxready/charts", "dxready/locale", "dxready/store", "dxready/templates", "dxready/static", "dxready/funnel", "dxready/nudge", "dxready/opendata"},
	// loadtest is `dxready load` (STYLE.md §10: a tool, not the portal): it
	// speaks HTTP to a running portal and needs only the instrument to
	// answer and valid tax codes, never web or store. Its tests start a
	// portal with httptest (web, store/storetest, locale, auth).
	"dxready/loadtest": {"dxready/survey", "dxready/firms"},
	// main also runs commands: demo, rescore (scoring rules applied to stored
	// answers), user add; it imports their domain packages for that, and
	// only dispatches `dxready load` to loadtest.
	"dxready": {"dxready/web", "dxready/store", "dxready/mail", "dxready/locale", "dxready/firms", "dxready/plaintext", "dxready/auth", "dxready/demo", "dxready/survey", "dxready/scoring",
		"dxready/loadtest"},
}

// testImports is what a package's tests may import besides its own row of
// the table and the package itself.
var testImports = map[string][]string{
	"dxready": {"dxready/advisors", "dxready/store/storetest", // the booking journey reads the holiday calendar; the lifecycle test moves a fake clock
		"dxready/opendata"}, // the message scan lists open data's kinds, dimensions and units from the catalogue
	"dxready/store": {"dxready/store/storetest", "dxready/demo"}, // fixtures; the demo province for benchmarks
	"dxready/web":   {"dxready/store/storetest"},
	"dxready/mail":  {"dxready/store/storetest"},
	"dxready/demo":  {"dxready/store/storetest"},
	// the load tool's tests start a portal with httptest
	"dxready/loadtest": {"dxready/web", "dxready/store", "dxready/store/storetest", "dxready/locale", "dxready/auth"},
}

// pure packages hold domain rules only: no HTTP, no SQL, no templates,
// neither imported nor anywhere below them, in their tests too.
var pure = []string{"dxready/plaintext", "dxready/firms", "dxready/survey", "dxready/scoring", "dxready/disclosure",
	"dxready/advisors", "dxready/auth", "dxready/charts", "dxready/funnel", "dxready/nudge", "dxready/opendata"}

var impure = []string{"net/http", "database/sql", "html/template", "text/template"}

// impureBelow are impure packages a pure package may have below it through
// a third-party module, with the reason; the test fails when one is no
// longer there, so the list cannot go stale.
var impureBelow = map[string][]string{
	// go-echarts' charts package imports its render package (templates);
	// charts only marshals options to JSON and never renders with it.
	"dxready/charts": {"html/template", "text/template"},
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go list %v: %v\n%s", args, err, stderr)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

func ours(p string) bool { return p == "dxready" || strings.HasPrefix(p, "dxready/") }

// TestArchitecture fails when an import, of a package or of its tests,
// breaks the direction table, or a pure package imports HTTP, SQL or
// templates.
func TestArchitecture(t *testing.T) {
	seen := 0
	for _, line := range goList(t, "-f", `{{.ImportPath}}|{{join .Imports " "}}|{{join .TestImports " "}} {{join .XTestImports " "}}`, "./...") {
		parts := strings.Split(line, "|")
		pkg, imps, tests := parts[0], strings.Fields(parts[1]), strings.Fields(parts[2])
		allowed, known := allowedImports[pkg]
		if !known {
			t.Errorf("package %s is not in the architecture table: add it to STYLE.md's layout and here", pkg)
			continue
		}
		seen++
		inTests := append(append(slices.Clone(allowed), pkg), testImports[pkg]...)
		for _, imp := range imps {
			if ours(imp) && !slices.Contains(allowed, imp) {
				t.Errorf("%s imports %s, which the direction table forbids", pkg, imp)
			}
		}
		for _, imp := range tests {
			if ours(imp) && !slices.Contains(inTests, imp) {
				t.Errorf("the tests of %s import %s, which the direction table forbids", pkg, imp)
			}
		}
		for _, imp := range append(imps, tests...) {
			if slices.Contains(pure, pkg) && slices.Contains(impure, imp) {
				t.Errorf("pure package %s (or its tests) imports %s", pkg, imp)
			}
		}
	}
	if seen < 8 {
		t.Fatalf("only %d packages checked", seen)
	}
}

// TestPureDependencies walks everything below each pure package and its
// tests (go list -deps -test): none of our packages outside its reach in
// the table (never store or web), and no HTTP, SQL or templates, except
// what impureBelow documents.
func TestPureDependencies(t *testing.T) {
	present := goList(t, "./...")
	checked := 0
	for _, p := range pure {
		if !slices.Contains(present, p) {
			continue // in the table ahead of its code
		}
		checked++
		reach := reachable(p)
		below := map[string]bool{}
		for _, d := range goList(t, "-deps", "-test", "-f", "{{.ImportPath}}", "./"+strings.TrimPrefix(p, "dxready/")) {
			d, _, _ = strings.Cut(d, " ") // "dxready/firms [dxready/firms.test]" is dxready/firms
			below[d] = true
			switch {
			case d == p || d == p+".test":
			case ours(d) && !reach[d]:
				t.Errorf("pure package %s has %s below it (through its imports or its tests)", p, d)
			case slices.Contains(impure, d) && !slices.Contains(impureBelow[p], d):
				t.Errorf("pure package %s has %s below it (through its imports or its tests)", p, d)
			}
		}
		for _, d := range impureBelow[p] {
			if !below[d] {
				t.Errorf("%s no longer has %s below it: drop it from impureBelow", p, d)
			}
		}
	}
	if checked < 7 {
		t.Fatalf("only %d pure packages checked", checked)
	}
}

// reachable is every package of ours that p may have below it: the
// transitive closure of its row of the table.
func reachable(p string) map[string]bool {
	reach := map[string]bool{}
	next := []string{p}
	for len(next) > 0 {
		q := next[0]
		next = next[1:]
		for _, imp := range allowedImports[q] {
			if !reach[imp] {
				reach[imp] = true
				next = append(next, imp)
			}
		}
	}
	return reach
}
