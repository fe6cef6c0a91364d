package web

import (
	"encoding/json"
	"net/http"
	"slices"

	"dxready/firms"
	"dxready/locale"
)

// numbersLang is the language the amounts of fm are written in: the form's
// hidden "numbers" field, set when the form was drawn, so that an amount is
// read as the user typed it even if the language changed (in another tab)
// before the save; else, missing or forged, fallback (the request's). It
// is written back into fm, for a form drawn again with what was typed.
func numbersLang(fm *form, fallback string) string {
	l := fm.Get("numbers")
	if !slices.Contains(locale.Languages, l) {
		l = fallback
	}
	fm.Values["numbers"] = l
	return l
}

// readSize reads what the size class is computed from into f: the industry
// (a code, a choice of the list, or words of its name, firms.ResolveIndustry;
// a candidate picked after an ambiguous search wins over the words), the
// employees, and revenue and capital typed in billion đồng the way the
// form writes numbers (numbersLang, else lang; firms.ParseBillionVND),
// stored in đồng. Each problem is
// recorded on its field; an ambiguous name returns its candidates.
func (s *Server) readSize(fm *form, f *firms.Firm, lang string) []firms.Industry {
	typed := fm.Get("vsic")
	if pick := fm.Get("vsic_pick"); pick != "" {
		typed = pick
	}
	f.VSICVersion = firms.VSICVersion2018
	ind, choices, p := s.ref.ResolveIndustry(f.VSICVersion, typed)
	if p != "" {
		fm.Fail("vsic", string(p))
	}
	f.VSICCode, f.Section = ind.Code, ind.Section
	emp, ok := firms.ParseWhole(fm.Get("employees"))
	if !ok {
		fm.Fail("employees", "error.firm.employees_whole") // a sentence of its own, not the import line's fragment
	}
	f.Size.Employees = int(min(emp, 1<<31-1))
	numbers := numbersLang(fm, lang)
	for field, dst := range map[string]*int64{"revenue": &f.Size.RevenueVND, "capital": &f.Size.CapitalVND} {
		vnd, p := firms.ParseBillionVND(fm.Get(field), numbers)
		if p != "" {
			fm.Fail(field, string(p))
		}
		*dst = vnd
	}
	return choices
}

// sizeNeeds are the fields the size class is computed from, in the order
// a user fixes them, each with what to say while it has a problem.
var sizeNeeds = []struct{ field, message string }{
	{"vsic", "page.profile_edit.size_needs_vsic"},
	{"employees", "page.profile_edit.size_needs_employees"},
}

// sizeClass is the size class the figures of fm (read into f by readSize)
// give, by the one rule (firms.ClassifyKnown, which is firms.Classify on
// the figures typed so far), with its text in the user's language; or no
// class and the first thing to fill in before it can be known: the
// industry (its sector group picks the limits), the employees, then the
// revenue or capital typed wrong, or missing and still able to change it. An industry text too
// long to search says so, as the field does.
func (s *Server) sizeClass(r *http.Request, fm *form, f *firms.Firm) (firms.SizeClass, string) {
	loc := s.loc(r)
	if p := fm.Err("vsic"); p == string(firms.ErrVSICTooLong) {
		return "", loc.T(p)
	}
	for _, need := range sizeNeeds {
		if fm.Err(need.field) != "" {
			return "", loc.T(need.message)
		}
	}
	for _, typed := range [][2]string{{"revenue", "page.profile_edit.size_needs_revenue"}, {"capital", "page.profile_edit.size_needs_capital_typed"}} {
		if fm.Get(typed[0]) != "" && fm.Err(typed[0]) != "" { // typed, but not a figure: say so
			return "", loc.T(typed[1])
		}
	}
	haveRevenue, haveCapital := fm.Err("revenue") == "", fm.Err("capital") == ""
	c, ok := firms.ClassifyKnown(firms.SectorGroupForSection(f.Section), f.Size, haveRevenue, haveCapital)
	switch {
	case ok:
		return c, loc.T("page.profile_edit.size_preview", "Class", loc.T("size."+string(c)))
	case !haveRevenue:
		return "", loc.T("page.profile_edit.size_needs_revenue")
	}
	return "", loc.T("page.profile_edit.size_needs_capital")
}

// sizePreview answers the profile form as it is typed (JavaScript on) with
// the size class its figures give, computed by the same Go rule as the save:
// {"class": "small", "text": "…"} in the user's language, or an empty class
// and what to fill in first. It reads and writes nothing stored.
func (s *Server) sizePreview(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fm := newForm()
	for _, k := range []string{"vsic", "employees", "revenue", "capital", "numbers"} {
		fm.Values[k] = q.Get(k)
	}
	var f firms.Firm
	s.readSize(fm, &f, lang(r))
	var out struct {
		Class firms.SizeClass `json:"class"`
		Text  string          `json:"text"`
	}
	out.Class, out.Text = s.sizeClass(r, fm, &f)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := json.NewEncoder(w).Encode(out); err != nil {
		s.log.Info("size preview not sent", "err", err)
	}
}
