package web

import (
	"math"
	"testing"
	"time"

	"dxready/opendata"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// publishedWard registers n firms in the Kho fixture's ward and submits a
// result for each in the quarter before the clock's, half of them with
// cloud services across the firm; it returns the ward's group key.
func publishedWard(t *testing.T, e *env, n int) (string, scoring.Quarter) {
	t.Helper()
	in := storetest.Instrument(t)
	prev := scoring.QuarterOf(e.fx.Clock.Now()).Prev()
	var subs []store.PastSubmission
	for i := range n {
		f := *e.fx.Kho
		f.ID, f.TaxCode = 0, storetest.TaxCodeFrom(391000000+10*i)
		if err := e.st.CreateFirm(ctx, &f); err != nil {
			t.Fatal(err)
		}
		score := 20 + float64(i%60)
		answers := map[string]survey.Answer{"inf.cloud": {Options: []string{"none"}}}
		if i%2 == 0 {
			answers["inf.cloud"] = survey.Answer{Options: []string{"full"}}
		}
		subs = append(subs, store.PastSubmission{FirmID: f.ID, Answers: answers, SubmittedAt: prev.Start().Add(time.Duration(i) * time.Hour),
			Result: scoring.Result{Instrument: in.Key(), Overall: score, Level: int(score / 20),
				Pillars: []scoring.PillarScore{{PillarID: "customer", Score: score, Scored: true}}}})
	}
	if err := e.st.LoadSubmissions(ctx, in, subs); err != nil {
		t.Fatal(err)
	}
	return store.GroupKey(store.DimWard, e.fx.Kho.WardCode), prev
}

func cellOf(t *testing.T, p *opendata.Publication, dataset, code string, q scoring.Quarter, indicator string) opendata.Value {
	t.Helper()
	tb, err := p.Table(dataset)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range tb.Rows {
		if r.Code == code && r.Quarter == q {
			for i, ind := range tb.Indicators {
				if ind.ID == indicator {
					return r.Values[i]
				}
			}
			t.Fatalf("%s has no column %s", dataset, indicator)
		}
	}
	t.Fatalf("%s has no row %s at %s", dataset, code, q)
	return opendata.Value{}
}

// Every published score is open data's protection of the cells, never the
// portal's: the same group's mean differs from the Center's dashboard, and
// equals disclosure.ProtectPublic of the same cells.
func TestPublicationIsOpenDatasProtectionOfTheCells(t *testing.T) {
	e := newEnv(t)
	ward, prev := publishedWard(t, e, 110)
	p, err := e.web.publication(ctx)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := e.st.Snapshot(ctx, storetest.Instrument(t))
	if err != nil {
		t.Fatal(err)
	}
	code := e.fx.Kho.WardCode
	published := cellOf(t, p, "readiness-by-ward", code, prev, "overall-mean")
	public, portal := snap.PublicFigures([]string{ward}, prev), snap.Union([]string{ward}, prev)
	if published.Null || math.Abs(published.V-public.Overall.Mean) > 1e-9 {
		t.Errorf("published mean %+v, open data's protection %v", published, public.Overall.Mean)
	}
	if math.Abs(published.V-portal.Overall.Mean) < 1e-9 {
		t.Error("open data publishes the portal's figure of the cell: one noise for two audiences")
	}
	if n := cellOf(t, p, "readiness-by-ward", code, prev, "firms-assessed"); n.V != 110 {
		t.Errorf("firms assessed %v, want the exact 110", n.V)
	}
	// The share is open data's perturbed count over the exact one (its
	// noise is about ±8 firms, so only a loose range is asked of it).
	cloud := cellOf(t, p, "readiness-by-ward", code, prev, "adoption-cloud-services-share")
	if want := 100 * float64(public.Adopt[3]) / float64(public.N); cloud.Null || cloud.V != want || cloud.V < 20 || cloud.V > 80 {
		t.Errorf("half the ward's 110 firms use the cloud; published share %+v, open data's count gives %v", cloud, want)
	}
	if est := cellOf(t, p, "readiness-by-province", "", prev, "estimate-overall-mean"); !est.Null && (!est.Interval || est.Lo > est.V || est.Hi < est.V) {
		t.Errorf("the province's estimate has no interval around it: %+v", est)
	}
}

// A result submitted in the current quarter changes no published quarter:
// only the participation to date moves, and only from the next day on
// (it is counted once a day).
func TestACurrentQuarterSubmissionMovesOnlyParticipation(t *testing.T) {
	e := newEnv(t)
	publishedWard(t, e, 12)
	before, err := e.web.computePublication(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := storetest.Instrument(t)
	res := scoring.Result{Instrument: in.Key(), Overall: 90, Level: 5, Pillars: []scoring.PillarScore{{PillarID: "customer", Score: 90, Scored: true}}}
	if err := e.st.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: e.fx.Kho.ID, Result: res, SubmittedAt: e.fx.Clock.Now()}}); err != nil {
		t.Fatal(err)
	}
	sameDay, err := e.web.computePublication(ctx, before)
	if err != nil {
		t.Fatal(err)
	}
	if n := cellOf(t, sameDay, "participation-by-province", "", scoring.Quarter{}, "firms-assessed-to-date"); n.V != 12 || sameDay.ETag != before.ETag {
		t.Errorf("the same day, participation moved to %v (ETag %s → %s): counted more than once a day", n.V, before.ETag, sameDay.ETag)
	}
	e.fx.Clock.Add(24 * time.Hour)
	after, err := e.web.computePublication(ctx, sameDay)
	if err != nil {
		t.Fatal(err)
	}
	if after.Seq == before.Seq || after.ETag == before.ETag || after.Figures != before.Figures {
		t.Fatalf("the next day: seq %d → %d, ETag moved %v, figures' tag moved %v (want: moved, moved, kept)",
			before.Seq, after.Seq, after.ETag != before.ETag, after.Figures != before.Figures)
	}
	for i, tb := range before.Tables {
		if tb.Frequency != opendata.Quarterly {
			continue
		}
		if len(tb.Rows) != len(after.Tables[i].Rows) {
			t.Fatalf("%s: %d rows, then %d", tb.ID, len(tb.Rows), len(after.Tables[i].Rows))
		}
		for j, r := range tb.Rows {
			for k, v := range r.Values {
				if v != after.Tables[i].Rows[j].Values[k] {
					t.Errorf("%s %s %s: %s moved from %+v to %+v with a submission of the current quarter",
						tb.ID, r.Quarter, r.Code, tb.Indicators[k].ID, v, after.Tables[i].Rows[j].Values[k])
				}
			}
		}
	}
	n := cellOf(t, after, "participation-by-province", "", scoring.Quarter{}, "firms-assessed-to-date")
	if n.V != 13 {
		t.Errorf("participation to date %v, want 13", n.V)
	}
}

