package web

import (
	"fmt"
	"net/http"
	"strconv"

	"dxready/advisors"
	"dxready/auth"
	"dxready/store"
)

// Booking on a firm's behalf: Center staff taking a call on the 1022
// hotline book a consultation for the firm, with the same form, the same
// slots and the same rules (store.Book: the slot must be free, the
// firm's fair use of the advisors still applies). The booking records who
// booked it and that it was on the firm's behalf, the audit log says so,
// and the firm's users are told through the outbox as for any booking.

// bookingFor is whose booking a booking form makes, and where it posts.
type bookingFor struct {
	FirmID   int64
	FirmName string // on the firm's behalf: its name, shown on the form
	OnBehalf bool
}

// FormAction is where the form for advisor a posts.
func (bf bookingFor) FormAction(a int64) string {
	if bf.OnBehalf {
		return fmt.Sprintf("/admin/firms/%d/book/%d", bf.FirmID, a)
	}
	return fmt.Sprintf("/advisors/%d/book", a)
}

// slotURL is the booking form of one of advisor a's slots.
func (bf bookingFor) slotURL(a int64, p advisors.Period) string {
	return bf.FormAction(a) + "?start=" + strconv.FormatInt(p.Start.Unix(), 10)
}

// audit is the audit entry of a booking on the firm's behalf by u with
// advisor a (store.Book names the booking); none for the firm's own.
func (bf bookingFor) audit(u *auth.User, a int64) []store.AuditEntry {
	if !bf.OnBehalf {
		return nil
	}
	return []store.AuditEntry{{UserID: u.ID, UserEmail: u.Email, Action: "booking.on_behalf",
		Detail: fmt.Sprintf("firm:%d advisor:%d", bf.FirmID, a)}}
}

// bookingParty reads whose booking the request makes: on the admin route
// ({firm} in the path), the firm's, on its behalf, for whoever auth.Can
// lets (Center staff; anyone else 403, a firm that does not exist 404);
// otherwise the signed-in firm user's own firm (canBook).
func (s *Server) bookingParty(r *http.Request) (bookingFor, error) {
	u := currentUser(r)
	raw := r.PathValue("firm")
	if raw == "" {
		if !canBook(u) {
			return bookingFor{}, errForbidden
		}
		return bookingFor{FirmID: u.FirmID}, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return bookingFor{}, store.ErrNotFound
	}
	if !auth.Can(u, auth.ActBookOnBehalf, auth.Target{FirmID: id}) {
		return bookingFor{}, errForbidden
	}
	f, err := s.store.FindFirmByID(r.Context(), id)
	if err != nil {
		return bookingFor{}, err
	}
	return bookingFor{FirmID: id, FirmName: f.Name, OnBehalf: true}, nil
}

type bookBehalfPage struct {
	page
	For      bookingFor
	Advisors []advisorCard
}

// bookBehalf lists the active advisors, each with the next slots the firm
// may book (the same fair-use question the booking asks), for Center
// staff to choose one with the caller.
func (s *Server) bookBehalf(w http.ResponseWriter, r *http.Request) {
	bf, err := s.bookingParty(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all, err := s.store.Advisors(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	scheds, err := s.store.Schedules(r.Context(), all, s.holidays)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	check, err := s.fairUse(r, bf.FirmID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc, l, in, now := s.loc(r), lang(r), s.defaultInstrument(), s.now()
	p := bookBehalfPage{page: s.newPage(w, r, "page.book_behalf.title"), For: bf}
	for _, a := range all {
		if !a.Active {
			continue
		}
		card := s.advisorCard(a, loc, l, in)
		var free []advisors.Period
		free, card.Refusal = s.bookable(check, a.ID, scheds[a.ID].FreeSlots(now), slotsShown, loc)
		for _, f := range free {
			v := s.slotView(a.ID, f, loc, l)
			v.URL = bf.slotURL(a.ID, f)
			card.Next = append(card.Next, v)
		}
		p.Advisors = append(p.Advisors, card)
	}
	s.render(w, r, http.StatusOK, "book_behalf", p)
}
