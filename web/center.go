package web

import (
	"net/http"
	"time"

	"dxready/auth"
	"dxready/store"
	"dxready/survey"
)

// centerPage is the Center staff's start page: the state of the programme
// in a few counts, each linked to the page where it is worked on. The
// province cockpit (participation, funnel, quality) grows here.
type centerPage struct {
	page
	RegistryFirms, Assessed  int
	AssessedSuppressed       bool
	ConsultationsWeek        int
	OutboxWaiting, OutboxBad int
	Leads, Advisors          int
	OpenClaims               int
}

func (s *Server) center(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := centerPage{page: s.newPage(w, r, "page.center.title")}
	var err error
	if p.RegistryFirms, err = s.store.CountFirms(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	in, _ := survey.Latest(s.cfg.Instruments, survey.DefaultID)
	snap, err := s.store.Snapshot(ctx, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	agg, err := snap.Aggregate(ctx, store.AggFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	prov := agg.Province
	p.Assessed, p.AssessedSuppressed = prov.N, prov.Suppressed
	now := s.now()
	week, err := s.store.Bookings(ctx, store.BookingFilter{From: now, To: now.Add(7 * 24 * time.Hour), Statuses: []string{store.BookingConfirmed}})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.ConsultationsWeek = len(week)
	counts, err := s.store.OutboxCounts(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.OutboxWaiting, p.OutboxBad = counts[store.OutboxPending], counts[store.OutboxFailing]
	if p.OpenClaims, err = s.store.CountOpenClaims(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	users, err := s.store.UserCounts(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Leads, p.Advisors = users[auth.RoleLead], users[auth.RoleAdvisor]
	s.render(w, r, http.StatusOK, "center", p)
}
