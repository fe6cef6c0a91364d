package storetest

import (
	"context"
	"strconv"
	"testing"
	"time"

	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/survey"
)

var ctx = context.Background()

// SevenWoodFirms adds seven members of the wood association, scored 10, 20,
// … 70 overall (and on the customer pillar) an hour before the clock; five
// in ward 25813 and two in 25760. Two also have an older result.
func SevenWoodFirms(t testing.TB, s *store.Store, fx *Fixtures, in *survey.Instrument) []int64 {
	t.Helper()
	var ids []int64
	var subs []store.PastSubmission
	result := func(overall float64, level int) scoring.Result {
		return scoring.Result{Instrument: in.Key(), Overall: overall, Level: level,
			Pillars: []scoring.PillarScore{{PillarID: "customer", Score: overall, Scored: true}, {PillarID: "strategy", Scored: false}}}
	}
	for i := range 7 {
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, TaxCodeFrom(372200000+i*10), "Công ty Gỗ "+string(rune('A'+i))
		if i >= 5 {
			f.WardCode = "25760"
		}
		if err := s.CreateFirm(ctx, &f); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, f.ID)
		subs = append(subs, store.PastSubmission{FirmID: f.ID, Result: result(float64(10*(i+1)), i%6), SubmittedAt: Clock.Add(-time.Hour)})
	}
	subs = append(subs,
		store.PastSubmission{FirmID: ids[0], Result: result(5, 0), SubmittedAt: time.Date(2025, 12, 1, 3, 0, 0, 0, time.UTC)},
		store.PastSubmission{FirmID: ids[1], Result: result(0, 0), SubmittedAt: time.Date(2025, 6, 1, 3, 0, 0, 0, time.UTC)})
	if err := s.LoadSubmissions(ctx, in, subs); err != nil {
		t.Fatal(err)
	}
	if err := s.AddMemberships(ctx, fx.Wood.ID, ids); err != nil {
		t.Fatal(err)
	}
	return ids
}

// TaxCodeFrom returns the first valid tax code at or after the 9-digit body.
func TaxCodeFrom(body int) firms.TaxCode {
	for ; ; body++ {
		if d, ok := firms.CheckDigit(strconv.Itoa(body)); ok {
			return firms.TaxCode(strconv.Itoa(body) + string(d))
		}
	}
}
