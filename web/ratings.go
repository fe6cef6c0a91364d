package web

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"dxready/advisors"
	"dxready/auth"
	"dxready/store"
)

// ratingURL is the signed-out page where a firm's user rates booking id
// with token.
func ratingURL(id int64, token string) string {
	return "/rate/" + strconv.FormatInt(id, 10) + "/" + token
}

// ratingMessages composes the messages that ask a held booking's firm for
// a rating: one to each active, verified user of the firm, in their
// language, each with a single-use link of its own.
func (s *Server) ratingMessages(ctx context.Context, base string, b *store.Booking, by int64) ([]*store.Message, error) {
	to, err := s.firmRecipients(ctx, b.FirmID)
	if err != nil {
		return nil, err
	}
	var out []*store.Message
	for _, u := range to {
		token, hash, err := newToken()
		if err != nil {
			return nil, err
		}
		if err := s.store.IssueRatingLink(ctx, b.ID, u.ID, hash); err != nil {
			return nil, err
		}
		loc := s.bundle.For(u.Lang)
		when := slotLabel(b.Period, loc)
		out = append(out, &store.Message{Kind: "booking." + store.MessagesRating, DedupeKey: fmt.Sprintf("booking:%d:rating:%d", b.ID, u.ID),
			To: u.Email, Lang: loc.Lang, Subject: loc.T("mail.booking.rating.subject", "Advisor", b.AdvisorName),
			Body: loc.T("mail.booking.rating.body", "Name", u.Name, "Advisor", b.AdvisorName, "When", when,
				"Link", base+ratingURL(b.ID, token), "Days", int(advisors.RatingLinkTTL.Hours()/24)),
			CreatedBy: by})
	}
	return out, nil
}

// ratingPage is the rating form, reached by an emailed link or from the
// booking page.
type ratingPage struct {
	page
	Advisor, When string
	Action        string // where the form posts
	Form          *form
	Stars         []int
	Problem       string // why the link cannot be used (message ID); "" none
}

// ratingLinkParts reads {id} and {token}: the booking and the link's hash.
func ratingLinkParts(r *http.Request) (int64, []byte, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	token := r.PathValue("token")
	if err != nil || token == "" || len(token) > 100 {
		return 0, nil, false
	}
	h := sha256.Sum256([]byte(token))
	return id, h[:], true
}

// ratingBooking reads an emailed link's booking and checks the link,
// answering the request itself when the link cannot be used (ok false).
func (s *Server) ratingBooking(w http.ResponseWriter, r *http.Request) (b *store.Booking, id int64, hash []byte, ok bool) {
	id, hash, ok = ratingLinkParts(r)
	if !ok {
		s.ratingLinkFail(w, r, store.ErrLinkInvalid)
		return nil, 0, nil, false
	}
	b, err := s.store.CheckRatingLink(r.Context(), id, hash)
	if err != nil {
		s.ratingLinkFail(w, r, err)
		return nil, 0, nil, false
	}
	return b, id, hash, true
}

// ratingLink shows the rating form of an emailed link, signed in or not.
func (s *Server) ratingLink(w http.ResponseWriter, r *http.Request) {
	if b, _, _, ok := s.ratingBooking(w, r); ok {
		s.renderRating(w, r, http.StatusOK, b, newForm(), r.URL.Path)
	}
}

func (s *Server) renderRating(w http.ResponseWriter, r *http.Request, status int, b *store.Booking, f *form, action string) {
	loc := s.loc(r)
	s.render(w, r, status, "rating", ratingPage{page: s.newPage(w, r, "page.rating.title"), Advisor: b.AdvisorName,
		When: slotLabel(b.Period, loc), Action: action, Form: f, Stars: []int{5, 4, 3, 2, 1}})
}

// parseRating reads and checks the rating form (advisors.ValidateRating).
func (s *Server) parseRating(w http.ResponseWriter, r *http.Request) (*form, int, bool) {
	f, ok := s.parseForm(w, r, "rating", "comment")
	if !ok {
		return nil, 0, false
	}
	n, err := strconv.Atoi(f.Get("rating"))
	if err != nil {
		n = 0 // out of range: ValidateRating says so
	}
	for field, id := range advisors.ValidateRating(n, f.Get("comment")) {
		if f.Err(field) == "" {
			f.Fail(field, id)
		}
	}
	return f, n, true
}

// ratingLinkPost rates a booking with an emailed link.
func (s *Server) ratingLinkPost(w http.ResponseWriter, r *http.Request) {
	b, id, hash, ok := s.ratingBooking(w, r)
	if !ok {
		return
	}
	f, n, ok := s.parseRating(w, r)
	if !ok {
		return
	}
	if !f.Valid() {
		s.renderRating(w, r, http.StatusUnprocessableEntity, b, f, r.URL.Path)
		return
	}
	if _, err := s.store.RateByLink(r.Context(), id, hash, n, f.Get("comment")); err != nil {
		s.ratingLinkFail(w, r, err)
		return
	}
	s.redirect(w, r, "/rate/thanks", "flash.rating_saved")
}

