package demo

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dxready/auth"
	"dxready/firms"
	"dxready/store"
	"dxready/store/storetest"
)

// A small province is built deterministically, with valid firms, all 8
// associations populated, and every demo account able to sign in.
func TestSeedSmallProvince(t *testing.T) {
	ctx := context.Background()
	ref, _ := firms.LoadReference()
	build := func() (*store.Store, *Result) {
		st := storetest.OpenEmpty(t)
		res, err := Seed(ctx, st, ref, auth.NewHasher(storetest.Cheap, 2), Options{Seed: 7, Firms: 6000, Password: "demo-password-1", Instrument: storetest.Instrument(t), Now: storetest.Clock})
		if err != nil {
			t.Fatal(err)
		}
		return st, res
	}
	st, res := build()
	if res.Firms != 6000 || len(res.Accounts) != 1+8+12+20 || res.GeneratedPassword {
		t.Fatalf("result = %+v", res)
	}
	all, total, err := st.FindFirms(ctx, store.FirmFilter{Limit: 200})
	if err != nil || total != 6000 {
		t.Fatalf("total %d, %v", total, err)
	}
	for _, f := range all {
		copyF := *f
		if ps := copyF.Validate(ref, storetest.Clock); len(ps) > 0 {
			t.Fatalf("demo firm %s invalid: %v", f.TaxCode, ps)
		}
		if _, err := firms.ParseTaxCode(string(f.TaxCode)); err != nil || f.TaxCode[:4] != "3709" {
			t.Fatalf("demo tax code %s: %v", f.TaxCode, err)
		}
		if copyF.SizeClass != f.SizeClass {
			t.Fatalf("stored class %s, computed %s", f.SizeClass, copyF.SizeClass)
		}
	}
	assocs, _ := st.Associations(ctx)
	if len(assocs) != 8 {
		t.Fatalf("associations = %d", len(assocs))
	}
	for _, a := range assocs {
		_, n, _ := st.FindFirms(ctx, store.FirmFilter{AssociationID: a.ID, Limit: 1})
		if n == 0 {
			t.Errorf("association %s has no members", a.Code)
		}
	}
	sizes := map[firms.SizeClass]int{}
	for _, c := range firms.SizeClasses {
		_, n, _ := st.FindFirms(ctx, store.FirmFilter{SizeClass: c, Limit: 1})
		sizes[c] = n
	}
	if sizes[firms.Micro] < sizes[firms.Small] || sizes[firms.Small] < sizes[firms.Medium] || sizes[firms.Large] == 0 {
		t.Errorf("implausible size mix %v", sizes)
	}
	u, err := st.FindUserByEmail(ctx, "lead1@demo.local")
	if err != nil || u.Role != auth.RoleLead || u.AssociationID == 0 {
		t.Fatalf("lead1 = %+v %v", u, err)
	}
	if ok, _ := auth.NewHasher(storetest.Cheap, 1).Verify(ctx, "demo-password-1", u.PasswordHash); !ok {
		t.Fatal("demo password does not verify")
	}
	// Demo firm users are verified (by 'demo'): they see their firm at once.
	fu, err := st.FindUserByEmail(ctx, "firm1@demo.local")
	if err != nil || !fu.FirmVerified {
		t.Fatalf("firm1 = %+v %v", fu, err)
	}
	if c, err := st.CurrentClaim(ctx, fu.ID); err != nil || c.Method != auth.MethodDemo || c.Status != auth.ClaimVerified {
		t.Fatalf("firm1's claim = %+v %v", c, err)
	}
	// Demo firms carry a registry address, so a claim code can be tried.
	if email, _, err := st.RegistryContact(ctx, fu.FirmID); err != nil || !strings.HasSuffix(email, "@demo.local") {
		t.Fatalf("firm1's registry address = %q %v", email, err)
	}
	// Every demo advisor is bookable: hours, two pillars, languages.
	advs, err := st.Advisors(ctx)
	if err != nil || len(advs) != 12 {
		t.Fatalf("advisors: %d %v", len(advs), err)
	}
	langs := map[string]bool{}
	for _, a := range advs {
		if len(a.Hours) < 8 || len(a.Pillars) != 2 || len(a.Associations) != 2 || !a.Active {
			t.Fatalf("advisor %+v", a)
		}
		for _, l := range a.Languages {
			langs[l] = true
		}
	}
	if !langs["ko"] || !langs["zh"] || !langs["ja"] || !langs["en"] {
		t.Fatalf("languages of the demo advisors: %v", langs)
	}
	if v, _ := st.Meta(ctx, store.MetaDemo); v != "7" {
		t.Fatalf("demo meta = %q", v)
	}
	// About 40% of firms have assessed themselves, a third of those more
	// than once, and repeat assessments show progress on average.
	assessed, submitted, err := st.AssessmentCounts(ctx)
	if err != nil || assessed < 2100 || assessed > 2700 || submitted < assessed*11/10 || submitted != res.Submissions {
		t.Fatalf("assessed %d firms, %d submissions (%d reported), %v", assessed, submitted, res.Submissions, err)
	}
	checkProgress(t, st, all)
	// About 40% of assessed members share their results, and only members
	// with a result do.
	if res.Sharing == 0 {
		t.Fatal("no demo member shares its results")
	}
	for _, a := range mustAssociations(t, st) {
		sharing, _ := st.SharingFirms(ctx, a.ID)
		for id := range sharing {
			if subs, _ := st.Submissions(ctx, id); len(subs) == 0 {
				t.Fatalf("firm %d shares with %s but has no result", id, a.Code)
			}
		}
	}
	// Same seed, same province.
	st2, _ := build()
	again, _, _ := st2.FindFirms(ctx, store.FirmFilter{Limit: 200})
	for i := range all {
		if all[i].TaxCode != again[i].TaxCode || all[i].Name != again[i].Name || all[i].WardCode != again[i].WardCode {
			t.Fatalf("firm %d differs between runs: %+v vs %+v", i, all[i], again[i])
		}
	}
	// A second seeding into a non-empty store is refused.
	if _, err := Seed(ctx, st, ref, auth.NewHasher(storetest.Cheap, 2), Options{Seed: 7, Firms: 10, Now: storetest.Clock}); err == nil {
		t.Fatal("seeded a non-empty database")
	}
}

