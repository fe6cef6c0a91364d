package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// finding is the part of a govulncheck -format json finding the gate reads.
type finding struct {
	OSV          string `json:"osv"`
	FixedVersion string `json:"fixed_version"`
	Trace        []struct {
		Module   string `json:"module"`
		Version  string `json:"version"`
		Package  string `json:"package"`
		Function string `json:"function"`
		Receiver string `json:"receiver"`
		Position *struct {
			Filename string `json:"filename"`
			Line     int    `json:"line"`
		} `json:"position"`
	} `json:"trace"`
}

// gate reads govulncheck's JSON stream and reports each vulnerability our
// code calls once (with where). It fails on one outside the standard
// library, and on one inside it too when strictStdlib is set. Findings of
// imported or required code that is never called are counted, not failed:
// govulncheck itself reports them so.
func gate(r io.Reader, w io.Writer, strictStdlib bool) error {
	dec := json.NewDecoder(r)
	called := map[string]string{} // OSV ID -> line to print
	stdlib := map[string]bool{}
	uncalled, messages := map[string]bool{}, 0
	for {
		var msg struct {
			Finding *finding `json:"finding"`
		}
		if err := dec.Decode(&msg); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return fmt.Errorf("reading govulncheck's output: %w", err)
		}
		messages++
		f := msg.Finding
		if f == nil || len(f.Trace) == 0 {
			continue
		}
		top := f.Trace[0]
		if top.Function == "" {
			uncalled[f.OSV] = true
			continue
		}
		if _, seen := called[f.OSV]; seen {
			continue
		}
		where := ""
		for _, fr := range f.Trace {
			if fr.Position != nil && strings.HasPrefix(fr.Module, "dxready") {
				where = fmt.Sprintf(" (from %s:%d)", fr.Position.Filename, fr.Position.Line)
				break
			}
		}
		called[f.OSV] = fmt.Sprintf("%s: %s@%s %s.%s, fixed in %s%s", f.OSV, top.Module, top.Version, top.Package, top.Function, f.FixedVersion, where)
		stdlib[f.OSV] = top.Module == "stdlib"
	}
	if messages == 0 {
		return errors.New("govulncheck wrote nothing")
	}
	for id := range called {
		delete(uncalled, id)
	}
	ids := make([]string, 0, len(called))
	for id := range called {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var failed []string
	for _, id := range ids {
		kind := "FAIL"
		if stdlib[id] && !strictStdlib {
			kind = "WARNING (standard library: fixed by a newer Go toolchain)"
		} else {
			failed = append(failed, id)
		}
		fmt.Fprintf(w, "%s %s\n", kind, called[id])
	}
	fmt.Fprintf(w, "vulnerabilities our code calls: %d (%d failing); in imported or required code it never calls: %d\n", len(ids), len(failed), len(uncalled))
	if len(failed) > 0 {
		return fmt.Errorf("%d called vulnerabilities: %s", len(failed), strings.Join(failed, ", "))
	}
	return nil
}