// ratingThanks is where a rating by link ends.
func (s *Server) ratingThanks(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "rating_thanks", s.newPage(w, r, "page.rating.title"))
}

// ratingProblems says, by message ID, why a rating link cannot be used.
var ratingProblems = map[error]string{
	store.ErrLinkInvalid: "error.rating_link.invalid",
	store.ErrLinkUsed:    "error.rating_link.used",
	store.ErrLinkExpired: "error.rating_link.expired",
	store.ErrRated:       "error.rating_link.rated",
}

// ratingLinkFail shows why a rating link cannot be used (410), or fails.
func (s *Server) ratingLinkFail(w http.ResponseWriter, r *http.Request, err error) {
	problem := ""
	for e, id := range ratingProblems {
		if errors.Is(err, e) {
			problem = id
		}
	}
	var refusal store.RatingRefusal
	if errors.As(err, &refusal) {
		problem = string(refusal)
	}
	if problem == "" {
		s.fail(w, r, err)
		return
	}
	s.log.Info("rating link refused", "path_booking", r.PathValue("id"), "reason", problem)
	s.render(w, r, http.StatusGone, "rating", ratingPage{page: s.newPage(w, r, "page.rating.title"), Problem: problem})
}

// bookingRatingPost rates (or changes the rating of) a held booking of the
// user's firm from the booking page.
func (s *Server) bookingRatingPost(w http.ResponseWriter, r *http.Request) {
	b, err := s.loadBooking(r, auth.ActBookingRate)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, n, ok := s.parseRating(w, r)
	if !ok {
		return
	}
	if !f.Valid() {
		s.renderBooking(w, r, http.StatusUnprocessableEntity, b, f, "")
		return
	}
	err = s.store.RateBooking(r.Context(), b.ID, currentUser(r).ID, n, f.Get("comment"))
	var refusal store.RatingRefusal
	if errors.As(err, &refusal) {
		s.renderBooking(w, r, http.StatusConflict, b, f, s.loc(r).T(string(refusal)))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, bookingURL(b.ID, ""), "flash.rating_saved")
}

// ratingView is a booking's rating as its page shows it: to the firm
// (which may rate or change it, as advisors.CanRate says), to the
// booking's advisor and to the Center.
type ratingView struct {
	Show    bool // the user may read it
	Rated   bool
	Stars   int
	Comment string
	CanRate bool // the form is drawn
	Stars5  []int
}

// bookingRating is b's rating as u sees it on the booking page.
func (s *Server) bookingRating(ctx context.Context, u *auth.User, b *store.Booking) (ratingView, error) {
	t := bookingTarget(b)
	v := ratingView{Stars5: []int{5, 4, 3, 2, 1}}
	rate := auth.Can(u, auth.ActBookingRate, t)
	if !rate && !auth.Can(u, auth.ActRatingsView, t) {
		return v, nil
	}
	changes := -1
	switch rt, err := s.store.FindRating(ctx, b.ID); {
	case err == nil:
		v.Rated, v.Stars, v.Comment, changes = true, rt.Rating, rt.Comment, rt.Changes
	case !errors.Is(err, store.ErrNotFound):
		return v, err
	}
	v.Show = v.Rated || b.Status == store.BookingDone
	v.CanRate = rate && advisors.CanRate(b.Status, changes) == ""
	return v, nil
}

// ownRatingsShown is how many of an advisor's latest ratings their
// schedule lists.
const ownRatingsShown = 20

type ownRatingRow struct {
	Firm, When, Comment, URL string
	Stars                    int
}

// ownRatings are an advisor's ratings as their schedule shows them: the
// number, the mean (from advisors.MinRatings on) and the latest ones with
// their comments.
type ownRatings struct {
	N    int
	Mean string
	Rows []ownRatingRow
}

// ownRatings reads advisor id's ratings; the caller checked the user may
// read them (auth.ActRatingsView: the advisor themself).
func (s *Server) ownRatings(r *http.Request, id int64) (*ownRatings, error) {
	rs, n, total, err := s.store.AdvisorRatings(r.Context(), id, ownRatingsShown)
	if err != nil {
		return nil, err
	}
	loc := s.loc(r)
	out := &ownRatings{N: n}
	if m, ok := advisors.MeanRating(n, total); ok {
		out.Mean = loc.Decimal(m, 1)
	}
	for _, rt := range rs {
		out.Rows = append(out.Rows, ownRatingRow{Firm: rt.FirmName, When: loc.Date(rt.Start), Comment: rt.Comment,
			URL: bookingURL(rt.BookingID, ""), Stars: rt.Rating})
	}
	return out, nil
}