// BenchmarkSeed68k measures `dxready demo` at provincial scale the way
// the command builds it (store.Build, batches of DefaultBatch, the
// portal's argon2 parameters); target: under 20 s and 300 MB.
func BenchmarkSeed68k(b *testing.B) {
	ctx := context.Background()
	ref, _ := firms.LoadReference()
	in := storetest.Instrument(b)
	for b.Loop() {
		err := store.Build(ctx, filepath.Join(b.TempDir(), "bench.db"), store.Options{Clock: time.Now}, func(st *store.Store) error {
			if _, err := st.Migrate(ctx); err != nil {
				return err
			}
			if err := st.SyncReference(ctx, ref); err != nil {
				return err
			}
			_, err := Seed(ctx, st, ref, auth.NewHasher(auth.DefaultArgon2, 2), Options{Seed: 1, Password: "benchmark-password", Instrument: in, Now: time.Now()})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// checkProgress: among the first firms with several assessments, the newest
// is on average above the oldest, and levels are not all the same.
func checkProgress(t *testing.T, st *store.Store, some []*firms.Firm) {
	ctx := context.Background()
	var gain float64
	n := 0
	levels := map[int]bool{}
	for _, f := range some {
		subs, err := st.Submissions(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range subs {
			levels[s.Level] = true
		}
		if len(subs) >= 2 {
			gain += subs[0].Overall - subs[len(subs)-1].Overall
			n++
		}
	}
	if n < 5 || gain/float64(n) <= 0 {
		t.Fatalf("%d firms assessed repeatedly, mean gain %.2f", n, gain/float64(max(n, 1)))
	}
	if len(levels) < 3 {
		t.Fatalf("demo levels are too uniform: %v", levels)
	}
}

func mustAssociations(t *testing.T, st *store.Store) []firms.Association {
	t.Helper()
	as, err := st.Associations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return as
}
