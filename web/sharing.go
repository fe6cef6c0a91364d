package web

import (
	"errors"
	"net/http"
	"strconv"

	"dxready/auth"
	"dxready/store"
)

// sharingPost gives or withdraws the firm's consent to share its results
// (level and scores) with one of its associations. It takes effect at
// once: member lists and exports read consent on every request.
func (s *Server) sharingPost(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.parseForm(w, r); !ok {
		return
	}
	d, err := s.ownFirm(r, auth.ActResultsShare)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	assoc, err := strconv.ParseInt(r.PostForm.Get("association"), 10, 64)
	share := r.PostForm.Get("share")
	if err != nil || (share != "1" && share != "0") {
		s.renderError(w, r, http.StatusBadRequest, "error.bad_request")
		return
	}
	err = s.store.SetSharing(r.Context(), d.Firm.ID, assoc, share == "1", currentUser(r).ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.renderError(w, r, http.StatusBadRequest, "error.sharing.not_member")
	case err != nil:
		s.fail(w, r, err)
	case share == "1":
		s.redirect(w, r, "/profile#sharing", "flash.sharing_on")
	default:
		s.redirect(w, r, "/profile#sharing", "flash.sharing_off")
	}
}
