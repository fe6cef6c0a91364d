package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"dxready/auth"
	"dxready/locale"
)

// The result page's reads, pinned for each kind of viewer: the firm's own
// users and the Center do not read the advisors the result is shared with
// (only an advisor needs that list to be let in), and the newest and the
// previous submissions are one statement. Who may see the page is
// unchanged: the advisor the firm booked sees it, an advisor it did not
// book and another firm's user get the not-found page (and the page itself
// is held to the one read piece by piece in
// TestResultPageReadInOneGoIsThePageReadPieceByPiece).
func TestResultPageReadCounts(t *testing.T) {
	rs := newResultStates(t)
	first := rs.submit(0)
	rs.holdConsultation()
	id := rs.submit(2) // with a previous result, after a consultation
	fx := rs.e.fx
	stranger := &auth.User{ID: fx.Advisor.ID + 1000, Role: auth.RoleAdvisor, Status: auth.StatusActive, Email: "x@test.local", Name: "Cố vấn khác", Lang: "vi"}
	other := rs.viewers()[4]
	for _, c := range []struct {
		who           string
		u             *auth.User
		response      int64
		status, reads int
	}{
		{"the firm's user, latest result", fx.FirmUser, id, http.StatusOK, 9},
		{"the firm's user, first result", fx.FirmUser, first, http.StatusOK, 6},
		{"the Center", fx.Admin, id, http.StatusOK, 7},
		{"the advisor the firm booked", fx.Advisor, first, http.StatusOK, 5},
		{"an advisor the firm did not book", stranger, id, http.StatusNotFound, 2},
		{"another firm's user", other, id, http.StatusNotFound, 3},
	} {
		for _, l := range locale.Languages {
			// Once before counting: what a page keeps (the figures, a
			// consultation's progress) is read by the first view alone.
			// The firm's own view takes the figures' snapshot, which asks
			// at most once a second whether another process changed them:
			// of two views, the one without that check is counted.
			rs.e.web.assessmentResult(httptest.NewRecorder(), resultRequest(c.response, c.u, l))
			reads := int64(-1)
			for range 2 {
				before := rs.e.st.SQLCounts()
				w := httptest.NewRecorder()
				rs.e.web.assessmentResult(w, resultRequest(c.response, c.u, l))
				n := rs.e.st.SQLCounts().Sub(before)
				if w.Code != c.status || n.WriteStatements != 0 {
					t.Fatalf("%s (%s): %d with %d writes, want %d with none", c.who, l, w.Code, n.WriteStatements, c.status)
				}
				if reads < 0 || n.ReadStatements < reads {
					reads = n.ReadStatements
				}
			}
			if reads != int64(c.reads) {
				t.Errorf("%s (%s): %d reads, want %d", c.who, l, reads, c.reads)
			}
		}
	}
}
