package web

import (
	"context"
	"net/http"

	"dxready/auth"
)

// A request of the firm cycle reads in one read transaction (store.ReadView)
// when it reads more than once: the review (the draft and its changes),
// the result, the start, and any page of a firm user whose claim is looked
// up (the draft, and the claim for the assessment and for the nav). Pages
// of a single read keep it as its own transaction, which costs less than a
// transaction around it. What the request read of the claim is kept for
// the rest of it (requestReads).

// requestReads is what a request has read that another part of it asks
// again.
type requestReads struct {
	claimUser   int64 // the user whose claim was looked up, 0 if none
	claimClosed bool
	end         func() // ends the request's view (readOnce's); nil if none
}

type readsKey struct{}

// readOnce returns r reading in one read view, remembering what it read of
// the claim, and the function that ends the view (call it once the reads
// are done; calling it again does nothing).
func (s *Server) readOnce(r *http.Request) (*http.Request, func()) {
	ctx, end := s.store.ReadView(r.Context())
	if _, ok := ctx.Value(readsKey{}).(*requestReads); !ok {
		ctx = context.WithValue(ctx, readsKey{}, &requestReads{end: end})
	}
	return r.WithContext(ctx), end
}

// endReads ends r's read view, if it has one, before its page is sent: a
// client slow to read would otherwise keep the view's reader connection
// and pin the WAL at its snapshot for as long as the write takes (up to
// the server's WriteTimeout). Reads after it run on the pool as before.
func endReads(r *http.Request) {
	if m, ok := r.Context().Value(readsKey{}).(*requestReads); ok && m.end != nil {
		m.end()
	}
}

// readOnceForClaim is readOnce for a user whose claim the request looks up
// (claimLookedUp); for anyone else the request's one read needs no view.
func (s *Server) readOnceForClaim(r *http.Request) (*http.Request, func()) {
	if !claimLookedUp(currentUser(r)) {
		return r, func() {}
	}
	return s.readOnce(r)
}

// claimLookedUp reports whether claimClosed reads u's claim: an unverified
// firm user's.
func claimLookedUp(u *auth.User) bool {
	return u != nil && u.Role == auth.RoleFirm && !u.FirmVerified
}

// keptClaim is what ctx's request already read of u's claim, if it did.
func keptClaim(ctx context.Context, u *auth.User) (closed, ok bool) {
	if m, found := ctx.Value(readsKey{}).(*requestReads); found && m.claimUser == u.ID {
		return m.claimClosed, true
	}
	return false, false
}

// keepClaim remembers for ctx's request, if it keeps reads, what u's claim
// was found to be.
func keepClaim(ctx context.Context, u *auth.User, closed bool) {
	if m, found := ctx.Value(readsKey{}).(*requestReads); found {
		m.claimUser, m.claimClosed = u.ID, closed
	}
}
