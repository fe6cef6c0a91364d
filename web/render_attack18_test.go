package web

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// A page whose content fails midway (data its template cannot render:
// the result page given a page without its fields, after the layout's
// first pieces were written) is a clean 500: the error page alone, with
// its own length, nothing of the half-rendered page; for GET and HEAD.
func TestAttack18APageFailingMidwayIsACleanError(t *testing.T) {
	e := newEnv(t)
	e.web.layoutCheck = nil // the whole template fails too, by design here
	for _, method := range []string{"GET", "HEAD"} {
		r := httptest.NewRequest(method, "/assessment/1/result", nil)
		w := httptest.NewRecorder()
		p := e.web.newPage(w, r, "page.assessment_result.title")
		e.web.render(w, r, http.StatusOK, "assessment_result", struct{ page }{p})
		body := w.Body.String()
		if w.Code != http.StatusInternalServerError {
			t.Fatalf("%s: %d", method, w.Code)
		}
		if n := strings.Count(body, "<html"); n != 1 {
			t.Errorf("%s: the answer holds %d pages", method, n)
		}
		if got := w.Header().Get("Content-Length"); got != strconv.Itoa(len(body)) {
			t.Errorf("%s: Content-Length %s for %d bytes", method, got, len(body))
		}
	}
}
