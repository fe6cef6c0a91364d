package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"dxready/opendata"
)

// maxDataPages bounds the open-data pages kept for one publication: past
// it, a page is rendered and not kept, unless it is one the catalogue
// links to (no query: at most one a dataset, page and language).
const maxDataPages = 256

// dataPages keeps the open-data pages signed-out visitors get, rendered
// once per publication, language and choice of the form: such a page
// depends on nothing else (no user, no flash, no token: cross-origin
// protection needs none). A new publication drops them all.
type dataPages struct {
	mu    sync.Mutex
	pub   *opendata.Publication
	pages map[string][]byte
}

func (c *dataPages) get(p *opendata.Publication, key string) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pub != p {
		return nil
	}
	return c.pages[key]
}

func (c *dataPages) put(p *opendata.Publication, key string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pub != p {
		c.pub, c.pages = p, map[string][]byte{}
	}
	// The catalogue's own links (no query) are kept even when the choices
	// of the forms have filled the cache: one a dataset and language.
	if len(c.pages) < maxDataPages || strings.HasSuffix(key, "?") {
		c.pages[key] = b
	}
}

// dataPageKey names the page a request shows when it may be kept: signed
// out, no flash to show, and no parameter but the language, the quarter
// and the indicator (on a dataset's page), once each. Its values are checked by the handler
// before a page is kept (a refused query renders no page to keep), so the
// kept keys are choices of the form, never bytes a client made up.
func dataPageKey(r *http.Request) (string, bool) {
	if currentUser(r) != nil {
		return "", false
	}
	if _, err := r.Cookie(flashCookie); err == nil {
		return "", false
	}
	q := r.URL.Query()
	for k, vs := range q {
		if len(vs) != 1 || len(vs[0]) > 80 || (k != "lang" && (r.URL.Path == "/data" || k != "quarter" && k != "indicator")) {
			return "", false
		}
	}
	q.Del("lang")
	return lang(r) + " " + r.URL.Path + "?" + q.Encode(), true
}

// servedData answers r from a kept page, if there is one.
func (s *Server) servedData(w http.ResponseWriter, r *http.Request, p *opendata.Publication) bool {
	key, ok := dataPageKey(r)
	if !ok {
		return false
	}
	b := s.dataPages.get(p, key)
	if b == nil {
		return false
	}
	writeDataPage(w, r, s, b)
	return true
}

// renderData renders an open-data page as render does, keeping it for the
// next signed-out visitor when it may be kept.
func (s *Server) renderData(w http.ResponseWriter, r *http.Request, p *opendata.Publication, name string, data any) {
	t, err := s.pages.page(lang(r), name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", data); err != nil {
		s.fail(w, r, fmt.Errorf("web: render %s: %w", name, err))
		return
	}
	if key, ok := dataPageKey(r); ok {
		s.dataPages.put(p, key, buf.Bytes())
	}
	writeDataPage(w, r, s, buf.Bytes())
}

func writeDataPage(w http.ResponseWriter, r *http.Request, s *Server, b []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b)
	s.written(r, err)
}