// The publication is recomputed when results changed and the refresh
// interval has passed, in the background, never before.
func TestPublicationRefreshesAtMostEveryInterval(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.OpenDataRefresh = 2 * time.Minute })
	publishedWard(t, e, 6)
	first, err := e.web.publication(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in := storetest.Instrument(t)
	res := scoring.Result{Instrument: in.Key(), Overall: 40, Level: 2, Pillars: []scoring.PillarScore{{PillarID: "customer", Score: 40, Scored: true}}}
	if err := e.st.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: e.fx.Kho.ID, Result: res, SubmittedAt: e.fx.Clock.Now()}}); err != nil {
		t.Fatal(err)
	}
	e.fx.Clock.Add(time.Minute)
	if p, _ := e.web.publication(ctx); p != first {
		t.Fatal("recomputed before the refresh interval")
	}
	e.fx.Clock.Add(time.Minute)
	if p, _ := e.web.publication(ctx); p != first {
		t.Fatal("a request waited for the recomputation instead of getting the figures it had")
	}
	var p *opendata.Publication
	for range 500 { // the recomputation runs in the background
		if p = e.web.published.cur.Load(); p != first {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if p == first || p.Seq == first.Seq || !p.ComputedAt.After(first.ComputedAt) {
		t.Fatalf("not recomputed after the interval: seq %d → %d", first.Seq, p.Seq)
	}
}
