package web

import (
	"io"
	"net/http"
	"strconv"
	"testing"
)

// A page is sent with its length, not chunked, and the length is the
// page's: a GET and a HEAD of the home page and of a missing page (the
// error page) in both languages.
func TestPagesAreSentWithTheirLength(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/?lang=vi", "/?lang=en", "/no-such-page?lang=vi", "/no-such-page?lang=en"} {
		res, err := e.srv.Client().Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(res.TransferEncoding) != 0 || res.ContentLength != int64(len(body)) || len(body) == 0 {
			t.Errorf("GET %s: %d, transfer encoding %v, Content-Length %d, body %d bytes", path, res.StatusCode, res.TransferEncoding, res.ContentLength, len(body))
		}
		head, err := e.srv.Client().Head(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		head.Body.Close()
		if head.StatusCode != res.StatusCode || head.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
			t.Errorf("HEAD %s: %d, Content-Length %q; GET gave %d and %d bytes", path, head.StatusCode, head.Header.Get("Content-Length"), res.StatusCode, len(body))
		}
	}
	if res, err := e.srv.Client().Get(e.srv.URL + "/no-such-page"); err != nil || res.StatusCode != http.StatusNotFound {
		t.Fatalf("missing page: %v %v", res, err)
	}
}
