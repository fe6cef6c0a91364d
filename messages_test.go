package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"dxready/locale"
)

// messageID matches a literal message ID in Go or template source, e.g.
// "error.taxcode.checksum" or {{t "page.home.title"}}. IDs built at run time
// ("size." + class) are checked where their parts are listed.
var messageID = regexp.MustCompile(`"((?:page|error|field|nav|flash|cli|common|import|pager|role|status|banner|footer|format|consent|park|export|mail)\.[a-z0-9_.\-]+)"`)

func TestEveryMessageIDUsedExists(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, id := range b.MessageIDs(locale.VI) {
		known[id] = true
	}
	used := 0
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			if err == nil {
				return filepath.SkipDir
			}
			return err
		}
		if !strings.HasSuffix(path, ".html") && (!strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go")) {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range messageID.FindAllStringSubmatch(string(src), -1) {
			id := m[1]
			if strings.HasSuffix(id, ".") {
				continue // a prefix completed at run time
			}
			used++
			if !known[id] {
				t.Errorf("%s uses message %q, which is not in the catalogue", path, id)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Run-time IDs: every value their variable part can take.
	for _, prefix := range []string{"size.micro", "size.small", "size.medium", "size.large", "ward.kind.ward", "ward.kind.commune",
		"status.active", "status.pending", "status.disabled", "role.firm", "role.lead", "role.advisor", "role.admin"} {
		if !known[prefix] {
			t.Errorf("run-time message %q is missing", prefix)
		}
	}
	for _, col := range []string{"tax_code", "name", "vsic", "vsic_version", "ward", "park", "employees", "revenue_vnd", "capital_vnd", "year", "associations"} {
		if !known["import.column."+col] {
			t.Errorf("import column label %q is missing", col)
		}
	}
	if used < 100 {
		t.Fatalf("found only %d message uses: the scan is broken", used)
	}
	t.Logf("%d literal message uses checked", used)
}
