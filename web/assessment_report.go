package web

import (
	"net/http"
	"time"

	"dxready/auth"
	"dxready/store"
)

// reportPage is the A4 report of a result: the result page's data, and
// what a board reading it on paper needs besides (whose result, of which
// instrument version, when, and the advisor the firm works with).
type reportPage struct {
	resultPage
	Submitted, Today time.Time
	Instrument       string
	Advisor          string    // the advisor of the firm's latest or next consultation the reader may see (reportBooking); "" for none
	Consultation     time.Time // its start
}

// assessmentReport is the result as a printable A4 report. Its access is
// the result page's, through the same reader (resultFor, auth.ActResultView).
//
// The PDF is the browser's: the report's "Print or save as PDF" button
// prints the page (static/js/report.js, which shows the button) and the
// hint says to choose "Save as PDF", or the browser's menu → Print where
// the button does nothing (no JavaScript, or an in-app browser that
// ignores window.print()).
// Chromium, Firefox and Safari all save print as PDF; the radar is the
// one ECharts draws on the page, the text keeps every Vietnamese
// diacritic in the reader's own fonts, and print.css lays it out on A4. A
// server-made PDF would need a Vietnamese font embedded in the binary and
// the radar drawn a second time in Go, for the same paper.
func (s *Server) assessmentReport(w http.ResponseWriter, r *http.Request) {
	ac, p, err := s.resultFor(w, r)
	if err != nil || p == nil {
		if err != nil {
			s.fail(w, r, err)
		}
		return
	}
	l, loc := lang(r), s.loc(r)
	p.Title = "page.assessment_report.title"
	rp := reportPage{resultPage: *p, Submitted: ac.resp.SubmittedAt, Today: s.now(),
		Instrument: loc.T("page.assessment_report.instrument_version", "Name", ac.in.Name.In(l), "Version", ac.in.Version)}
	bs, err := s.store.Bookings(r.Context(), store.BookingFilter{FirmID: ac.resp.FirmID,
		Statuses: []string{store.BookingConfirmed, store.BookingDone}, Desc: true, Limit: reportBookingsRead})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if b := reportBooking(currentUser(r), bs); b != nil {
		rp.Advisor, rp.Consultation = b.AdvisorName, b.Start
	}
	s.render(w, r, http.StatusOK, "assessment_report", rp)
}

// reportBookingsRead bounds the firm's consultations the report looks
// through for one its reader may see: far more than a firm books.
const reportBookingsRead = 100

// reportBooking is the consultation the report names to u: the first of
// bs (the firm's, newest first) that u may see (auth.ActBookingView, as the
// booking page asks). The firm's users and the Center see the firm's
// latest; an advisor sees only their own, never that the firm went to
// another advisor, nor when. Nil when none.
func reportBooking(u *auth.User, bs []*store.Booking) *store.Booking {
	for _, b := range bs {
		if auth.Can(u, auth.ActBookingView, bookingTarget(b)) {
			return b
		}
	}
	return nil
}
