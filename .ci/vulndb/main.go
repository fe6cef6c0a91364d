// Command vulndb serves .ci/run's vulnerability check, which must work with
// no network but the Go module proxy.
//
//	go run ./.ci/vulndb build -osv $MODDIR/data/osv -out DIR
//
// builds a Go vulnerability database that govulncheck reads with
// -db file://DIR, from the OSV files of the golang.org/x/vulndb module
// (data/osv/*.json), which the module proxy serves: CI machines reach the
// proxy but not the public database host. The layout is the v1 schema
// govulncheck's local client reads: index/db.json, index/modules.json and
// ID/<id>.json, uncompressed.
//
//	govulncheck -db file://DIR -format json ./... | go run ./.ci/vulndb gate
//
// reads govulncheck's findings and fails (exit 1) on a vulnerability our
// code reaches in a module we require. One in the standard library is
// fixed by moving the Go toolchain, which the machine image decides: it is
// reported as a warning, or fails too with DXREADY_VULN_STDLIB=fail.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// entry is the part of an OSV entry the indexes need.
type entry struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
	Affected []struct {
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
	} `json:"affected"`
}

type moduleVuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	// Fixed is left out: it is optional, and without it govulncheck reads
	// each entry and applies its ranges itself.
}

type module struct {
	Path  string       `json:"path"`
	Vulns []moduleVuln `json:"vulns"`
}

func main() {
	var err error
	switch cmd := append(os.Args[1:], "")[0]; cmd {
	case "build":
		fs := flag.NewFlagSet("build", flag.ExitOnError)
		src := fs.String("osv", "", "directory of OSV files (data/osv of golang.org/x/vulndb)")
		out := fs.String("out", "", "directory to write the database to (created)")
		fs.Parse(os.Args[2:])
		err = build(*src, *out)
	case "gate":
		err = gate(os.Stdin, os.Stdout, os.Getenv("DXREADY_VULN_STDLIB") == "fail")
	default:
		err = fmt.Errorf("usage: vulndb build -osv DIR -out DIR | vulndb gate < govulncheck.json")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulndb:", err)
		os.Exit(1)
	}
}

func build(src, out string) error {
	if src == "" || out == "" {
		return fmt.Errorf("both -osv and -out are required")
	}
	files, err := filepath.Glob(filepath.Join(src, "GO-*.json"))
	if err != nil {
		return err
	}
	if len(files) < 1000 {
		return fmt.Errorf("only %d OSV files in %s: not the vulndb module's data/osv", len(files), src)
	}
	for _, d := range []string{"index", "ID"} {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			return err
		}
	}
	mods := map[string]*module{}
	var latest time.Time
	for _, f := range files {
		e, raw, err := readEntry(f)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, "ID", e.ID+".json"), raw, 0o644); err != nil {
			return err
		}
		if e.Modified.After(latest) {
			latest = e.Modified
		}
		for _, a := range e.Affected {
			m := mods[a.Package.Name]
			if m == nil {
				m = &module{Path: a.Package.Name}
				mods[a.Package.Name] = m
			}
			if !slices.ContainsFunc(m.Vulns, func(v moduleVuln) bool { return v.ID == e.ID }) {
				m.Vulns = append(m.Vulns, moduleVuln{ID: e.ID, Modified: e.Modified})
			}
		}
	}
	list := make([]*module, 0, len(mods))
	for _, m := range mods {
		list = append(list, m)
	}
	slices.SortFunc(list, func(a, b *module) int { return strings.Compare(a.Path, b.Path) })
	if err := writeJSON(filepath.Join(out, "index", "modules.json"), list); err != nil {
		return err
	}
	fmt.Printf("vulndb: %d entries, %d modules\n", len(files), len(list))
	return writeJSON(filepath.Join(out, "index", "db.json"), map[string]time.Time{"modified": latest})
}

func readEntry(path string) (entry, []byte, error) {
	var e entry
	raw, err := os.ReadFile(path)
	if err != nil {
		return e, nil, err
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return e, nil, fmt.Errorf("%s: %w", path, err)
	}
	if e.ID == "" || e.ID+".json" != filepath.Base(path) {
		return e, nil, fmt.Errorf("%s: id %q does not match the file name", path, e.ID)
	}
	return e, raw, nil
}

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
