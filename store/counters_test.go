package store_test

import (
	"database/sql"
	"math/rand/v2"
	"testing"
	"time"

	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// counted is what the counters stand for, counted the slow way.
func counted(t *testing.T, s *store.Store) (firmsN, assessed, submitted int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(`SELECT (SELECT COUNT(*) FROM firms), (SELECT COUNT(*) FROM current_results),
		(SELECT COUNT(*) FROM responses WHERE status = 'submitted')`).Scan(&firmsN, &assessed, &submitted); err != nil {
		t.Fatal(err)
	}
	return firmsN, assessed, submitted
}

// TestCountersEqualCounting: after a random sequence of registrations,
// bulk loads, imports (new firms and updates), drafts, submissions and
// resubmissions, and loads of past results, the counters the home and
// Center pages read equal a full count, and each step moved them by
// exactly what it added.
func TestCountersEqualCounting(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	rng := rand.New(rand.NewPCG(14, 2))
	next := 500000000
	newFirm := func() *firms.Firm {
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(next), "Công ty Đếm"
		next += 10
		return &f
	}
	var ids []int64
	assessed := map[int64]bool{} // firms given a current result by the steps
	firstResult := func(id int64) int {
		if assessed[id] {
			return 0
		}
		assessed[id] = true
		return 1
	}
	result := scoring.Result{Instrument: in.Key(), Overall: 40, Level: 2, Pillars: []scoring.PillarScore{{PillarID: "customer", Score: 40, Scored: true}}}
	steps := map[string]func() (dFirms, dAssessed, dSubmitted int){
		"register": func() (int, int, int) {
			f := newFirm()
			if err := s.CreateFirm(ctx, f); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, f.ID)
			return 1, 0, 0
		},
		"bulk": func() (int, int, int) {
			fs := []*firms.Firm{newFirm(), newFirm(), newFirm()}
			if err := s.CreateFirms(ctx, fs); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, fs[0].ID, fs[1].ID, fs[2].ID)
			return 3, 0, 0
		},
		"import": func() (int, int, int) {
			tc := storetest.TaxCodeFrom(next)
			next += 10
			res, ferr := importCSV(t, s, fx, header+string(tc)+",Công ty TNHH Nhập,2220,25920,,35,1000000000,800000000,2025,\n"+
				"3709000012,Công ty TNHH Gỗ Đức Thành (đổi tên),3100,25760,,130,40000000000,20000000000,2025,wood\n")
			if ferr != nil || res.Created != 1 || res.Updated != 1 {
				t.Fatalf("import: %+v %v", res, ferr)
			}
			return 1, 0, 0
		},
		"submit": func() (int, int, int) {
			if len(ids) == 0 {
				return 0, 0, 0
			}
			id := ids[rng.IntN(len(ids))]
			d, err := s.Draft(ctx, id, in, survey.Profile{Section: "C", Size: "micro"}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.SubmitResponse(ctx, d.ID, id, 0, d.Version(), result); err != nil {
				t.Fatal(err)
			}
			return 0, firstResult(id), 1 // a resubmission keeps one current result
		},
		"load past": func() (int, int, int) {
			if len(ids) == 0 {
				return 0, 0, 0
			}
			id := ids[rng.IntN(len(ids))]
			at := storetest.Clock.Add(-time.Duration(rng.IntN(1000)) * time.Hour)
			if err := s.LoadSubmissions(ctx, in, []store.PastSubmission{{FirmID: id, Result: result, SubmittedAt: at}}); err != nil {
				t.Fatal(err)
			}
			return 0, firstResult(id), 1
		},
	}
	names := []string{"register", "bulk", "import", "submit", "load past"}
	for i := range 60 {
		name := names[rng.IntN(len(names))]
		f0, a0, s0 := readCounters(t, s)
		df, da, ds := steps[name]()
		f1, a1, s1 := readCounters(t, s)
		cf, ca, cs := counted(t, s)
		if f1 != cf || a1 != ca || s1 != cs || f1-f0 != df || a1-a0 != da || s1-s0 != ds {
			t.Fatalf("step %d (%s): counters %d/%d/%d (moved %d/%d/%d), counted %d/%d/%d, want moves %d/%d/%d",
				i, name, f1, a1, s1, f1-f0, a1-a0, s1-s0, cf, ca, cs, df, da, ds)
		}
	}
}

func readCounters(t *testing.T, s *store.Store) (firmsN, assessed, submitted int) {
	t.Helper()
	n, err := s.CountFirms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, sub, err := s.AssessmentCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n, a, sub
}
