package web

import (
	"context"
	"errors"
	"net/http"

	"dxready/auth"
	"dxready/store"
)

// claimClosed reports whether u is a firm user whose latest claim was
// rejected or revoked (auth.Closed): such a user has no assessment to
// work on (a draft of theirs could never be submitted), lands on the
// claim's status and is offered no "Self-assessment". Only unverified
// firm users are looked up.
//
// A request that keeps its reads (readOnce) looks the claim up once.
func (s *Server) claimClosed(ctx context.Context, u *auth.User) (bool, error) {
	if !claimLookedUp(u) {
		return false, nil
	}
	if closed, ok := keptClaim(ctx, u); ok {
		return closed, nil
	}
	c, err := s.store.CurrentClaim(ctx, u.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		keepClaim(ctx, u, false)
		return false, nil
	case err != nil:
		return false, err
	}
	keepClaim(ctx, u, auth.Closed(c.Status))
	return auth.Closed(c.Status), nil
}

// withoutAssessment drops the "Self-assessment" item from nav.
func withoutAssessment(nav []navItem) []navItem {
	out := nav[:0:0]
	for _, it := range nav {
		if it.Href != "/assessment" {
			out = append(out, it)
		}
	}
	return out
}

// closedClaimAssessment answers /assessment for a user whose claim is
// closed with a page that says so and leads to the claim's status, and
// reports whether it did; an error is answered too.
func (s *Server) closedClaimAssessment(w http.ResponseWriter, r *http.Request) bool {
	closed, err := s.claimClosed(r.Context(), currentUser(r))
	switch {
	case err != nil:
		s.fail(w, r, err)
		return true
	case !closed:
		return false
	}
	s.render(w, r, http.StatusOK, "assessment_closed", s.newPage(w, r, "page.assessment.title"))
	return true
}

// landsOnClaim reports whether u, signing in, goes to the claim's status
// rather than a draft: a closed claim (claimClosed). A failed lookup is
// logged and lands there too, as the safe side.
func (s *Server) landsOnClaim(ctx context.Context, u *auth.User) bool {
	closed, err := s.claimClosed(ctx, u)
	if err != nil {
		s.log.Error("start page: claim status", "user", u.ID, "err", err)
		return true
	}
	return closed
}
