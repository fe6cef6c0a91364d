package static

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestEncoding(t *testing.T) {
	cases := []struct {
		header string
		br, gz bool
		want   string
	}{
		{"", true, true, ""},
		{"gzip, deflate, br, zstd", true, true, "br"}, // Chromium's
		{"gzip, deflate", true, true, "gzip"},
		{"br;q=0, gzip", true, true, "gzip"},
		{"br;q=0.5, gzip;q=0.8", true, true, "gzip"},
		{"br;q=0.8, gzip;q=0.8", true, true, "br"},
		{"*", true, true, "br"},
		{"*;q=0.1, br;q=0", true, true, "gzip"},
		{"identity", true, true, ""},
		{"gzip;q=0, br;q=0", true, true, ""},
		{"x-gzip", true, true, "gzip"},
		{"GZIP", true, true, "gzip"},
		{"br", false, true, ""},
		{"br, gzip", false, true, "gzip"},
		{"br;q=abc, gzip", true, true, "gzip"},
		{"br;q=2", true, false, ""},
		{" , ;q=1,", true, true, ""},
	}
	for _, tc := range cases {
		if got := Encoding(tc.header, tc.br, tc.gz); got != tc.want {
			t.Errorf("Encoding(%q, br=%v, gz=%v) = %q, want %q", tc.header, tc.br, tc.gz, got, tc.want)
		}
	}
}

// Every text asset comes back, in each coding a browser may ask for, as
// exactly its embedded bytes, with Vary: Accept-Encoding; ECharts shrinks
// to under a third.
func TestAssetsServedCompressed(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	decode := map[string]func(io.Reader) (io.Reader, error){
		"br":   func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
		"gzip": func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
		"":     func(r io.Reader) (io.Reader, error) { return r, nil },
	}
	for name, f := range a.byName {
		for _, accept := range []string{"br, gzip", "gzip", ""} {
			req := httptest.NewRequest(http.MethodGet, a.URL(name), nil)
			if accept != "" {
				req.Header.Set("Accept-Encoding", accept)
			}
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s (%q): %d", name, accept, rec.Code)
			}
			enc := rec.Header().Get("Content-Encoding")
			if f.br != nil && accept != "" && enc == "" {
				t.Errorf("%s (%q) sent uncompressed", name, accept)
			}
			if f.br != nil && rec.Header().Get("Vary") != "Accept-Encoding" {
				t.Errorf("%s: Vary = %q", name, rec.Header().Get("Vary"))
			}
			r, err := decode[enc](rec.Body)
			if err != nil {
				t.Fatalf("%s (%s): %v", name, enc, err)
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, f.body) {
				t.Errorf("%s in %q: %d bytes decoded, want the %d embedded (%v)", name, enc, len(got), len(f.body), err)
			}
		}
	}
	js := a.byName["js/echarts.min.js"]
	if js.br == nil || len(js.br)*3 > len(js.body) {
		t.Errorf("echarts in brotli: %d of %d bytes", len(js.br), len(js.body))
	}
	t.Logf("echarts: %d bytes, brotli %d, gzip %d; app.css %d, brotli %d", len(js.body), len(js.br), len(js.gz),
		len(a.byName["css/app.css"].body), len(a.byName["css/app.css"].br))
}
