package web

import (
	"bytes"
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"
)

// layoutEscapeCases are strings every character class of the escapers
// meets: each byte alone, the schemes the URL filter knows and does not,
// escapes valid and not, and random mixes of them with multi-byte and
// broken UTF-8.
func layoutEscapeCases() []string {
	cases := []string{"", "http://a.test/x?y=1&z=2", "HTTPS:x", "mailto:a@b", "javascript:alert(1)", " javascript:x", "/x:y", "x/y:z", "?a:b",
		"%", "%4", "%41", "%zz", "%%41", "a%2Fb", "#ZgotmplZ", "é", "\xff\xfe", "\xef\xbf\xbd", "\U0001F600"}
	for c := range 256 {
		cases = append(cases, string([]byte{byte(c)}), "a"+string([]byte{byte(c)})+"%4"+string([]byte{byte(c)}))
	}
	parts := []string{"<", ">", "&", "'", "\"", "+", "%", "%41", "%g1", ":", "/", "?", "#", "=", " ", "\x00", "\t", "\n", "é", "\xff", "a", "Z", "9",
		"javascript:", "http:", "-", "~", "[", "]", "\\", "`", "{", "}", "|", "^", "\x7f", "ư", "🙂"}
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var b strings.Builder
		for range rnd.IntN(12) {
			b.WriteString(parts[rnd.IntN(len(parts))])
		}
		cases = append(cases, b.String())
	}
	return cases
}

func TestLayoutEscapersAreHTMLTemplates(t *testing.T) {
	places := []struct {
		name, before, after string
		esc                 layoutEscaper
	}{
		{"text", "<p>", "</p>", writeHTMLEscaped},
		{"attribute", `<p title="`, `">`, writeHTMLEscaped},
		{"title", "<title>", "</title>", writeHTMLEscaped},
		{"URL attribute", `<a href="`, `">`, writeURLEscaped},
	}
	for _, pl := range places {
		tmpl := template.Must(template.New(pl.name).Parse(pl.before + "{{.}}" + pl.after))
		for _, s := range layoutEscapeCases() {
			var want, got bytes.Buffer
			if err := tmpl.Execute(&want, s); err != nil {
				t.Fatal(err)
			}
			got.WriteString(pl.before)
			pl.esc(&got, s)
			got.WriteString(pl.after)
			if got.String() != want.String() {
				t.Fatalf("%s: %q escaped as %q, html/template: %q", pl.name, s, got.String(), want.String())
			}
		}
	}
}
