package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"dxready/advisors"
	"dxready/auth"
	"dxready/firms"
	"dxready/locale"
	"dxready/opendata"
	"dxready/scoring"
	"dxready/store"
	"dxready/survey"
)

// quoted matches a quoted string that may be a message ID, a prefix of one
// ("size." + class) or a format of one ("size.%s"), in Go or template
// source. Only strings whose first part is a first part of the catalogue's
// IDs ("page", "error", "size", …) count.
var quoted = regexp.MustCompile(`"([a-z][a-z0-9_]*\.[a-z0-9_.%\-]*)"`)

// runtimeIDs lists, for every prefix that code or templates complete at
// run time, the rest of each ID it can become, taken from the code's own
// lists where there is one. A prefix found in the source and missing here
// fails the test, and so does a row no source uses any more.
func runtimeIDs(t *testing.T) map[string][]string {
	ref, err := firms.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	var wardKinds []string
	for _, w := range ref.Wards {
		if !slices.Contains(wardKinds, w.Kind) {
			wardKinds = append(wardKinds, w.Kind)
		}
	}
	var weekdays []string
	for d := time.Sunday; d <= time.Saturday; d++ {
		weekdays = append(weekdays, strings.ToLower(d.String()))
	}
	var months []string
	for m := time.January; m <= time.December; m++ {
		months = append(months, strings.ToLower(m.String()))
	}
	var mail []string
	for _, kind := range []string{"confirmed", "changed", "cancelled", "reminder"} { // bookingMessages' kinds (web/booking*.go, web/jobs.go)
		mail = append(mail, kind+".subject", kind+".body")
	}
	nudgeKinds := []string{store.NudgeDraft, store.NudgeAction, store.NudgeNoShow} // package nudge's Kinds
	var nudgeMail []string
	for _, kind := range nudgeKinds { // web/nudges.go
		nudgeMail = append(nudgeMail, kind+".subject", kind+".body")
	}
	var claimMail []string
	for _, kind := range []string{"code", "second", "approved", "rejected", "revoked", "reopened"} { // web/claims.go, web/admin_claims.go
		claimMail = append(claimMail, kind+".subject", kind+".body")
	}
	return map[string][]string{
		"size.":           strs(firms.SizeClasses),
		"ward.kind.":      wardKinds,
		"status.":         strs([]auth.Status{auth.StatusActive, auth.StatusPending, auth.StatusDisabled}),
		"role.":           strs(auth.Roles),
		"language.":       advisors.Languages,
		"weekday.":        weekdays,
		"month.":          months,
		"booking.mode.":   {"online", "onsite"},
		"booking.status.": {store.BookingConfirmed, store.BookingCancelled, store.BookingDone, store.BookingNoShow},
		"action.owner.":   {"firm", "advisor"},
		"outbox.state.":   {store.OutboxPending, store.OutboxFailing, store.OutboxSent},
		"mail.booking.":   mail,
		"mail.claims.":    claimMail,
		"mail.nudge.":     nudgeMail,
		"nudge.kind.":     nudgeKinds,
		// web.provinceDims (web/center_selection.go)
		"page.center_province.dim.": {store.DimAssociation, store.DimSection, store.DimDivision, store.DimSize, "district", store.DimWard, store.DimPark},
		// open data (web/opendata_names.go, web/opendata_catalog_text.go, web/opendata_methodology.go): its kinds, dimensions, units,
		// frequencies, adoption facts and datasets, from package opendata.
		"opendata.ind.":     openDataKinds(),
		"opendata.dim.":     opendata.Dimensions,
		"opendata.unit.":    {opendata.UnitFirms, opendata.UnitPercent, opendata.UnitScore},
		"opendata.freq.":    {opendata.Quarterly, opendata.Daily},
		"opendata.fact.":    adoptionFacts(),
		"opendata.dataset.": openDataDatasets(),
		"claim.status.":     strs(auth.ClaimStatuses),
		"claim.role.":       auth.StatedRoles,
		// the claim page of a claim no longer open (open ones show the ways to verify)
		"page.claim.closed.": {string(auth.ClaimVerified), string(auth.ClaimRejected), string(auth.ClaimRevoked)},
		// firms' import columns (RowError.Column), by their canonical names.
		"import.column.": {"tax_code", "name", "vsic", "vsic_version", "ward", "park", "employees", "revenue_vnd", "capital_vnd", "year", "associations",
			"email", "phone"},
	}
}

// notMessageIDs are prefixes that code completes at run time into
// something other than a message ID, or tests IDs against.
var notMessageIDs = map[string]string{
	"booking.": "an outbox message's kind (web/booking_messages.go)",
	"flash.":   "which catalogue IDs a flash cookie may name (web/server.go)",
	"nudge.":   "a nudge's outbox kind (web/nudges.go)",
}

// notMessages are strings shaped like message IDs that are something else.
var notMessages = map[string]string{
	"advisor.book": "an auth action", "advisor.profile": "an auth action and an audit action", "booking.view": "an auth action",
	"booking.change": "an auth action", "booking.consult": "an auth action", "booking.rate": "an auth action",
	"booking.on_behalf": "an auth action and an audit action", "nudge.optout": "an audit action", "nudge.settings": "an audit action",
	"advisor.create": "an audit action", "advisor.active": "an audit action", "outbox.retry": "an audit action", "export.end": "an audit action",
}

