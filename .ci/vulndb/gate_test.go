package main

import (
	"strings"
	"testing"
)

func TestGate(t *testing.T) {
	const config = `{"config":{"protocol_version":"v1.0.0"}}`
	called := func(id, module string) string {
		return `{"finding":{"osv":"` + id + `","fixed_version":"v9","trace":[{"module":"` + module + `","version":"v1","package":"p","function":"F"},` +
			`{"module":"dxready","package":"dxready/web","function":"G","position":{"filename":"web/x.go","line":7}}]}}`
	}
	uncalled := `{"finding":{"osv":"GO-3","trace":[{"module":"golang.org/x/crypto","version":"v0.58.0"}]}}`
	for _, tc := range []struct {
		name, in string
		strict   bool
		fails    bool
	}{
		{"nothing found", config, false, false},
		{"uncalled only", config + uncalled, false, false},
		{"called in the standard library", config + called("GO-1", "stdlib"), false, false},
		{"called in the standard library, strict", config + called("GO-1", "stdlib"), true, true},
		{"called in a module", config + called("GO-2", "golang.org/x/net") + uncalled, false, true},
		{"no output", "", false, true},
		{"broken output", config + "{", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			err := gate(strings.NewReader(tc.in), &out, tc.strict)
			if (err != nil) != tc.fails {
				t.Fatalf("err = %v; output %s", err, out.String())
			}
		})
	}
	var out strings.Builder
	gate(strings.NewReader(config+called("GO-2", "golang.org/x/net")), &out, false)
	if !strings.Contains(out.String(), "FAIL GO-2: golang.org/x/net@v1 p.F, fixed in v9 (from web/x.go:7)") {
		t.Errorf("report: %s", out.String())
	}
}
