package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"dxready/auth"
	"dxready/firms"
	"dxready/store"
)

// firmDetail is a firm's registry record with its names resolved for display.
type firmDetail struct {
	Firm         *firms.Firm
	Industry     firms.Industry
	Ward         firms.Ward
	Park         firms.Park
	Associations []firms.Association
}

func (s *Server) loadFirmDetail(ctx context.Context, id int64) (*firmDetail, []int64, error) {
	f, err := s.store.FindFirmByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	ids, err := s.store.FirmAssociationIDs(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	d := &firmDetail{Firm: f}
	d.Industry, _ = s.ref.IndustryFor(f.VSICVersion, f.VSICCode)
	d.Ward, _ = s.ref.Ward(f.WardCode)
	d.Park, _ = s.ref.Park(f.ParkCode)
	all, err := s.store.Associations(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range all {
		for _, id := range ids {
			if a.ID == id {
				d.Associations = append(d.Associations, a)
			}
		}
	}
	return d, ids, nil
}

type profilePage struct {
	page
	*firmDetail
	Users       []firmUserView
	Waiting     int            // open claims waiting for a colleague's approval
	Contact     *firms.Contact // nil when none is held
	ContactForm *form
	Submissions []store.Submission
	Sharing     []sharingView
}

// firmUserView is a user of the firm as the profile lists them, with
// where their claim stands (auth.ClaimStatus).
type firmUserView struct {
	*auth.User
	Claim     auth.ClaimStatus
	ClaimInfo store.ClaimSummary
}

type sharingView struct {
	AssociationID int64
	Name          string
	Shared        bool
}

// ownFirm loads the signed-in firm user's firm, checking Can for action.
func (s *Server) ownFirm(r *http.Request, a auth.Action) (*firmDetail, error) {
	u := currentUser(r)
	d, ids, err := s.loadFirmDetail(r.Context(), u.FirmID)
	if err != nil {
		return nil, err
	}
	if !auth.Can(u, a, auth.Target{FirmID: d.Firm.ID, FirmAssociationIDs: ids}) {
		return nil, errForbidden
	}
	return d, nil
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request) {
	s.renderProfile(w, r, http.StatusOK, newForm())
}

func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, status int, contactForm *form) {
	if u := currentUser(r); !auth.Can(u, auth.ActFirmView, auth.Target{FirmID: u.FirmID}) {
		s.renderClaim(w, r, http.StatusOK, "", newForm()) // an open claim sees the firm's name and its claim only
		return
	}
	d, err := s.ownFirm(r, auth.ActFirmView)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := profilePage{page: s.newPage(w, r, "page.profile.title"), firmDetail: d, ContactForm: contactForm}
	if p.Submissions, err = s.store.Submissions(r.Context(), d.Firm.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	sharing, err := s.store.SharingOf(r.Context(), d.Firm.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, sh := range sharing {
		name := sh.NameVI
		if lang(r) == "en" {
			name = sh.NameEN
		}
		p.Sharing = append(p.Sharing, sharingView{AssociationID: sh.AssociationID, Name: name, Shared: sh.Shared})
	}
	if p.Users, err = s.firmUsers(r.Context(), d.Firm.ID, false); err != nil { // not rejected or revoked people: not the firm's to see
		s.fail(w, r, err)
		return
	}
	for _, fu := range p.Users {
		if fu.Status == auth.StatusActive && fu.Claim == auth.ClaimOpen {
			p.Waiting++
		}
	}
	switch c, err := s.store.FindContact(r.Context(), d.Firm.ID); {
	case err == nil:
		p.Contact = c
	case !errors.Is(err, store.ErrNotFound):
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "profile", p)
}

func (s *Server) contactSavePost(w http.ResponseWriter, r *http.Request) {
	d, err := s.ownFirm(r, auth.ActContactManage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fm, ok := s.parseForm(w, r, "full_name", "title", "email", "phone", "consent")
	if !ok {
		return
	}
	c := &firms.Contact{FirmID: d.Firm.ID, FullName: fm.Get("full_name"), Title: fm.Get("title"), Email: fm.Get("email"),
		Phone: fm.Get("phone"), ConsentVersion: firms.ContactConsentVersion, ConsentBy: currentUser(r).ID}
	for field, p := range c.Validate(fm.Get("consent") == "yes") {
		fm.Fail(field, string(p))
	}
	if !fm.Valid() {
		s.renderProfile(w, r, http.StatusUnprocessableEntity, fm)
		return
	}
	if err := s.store.SaveContact(r.Context(), c); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/profile", "flash.contact_saved")
}

func (s *Server) contactErasePost(w http.ResponseWriter, r *http.Request) {
	d, err := s.ownFirm(r, auth.ActContactManage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.store.EraseContact(r.Context(), d.Firm.ID, currentUser(r).ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/profile", "flash.contact_erased")
}

// contactExport hands the data subject everything held about the contact
// person, and the consent history, as a JSON file.
func (s *Server) contactExport(w http.ResponseWriter, r *http.Request) {
	d, err := s.ownFirm(r, auth.ActContactManage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A read of personal data is recorded before it is sent, or not sent.
	if _, err := s.store.RecordAudit(r.Context(), store.AuditEntry{UserID: currentUser(r).ID, Action: "contact.export",
		Subject: "firm:" + strconv.FormatInt(d.Firm.ID, 10)}); err != nil {
		s.fail(w, r, err)
		return
	}
	out := map[string]any{"firm_tax_code": d.Firm.TaxCode, "firm_name": d.Firm.Name, "exported_at": s.now()}
	switch c, err := s.store.FindContact(r.Context(), d.Firm.ID); {
	case err == nil:
		out["contact"] = map[string]any{"full_name": c.FullName, "title": c.Title, "email": c.Email, "phone": c.Phone,
			"consent_text_version": c.ConsentVersion, "consent_given_at": c.ConsentAt}
	case !errors.Is(err, store.ErrNotFound):
		s.fail(w, r, err)
		return
	}
	evs, err := s.store.ConsentEvents(r.Context(), d.Firm.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out["consent_events"] = evs
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="contact-%s.json"`, d.Firm.TaxCode))
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(out)
}

// firmUsers lists firmID's users with their claims.
func (s *Server) firmUsers(ctx context.Context, firmID int64, all bool) ([]firmUserView, error) {
	us, err := s.store.UsersOfFirm(ctx, firmID)
	if err != nil {
		return nil, err
	}
	st, err := s.store.ClaimStatuses(ctx, firmID)
	out := make([]firmUserView, 0, len(us))
	for _, u := range us {
		c := st[u.ID]
		if c.Status == "" { // no claim row: as the tie stands
			c.Status = map[bool]auth.ClaimStatus{true: auth.ClaimVerified, false: auth.ClaimOpen}[u.FirmVerified]
		}
		if all || auth.ShownToFirm(c.Status) {
			out = append(out, firmUserView{User: u, Claim: c.Status, ClaimInfo: c})
		}
	}
	return out, err
}
