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
	"dxready/plaintext": {}, // the text rule, used by several domains (plaintext/plaintext.go)
	"dxready/firms":     {"dxready/plaintext"},
	"dxready/survey":    {},
	"dxready/auth":      {},
	"dxready/locale":    {},
	"dxready/templates": {},
	"dxready/static":    {},
	"dxready/scoring":   {"dxready/survey"},
	// disclosure protects figures over results (documented in its doc.go).
	"dxready/disclosure":      {"dxready/scoring"},
	"dxready/advisors":        {"dxready/firms", "dxready/survey", "dxready/scoring"},
	"dxready/charts":          {"dxready/scoring", "dxready/survey"},
	"dxready/store":           {"dxready/firms", "dxready/survey", "dxready/scoring", "dxready/disclosure", "dxready/advisors", "dxready/auth"},
	"dxready/store/storetest": {"dxready/store", "dxready/firms", "dxready/survey", "dxready/scoring", "dxready/disclosure", "dxready/advisors", "dxready/auth"},
	"dxready/demo":            {"dxready/firms", "dxready/auth", "dxready/store", "dxready/survey", "dxready/scoring", "dxready/advisors"}, // seeds like storetest: store + domain packages
	// mail delivers the outbox (documented in mail/doc.go): store only.
	"dxready/mail": {"dxready/store"},
	"dxready/web": {"dxready/plaintext", "dxready/firms", "dxready/survey", "dxready/scoring", "dxready/disclosure", "dxready/advisors", "dxready/auth",
		"dxready/charts", "dxready/locale", "dxready/store", "dxready/templates", "dxready/static"},
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

// pure packages hold domain rules only: no HTTP, no SQL, no templates.
var pure = []string{"dxready/plaintext", "dxready/firms", "dxready/survey", "dxready/scoring", "dxready/disclosure", "dxready/advisors", "dxready/auth", "dxready/charts"}

var impure = []string{"net/http", "database/sql", "html/template", "text/template"}

// TestArchitecture fails when an import breaks the direction table, or a
// pure package imports HTTP, SQL or templates. Test files count too, except
// that any test may use storetest.
func TestArchitecture(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}|{{join .Imports " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imps, _ := strings.Cut(line, "|")
		allowed, known := allowedImports[pkg]
		if !known {
			t.Errorf("package %s is not in the architecture table: add it to STYLE.md's layout and here", pkg)
			continue
		}
		seen++
		for _, imp := range strings.Fields(imps) {
			if (imp == "dxready" || strings.HasPrefix(imp, "dxready/")) && !slices.Contains(allowed, imp) {
				t.Errorf("%s imports %s, which the direction table forbids", pkg, imp)
			}
			if slices.Contains(pure, pkg) && slices.Contains(impure, imp) {
				t.Errorf("pure package %s imports %s", pkg, imp)
			}
		}
	}
	if seen < 8 {
		t.Fatalf("only %d packages checked", seen)
	}
}
