package store_test

import (
	"database/sql"
	"errors"
	"slices"
	"testing"
	"time"

	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

// loadedFirm is a copy of fx.NoiThat with its own tax code and name.
func loadedFirm(fx *storetest.Fixtures, body int, name string, demo bool) *firms.Firm {
	f := *fx.NoiThat
	f.ID, f.TaxCode, f.Name, f.Demo = 0, storetest.TaxCodeFrom(body), name, demo
	return &f
}

func firmCount(t *testing.T, s *store.Store) int {
	t.Helper()
	_, n, err := s.FindFirms(ctx, store.FirmFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A batch is written whole: each firm with its ID, in the search index,
// with its memberships, its submissions (the latest is its current
// result), its sharing and its event, and a registry address when it is a
// demo firm.
func TestLoadFirmsWritesTheBatch(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	result := func(overall float64) scoring.Result {
		return scoring.Result{Instrument: in.Key(), Overall: overall, Level: 2,
			Pillars: []scoring.PillarScore{{PillarID: "customer", Score: overall, Scored: true}}}
	}
	batch := []store.LoadedFirm{
		{Firm: loadedFirm(fx, 371200000, "Công ty Gỗ Phương Nam", true), Associations: []int64{fx.Wood.ID, fx.Logistics.ID},
			SharesWith: []int64{fx.Wood.ID}, Submissions: []store.PastSubmission{
				{Result: result(30), SubmittedAt: storetest.Clock.Add(-90 * 24 * time.Hour)},
				{Result: result(55), SubmittedAt: storetest.Clock.Add(-time.Hour)}}},
		{Firm: loadedFirm(fx, 371200010, "Công ty Kho Lạnh Miền Đông", false)},
	}
	if err := s.LoadFirms(ctx, in, batch); err != nil {
		t.Fatal(err)
	}
	sharer, plain := batch[0].Firm, batch[1].Firm
	if sharer.ID == 0 || plain.ID != sharer.ID+1 || sharer.CreatedAt.IsZero() {
		t.Fatalf("IDs %d, %d; created %v", sharer.ID, plain.ID, sharer.CreatedAt)
	}
	if found, n, err := s.FindFirms(ctx, store.FirmFilter{Query: "phuong nam", Limit: 5}); err != nil || n != 1 || found[0].ID != sharer.ID {
		t.Fatalf("search: %d found, %v", n, err)
	}
	if email, _, err := s.RegistryContact(ctx, sharer.ID); err != nil || email != "lienhe."+string(sharer.TaxCode)+"@demo.local" {
		t.Fatalf("the demo firm's registry address: %q %v", email, err)
	}
	if email, _, err := s.RegistryContact(ctx, plain.ID); err != nil || email != "" {
		t.Fatalf("a firm that is not a demo firm got a registry address: %q %v", email, err)
	}
	for _, a := range []int64{fx.Wood.ID, fx.Logistics.ID} {
		if _, n, _ := s.FindFirms(ctx, store.FirmFilter{AssociationID: a, Query: "phuong nam", Limit: 1}); n != 1 {
			t.Errorf("not a member of association %d", a)
		}
	}
	subs, err := s.Submissions(ctx, sharer.ID)
	if err != nil || len(subs) != 2 || subs[0].Overall != 55 {
		t.Fatalf("submissions %+v, %v: want the latest (55) first", subs, err)
	}
	wood, _ := s.SharingFirms(ctx, fx.Wood.ID)
	logistics, _ := s.SharingFirms(ctx, fx.Logistics.ID)
	if !wood[sharer.ID] || logistics[sharer.ID] || wood[plain.ID] {
		t.Fatalf("sharing: wood %v, logistics %v", wood, logistics)
	}
}

// The attacks a bulk load must refuse leave nothing of their batch: a
// firm sharing its results with an association it is not a member of, a
// tax code already taken, submissions with no instrument to answer.
func TestLoadFirmsRefusesAWrongBatchWhole(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	before := firmCount(t, s)
	for _, tc := range []struct {
		name  string
		batch []store.LoadedFirm
		noIn  bool
		want  error
	}{
		{"sharing without membership", []store.LoadedFirm{{Firm: loadedFirm(fx, 371300000, "Công ty A", true),
			Associations: []int64{fx.Logistics.ID}, SharesWith: []int64{fx.Wood.ID},
			Submissions: []store.PastSubmission{{SubmittedAt: storetest.Clock}}}}, false, nil},
		{"taken tax code", []store.LoadedFirm{{Firm: loadedFirm(fx, 371300010, "Công ty B", true)},
			{Firm: loadedFirm(fx, 371300030, "Công ty C", true)}}, false, store.ErrConflict},
		{"no instrument", []store.LoadedFirm{{Firm: loadedFirm(fx, 371300020, "Công ty D", true),
			Submissions: []store.PastSubmission{{SubmittedAt: storetest.Clock}}}}, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "taken tax code" {
				tc.batch[1].Firm.TaxCode = fx.GoDuc.TaxCode
			}
			instrument := in
			if tc.noIn {
				instrument = nil
			}
			err := s.LoadFirms(ctx, instrument, tc.batch)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("loaded: %v", err)
			}
			if n := firmCount(t, s); n != before {
				t.Fatalf("%d firms after a refused batch, %d before", n, before)
			}
		})
	}
}

func indexNames(t *testing.T, s *store.Store) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out = append(out, n)
	}
	return out
}

// A bulk load runs without the indexes of the tables it fills, and they
// are all there again afterwards, also after a load that failed.
func TestBulkLoadPutsTheIndexesBack(t *testing.T) {
	s, fx := storetest.Open(t)
	all := indexNames(t, s)
	for i, fail := range []error{nil, errors.New("the load failed")} {
		err := s.BulkLoad(ctx, func() error {
			during := indexNames(t, s)
			if slices.Contains(during, "firms_name_idx") || slices.Contains(during, "responses_firm_idx") || !slices.Contains(during, "sessions_user_idx") {
				t.Errorf("indexes during the load: %v", during)
			}
			if err := s.LoadFirms(ctx, nil, []store.LoadedFirm{{Firm: loadedFirm(fx, 371400000+i*10, "Công ty Tạm", true)}}); err != nil {
				return err
			}
			return fail
		})
		if !errors.Is(err, fail) {
			t.Fatalf("BulkLoad returned %v, want %v", err, fail)
		}
		if after := indexNames(t, s); !slices.Equal(after, all) {
			t.Fatalf("indexes after the load: %v, before: %v", after, all)
		}
	}
}
