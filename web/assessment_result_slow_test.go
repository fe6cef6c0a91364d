package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"dxready/auth"
	"dxready/charts"
	"dxready/locale"
	"dxready/scoring"
	"dxready/store"
	"dxready/survey"
)

// The result page as it was read before store.ReadResult (main at
// 1c648a5): each read on its own, the firm's inputs once per group, the
// consultation by store.Bookings. The tests render the page both ways
// over the same database states.

func (s *Server) slowResultFor(w http.ResponseWriter, r *http.Request) (*resultPage, error) {
	ac, err := s.loadAssessment(r, auth.ActResultView)
	if err != nil {
		return nil, err
	}
	if ac.resp.Status != survey.Submitted {
		return nil, fmt.Errorf("response %d is a draft", ac.resp.ID)
	}
	latest, prev, err := s.slowLatestAndPrevious(r.Context(), ac.resp)
	if err != nil {
		return nil, err
	}
	res := scoring.Score(ac.in, ac.resp.Profile, ac.resp.Answers)
	p := s.newResultPage(w, r, ac, res, prev)
	if err := s.slowComparisons(r, ac, res, &p); err != nil {
		return nil, err
	}
	items, err := s.store.ActionItemsOfFirm(r.Context(), ac.resp.FirmID)
	if err != nil {
		return nil, err
	}
	p.Actions, p.CanBook = s.actionRows(r, items), canBook(currentUser(r))
	if latest {
		if p.Progress, err = s.slowLatestProgress(r.Context(), ac.resp.FirmID, s.loc(r), lang(r)); err != nil {
			return nil, err
		}
	}
	return &p, nil
}

func (s *Server) slowComparisons(r *http.Request, ac *assessmentCtx, res scoring.Result, p *resultPage) error {
	ctx, l, loc := r.Context(), lang(r), s.loc(r)
	axes := allPillarNames(ac.in, l)
	firm := charts.Series{Name: loc.T("page.assessment_result.your_firm"), Values: make([]float64, len(ac.in.Pillars))}
	for i := range ac.in.Pillars {
		firm.Values[i] = res.Pillars[i].Score
	}
	series := []charts.Series{firm}
	if u := currentUser(r); u.Role != auth.RoleFirm || u.FirmID != ac.resp.FirmID {
		f, err := s.store.FindFirmByID(ctx, ac.resp.FirmID)
		if err != nil {
			return err
		}
		p.CompareOwnOnly, p.FirmName, series[0].Name = true, f.Name, f.Name
		p.Radar, err = charts.Radar("radar", loc.T("page.assessment_result.radar_label"), chartLocale(loc), axes, series)
		return err
	}
	groups, firmName, err := s.slowComparisonGroups(r, ac.resp.FirmID)
	if err != nil {
		return err
	}
	p.FirmName = firmName
	snap, err := s.store.Snapshot(ctx, ac.in)
	if err != nil {
		return err
	}
	for _, g := range groups {
		fig, err := snap.Compare(ctx, ac.resp.FirmID, g.group)
		if err != nil {
			return err
		}
		p.Groups = append(p.Groups, groupView{Name: g.name, Firms: fig.N, Suppressed: fig.Suppressed,
			Percentile: loc.Decimal(math.Round(fig.Below(res.Overall)), 0)})
		if fig.Suppressed {
			continue
		}
		avg := charts.Series{Name: loc.T("page.assessment_result.average_of", "Name", g.name), Values: make([]float64, len(ac.in.Pillars))}
		for i := range ac.in.Pillars {
			avg.Values[i] = nanIfSuppressed(fig.Pillars[i])
		}
		series = append(series, avg)
	}
	p.Radar, err = charts.Radar("radar", loc.T("page.assessment_result.radar_label"), chartLocale(loc), axes, series)
	return err
}

func (s *Server) slowComparisonGroups(r *http.Request, firmID int64) ([]namedGroup, string, error) {
	ctx, l, loc := r.Context(), lang(r), s.loc(r)
	f, err := s.store.FindFirmByID(ctx, firmID)
	if err != nil {
		return nil, "", err
	}
	ids, err := s.store.FirmAssociationIDs(ctx, f.ID)
	if err != nil {
		return nil, "", err
	}
	var groups []namedGroup
	for _, id := range ids {
		a, err := s.store.FindAssociationByID(ctx, id)
		if err != nil {
			return nil, "", err
		}
		groups = append(groups, namedGroup{a.Name(l), store.Group{AssociationID: id}})
	}
	if len(f.VSICCode) >= 2 {
		if ind, ok := s.ref.Industry(f.VSICVersion, f.VSICCode[:2]); ok {
			groups = append(groups, namedGroup{loc.T("page.assessment_result.industry", "Name", ind.Name(l)), store.Group{Division: f.VSICCode[:2]}})
		}
	}
	return groups, f.Name, nil
}

func (s *Server) slowLatestAndPrevious(ctx context.Context, resp *survey.Response) (latest bool, prev *store.Submission, err error) {
	subs, err := s.store.FindSubmissions(ctx, store.SubmissionFilter{FirmID: resp.FirmID, Limit: 2})
	if err != nil || len(subs) == 0 {
		return false, nil, err
	}
	if latest = subs[0].ResponseID == resp.ID; !latest {
		subs, err = s.store.FindSubmissions(ctx, store.SubmissionFilter{FirmID: resp.FirmID, After: resp.ID, Limit: 1})
		subs = append([]store.Submission{{}}, subs...)
	}
	if err != nil || len(subs) < 2 {
		return latest, nil, err
	}
	return latest, &subs[1], nil
}

func (s *Server) slowLatestProgress(ctx context.Context, firmID int64, loc *locale.Localizer, l string) (*progressView, error) {
	done, err := s.store.Bookings(ctx, store.BookingFilter{FirmID: firmID, Statuses: []string{store.BookingDone}, Desc: true, Limit: 1})
	if err != nil || len(done) == 0 {
		return nil, err
	}
	return s.consultationProgress(ctx, done[0], loc, l)
}

// resultRequest is a GET of response id's result page by u in language l,
// with what the middleware would have put in its context.
func resultRequest(id int64, u *auth.User, l string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/assessment/%d/result", id), nil)
	r.SetPathValue("id", strconv.FormatInt(id, 10))
	return r.WithContext(context.WithValue(context.WithValue(r.Context(), userKey, u), langKey, l))
}

// resultBothWays renders response id's result page for u in language l as
// served (fast) and as it was read before (slow); an error of either is
// returned as its text in place of the page.
func (e *env) resultBothWays(t *testing.T, id int64, u *auth.User, l string) (fast, slow string) {
	t.Helper()
	r := resultRequest(id, u, l)
	render := func(p *resultPage, err error) string {
		if err != nil {
			return "error: " + errorKind(err)
		}
		w := httptest.NewRecorder()
		e.web.render(w, r, http.StatusOK, "assessment_result", *p)
		if w.Code != http.StatusOK {
			t.Fatalf("render: %d %s", w.Code, w.Body)
		}
		return w.Body.String()
	}
	_, p, err := e.web.resultFor(httptest.NewRecorder(), r)
	fast = render(p, err)
	slow = render(e.web.slowResultFor(httptest.NewRecorder(), r))
	return fast, slow
}

// errorKind is how the portal answers err: the not-found page, or a 500.
func errorKind(err error) string {
	if errors.Is(err, store.ErrNotFound) {
		return "not found"
	}
	return "server error"
}