// openDataKinds are every indicator kind of the catalogue's datasets, each
// with its name and definition.
func openDataKinds() []string {
	var out []string
	for _, ds := range opendata.Datasets(opendata.Indicators([]string{"p"}, scoring.Adoptions(survey.DefaultID))) {
		for _, ind := range ds.Indicators {
			if !slices.Contains(out, ind.Kind+".name") {
				out = append(out, ind.Kind+".name", ind.Kind+".def")
			}
		}
	}
	return out
}

// adoptionFacts are every adoption fact of the instruments.
func adoptionFacts() []string {
	var out []string
	for _, a := range scoring.Adoptions(survey.DefaultID) {
		out = append(out, a.ID)
	}
	return out
}

func strs[S ~string](xs []S) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// TestEveryMessageIDUsedExists scans every Go (non-test) and template file
// for message IDs: each literal one must be in the catalogue; each prefix
// completed at run time must be listed in runtimeIDs with all its values,
// each of which must be in the catalogue. Catalogue IDs that nothing uses
// are logged.
func TestEveryMessageIDUsedExists(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	known, firstParts := map[string]bool{}, map[string]bool{}
	for _, id := range b.MessageIDs(locale.VI) {
		known[id] = true
		first, _, _ := strings.Cut(id, ".")
		firstParts[first] = true
	}
	used, prefixes := map[string]bool{}, map[string][]string{}
	literals := 0
	scanSource(t, func(path, s string) {
		first, _, _ := strings.Cut(s, ".")
		if !firstParts[first] {
			return
		}
		if i := strings.IndexByte(s, '%'); i >= 0 {
			s = s[:i] // a format: "size.%s"
		}
		if strings.HasSuffix(s, ".") {
			prefixes[s] = append(prefixes[s], path)
			return
		}
		if _, other := notMessages[s]; other {
			return
		}
		literals++
		used[s] = true
		if !known[s] {
			t.Errorf("%s uses message %q, which is not in the catalogue", path, s)
		}
	})
	runtime := runtimeIDs(t)
	for prefix, paths := range prefixes {
		vals, ok := runtime[prefix]
		if _, other := notMessageIDs[prefix]; other {
			continue
		}
		if !ok {
			t.Errorf("%v build message IDs from %q and a run-time value: list the values in runtimeIDs", slices.Compact(paths), prefix)
		}
		for _, v := range vals {
			used[prefix+v] = true
			if !known[prefix+v] {
				t.Errorf("run-time message %q (%v) is not in the catalogue", prefix+v, slices.Compact(paths))
			}
		}
	}
	for prefix := range runtime {
		if _, ok := prefixes[prefix]; !ok {
			t.Errorf("runtimeIDs lists %q, which no source builds any more: remove it", prefix)
		}
	}
	if literals < 500 {
		t.Fatalf("found only %d message uses: the scan is broken", literals)
	}
	var unused []string
	for _, id := range b.MessageIDs(locale.VI) {
		if !used[id] {
			unused = append(unused, id)
		}
	}
	t.Logf("%d literal message uses, %d run-time prefixes checked; %d catalogue messages unused: %v", literals, len(prefixes), len(unused), unused)
}

// scanSource calls found with every quoted string of the form quoted
// matches, in every non-test Go file and every template.
func scanSource(t *testing.T, found func(path, s string)) {
	t.Helper()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(path, ".html") && (!strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go")) {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range quoted.FindAllStringSubmatch(string(src), -1) {
			found(path, m[1])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Both catalogues hold the same IDs, and every plural message has both
// "one" and "other" in each (go-i18n v2.7 reads Vietnamese with both forms,
// and fails on a count of 0 or 1 without "one").
func TestCataloguesAgree(t *testing.T) {
	b, err := locale.Load()
	if err != nil {
		t.Fatal(err)
	}
	if m := b.Missing(); len(m) > 0 {
		t.Fatalf("in one catalogue only: %v", m)
	}
	for _, lang := range locale.Languages {
		var cat map[string]any
		if _, err := toml.DecodeFile(filepath.Join("locale", "locales", "active."+lang+".toml"), &cat); err != nil {
			t.Fatal(err)
		}
		plurals := 0
		for id, v := range cat {
			forms, ok := v.(map[string]any)
			if !ok {
				continue
			}
			plurals++
			if forms["one"] == nil || forms["other"] == nil {
				t.Errorf("%s: plural message %q lacks one or other: %v", lang, id, forms)
			}
			if !b.IsPlural(id) {
				t.Errorf("%s: %q is a table but not a plural message", lang, id)
			}
		}
		if plurals < 5 {
			t.Fatalf("%s: only %d plural messages: the catalogue did not parse as expected", lang, plurals)
		}
	}
}

// openDataDatasets are the title and description parts of every dataset's
// message IDs, from open data's catalogue.
func openDataDatasets() []string {
	var out []string
	for _, ds := range opendata.Datasets(opendata.Indicators(nil, nil)) {
		out = append(out, ds.ID+".title", ds.ID+".desc")
	}
	return out
}
