package web

import (
	"net/http"
	"strconv"

	"dxready/auth"
	"dxready/firms"
)

// industryOption is one industry of the profile's search list: its code,
// its name in the user's language (what the field shows once chosen) and in
// the other one (so either can be searched).
type industryOption struct {
	Code, Name, Other string
}

// Label is what the industry field holds once this industry is chosen.
func (o industryOption) Label() string { return o.Code + " – " + o.Name }

type profileEditPage struct {
	page
	Firm       *firms.Firm
	Form       *form
	Wards      []firms.Ward
	Parks      []firms.Park
	Industries []industryOption // the search list (a <datalist>)
	Choices    []industryOption // the industries an ambiguous name matched, to choose from
	SizeText   string           // the size class the figures give, or what they lack
}

var firmFields = []string{"name", "vsic", "vsic_pick", "ward", "park", "employees", "revenue", "capital", "year"}

func (s *Server) profileEdit(w http.ResponseWriter, r *http.Request) {
	d, err := s.ownFirm(r, auth.ActFirmEdit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, l := d.Firm, lang(r)
	fm := newForm()
	fm.Values = map[string]string{"name": f.Name, "vsic": f.VSICCode, "ward": f.WardCode, "park": f.ParkCode, "numbers": l}
	if ind, ok := s.ref.IndustryFor(f.VSICVersion, f.VSICCode); ok && f.VSICCode == ind.Code {
		fm.Values["vsic"] = s.industryOption(ind, l).Label()
	}
	if f.SizeClass != "" {
		fm.Values["employees"] = strconv.Itoa(f.Size.Employees)
		fm.Values["revenue"] = firms.FormatBillionVND(f.Size.RevenueVND, l)
		fm.Values["capital"] = firms.FormatBillionVND(f.Size.CapitalVND, l)
		fm.Values["year"] = strconv.Itoa(f.Size.Year)
	}
	p := s.editPage(w, r, f, fm)
	p.SizeText = s.loc(r).T("page.profile_edit.size_preview_empty")
	if f.SizeClass != "" {
		p.SizeText = s.loc(r).T("page.profile_edit.size_preview", "Class", s.loc(r).T("size."+string(f.SizeClass)))
	}
	s.render(w, r, http.StatusOK, "profile_edit", p)
}

func (s *Server) editPage(w http.ResponseWriter, r *http.Request, f *firms.Firm, fm *form) profileEditPage {
	p := profileEditPage{page: s.newPage(w, r, "page.profile_edit.title"), Firm: f, Form: fm, Wards: s.ref.Wards, Parks: s.ref.Parks}
	for _, ind := range s.ref.Choosable(firms.VSICVersion2018) {
		p.Industries = append(p.Industries, s.industryOption(ind, lang(r)))
	}
	return p
}

func (s *Server) industryOption(ind firms.Industry, l string) industryOption {
	other := map[string]string{"en": "vi"}[l]
	if other == "" {
		other = "en"
	}
	return industryOption{Code: ind.Code, Name: ind.Name(l), Other: ind.Name(other)}
}

func (s *Server) profileEditPost(w http.ResponseWriter, r *http.Request) {
	d, err := s.ownFirm(r, auth.ActFirmEdit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fm, ok := s.parseForm(w, r, firmFields...)
	if !ok {
		return
	}
	f := *d.Firm
	f.Name, f.WardCode, f.ParkCode = fm.Get("name"), fm.Get("ward"), fm.Get("park")
	fm.Values["numbers"] = r.PostForm.Get("numbers") // a hidden field; readSize takes only a language of the list
	choices := s.readSize(fm, &f, lang(r))
	var year int64
	if year, ok = firms.ParseWhole(fm.Get("year")); !ok {
		fm.Fail("year", "error.firm.year_whole") // a sentence of its own, not the import line's fragment
	}
	f.Size.Year = int(year)
	for field, p := range f.Validate(s.ref, s.now()) {
		fm.Fail(field, string(p))
	}
	if !fm.Valid() {
		p := s.editPage(w, r, d.Firm, fm)
		for _, c := range choices {
			p.Choices = append(p.Choices, s.industryOption(c, lang(r)))
		}
		_, p.SizeText = s.sizeClass(r, fm, &f)
		s.render(w, r, http.StatusUnprocessableEntity, "profile_edit", p)
		return
	}
	if err := s.store.UpdateFirm(r.Context(), &f); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/profile", "flash.profile_saved")
}
