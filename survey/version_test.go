package survey

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// versionWithFmt is Version as it was written with fmt (before 02/12/2026):
// the reference the faster one must agree with, byte for byte.
func versionWithFmt(r *Response) string {
	h := sha256.New()
	field := func(s string) { fmt.Fprintf(h, "%d:%s;", len(s), s) }
	field(r.Instrument)
	field(r.Profile.Section)
	field(r.Profile.Size)
	for _, q := range slices.Sorted(maps.Keys(r.Answers)) {
		opts := slices.Sorted(slices.Values(r.Answers[q].Options))
		field(q)
		fmt.Fprintf(h, "%d:", len(opts))
		for _, o := range opts {
			field(o)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// randomText is a string of up to max runes drawn from ASCII, the field
// marks themselves (':' and ';', digits), Vietnamese letters and bytes
// that are not UTF-8.
func randomText(rng *rand.Rand, max int) string {
	pieces := []string{"a", "Z", "0", "9", ":", ";", "1:", "ệ", "Đ", "\xff", "\x00", " ", "na", "ước"}
	var b strings.Builder
	for range rng.IntN(max + 1) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

func randomResponse(rng *rand.Rand) *Response {
	r := &Response{Instrument: randomText(rng, 12), Profile: Profile{Section: randomText(rng, 2), Size: randomText(rng, 8)}}
	if rng.IntN(8) == 0 {
		return r // nil answers
	}
	r.Answers = map[string]Answer{}
	for range rng.IntN(40) {
		var a Answer
		if rng.IntN(6) > 0 {
			a.Options = []string{}
		}
		for range rng.IntN(7) {
			a.Options = append(a.Options, randomText(rng, 6)) // duplicates too
		}
		r.Answers[randomText(rng, 10)] = a
	}
	return r
}

// The version written with strconv is the version written with fmt, for
// random responses whose texts hold the marks that separate fields,
// digits, non-ASCII and invalid UTF-8, empty and nil answers and
// duplicated options; and it leaves the response's answers as they were
// (it sorts a copy of each question's options).
func TestVersionIsTheVersionWrittenWithFmt(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 2))
	for i := range 20000 {
		r := randomResponse(rng)
		before := fmt.Sprint(r.Answers)
		if got, want := r.Version(), versionWithFmt(r); got != want {
			t.Fatalf("response %d %+v: version %s, with fmt %s", i, r, got, want)
		}
		if after := fmt.Sprint(r.Answers); after != before {
			t.Fatalf("response %d: Version changed its answers: %s, was %s", i, after, before)
		}
	}
	empty := &Response{}
	if got, want := empty.Version(), versionWithFmt(empty); got != want {
		t.Fatalf("empty response: %s, with fmt %s", got, want)
	}
}

// benchResponse is a response the size of a full assessment: 40 answered
// questions, a few of them checklists.
func benchResponse() *Response {
	r := &Response{Instrument: "dbi-2021@1", Profile: Profile{Section: "C", Size: "small"}, Answers: map[string]Answer{}}
	for i := range 40 {
		a := Answer{Options: []string{fmt.Sprintf("opt%d", i%5)}}
		if i%8 == 0 {
			a.Options = []string{"crm", "chat", "email", "web"}
		}
		r.Answers[fmt.Sprintf("pillar%d.question%02d", i/7, i)] = a
	}
	return r
}

func BenchmarkVersion(b *testing.B) {
	r := benchResponse()
	b.ReportAllocs()
	for b.Loop() {
		_ = r.Version()
	}
}
