package web

import (
	"net/http"
	"net/url"
	"strconv"

	"dxready/auth"
	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/survey"
)

// option is one choice of a filter's select.
type option struct {
	Value, Label string
	Selected     bool
}

// assocCtx is an association the signed-in user may act on.
type assocCtx struct {
	assoc *firms.Association
	name  string
	in    *survey.Instrument
}

// loadAssociation loads association {id} and checks action a on it. An
// association the user may not reach answers 404, like a firm's record.
func (s *Server) loadAssociation(r *http.Request, a auth.Action) (*assocCtx, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, store.ErrNotFound
	}
	if !auth.Can(currentUser(r), a, auth.Target{AssociationID: id}) {
		return nil, store.ErrNotFound
	}
	as, err := s.store.FindAssociationByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	in, ok := survey.Latest(s.cfg.Instruments, survey.DefaultID)
	if !ok {
		return nil, store.ErrNotFound
	}
	return &assocCtx{assoc: as, name: as.Name(lang(r)), in: in}, nil
}

// associations sends a lead to their association's dashboard and shows
// the Center the list of all associations with their participation.
func (s *Server) associations(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if u.Role == auth.RoleLead {
		http.Redirect(w, r, "/associations/"+strconv.FormatInt(u.AssociationID, 10), http.StatusSeeOther)
		return
	}
	if !auth.Can(u, auth.ActAssociationManage, auth.Target{}) {
		s.fail(w, r, errForbidden)
		return
	}
	list, err := s.store.Associations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, _ := survey.Latest(s.cfg.Instruments, survey.DefaultID)
	snap, err := s.store.Snapshot(r.Context(), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.loc(r)
	p := associationsPage{page: s.newPage(w, r, "page.associations.title")}
	for _, a := range list {
		agg, err := snap.Aggregate(r.Context(), store.AggFilter{AssociationID: a.ID})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		row := assocRow{ID: a.ID, Name: a.Name(lang(r)), Members: agg.Members, Assessed: agg.Assessed, Sharing: agg.Sharing,
			Share: loc.Percent(share(agg.Assessed, agg.Members), 0), Suppressed: agg.Whole.Suppressed}
		if !agg.Whole.Suppressed {
			row.Mean, row.Margin = loc.Decimal(agg.Whole.Overall.Mean, 1), loc.Decimal(agg.Whole.Margin(), 1)
		}
		p.Rows = append(p.Rows, row)
	}
	s.render(w, r, http.StatusOK, "associations", p)
}

type associationsPage struct {
	page
	Rows []assocRow
}

type assocRow struct {
	ID                         int64
	Name                       string
	Members, Assessed, Sharing int
	Share, Mean, Margin        string
	Suppressed                 bool
}

func share(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

// dashboardFilter reads the dashboard's filters from the URL. A value that
// is not a known choice is ignored rather than refused: the link of a
// colleague with an outdated filter still opens.
func (s *Server) dashboardFilter(q url.Values, assocID int64, now scoring.Quarter) store.AggFilter {
	f := store.AggFilter{AssociationID: assocID}
	for _, sec := range s.ref.Sections(firms.VSICVersion2018) {
		if sec.Code == q.Get("section") {
			f.Section = sec.Code
		}
	}
	if d := q.Get("division"); len(d) == 2 {
		if ind, ok := s.ref.Industry(firms.VSICVersion2018, d); ok {
			f.Division = ind.Code
		}
	}
	if firms.SizeClass(q.Get("size")).Valid() {
		f.Size = q.Get("size")
	}
	if _, ok := s.ref.Ward(q.Get("ward")); ok {
		f.Ward = q.Get("ward")
	}
	if qu, ok := scoring.ParseQuarter(q.Get("quarter")); ok && qu != now {
		for _, recent := range scoring.LastQuarters(now, store.TrendQuarters) {
			if recent == qu {
				f.Quarter = qu
			}
		}
	}
	return f
}
