package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"dxready/auth"
	"dxready/demo"
	"dxready/firms"
	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
)

var (
	provinceOnce sync.Once
	province     *store.Store
)

// demoProvince returns a store holding the full 68,000-firm demo province,
// built once per benchmark binary run.
func demoProvince(b *testing.B) *store.Store {
	provinceOnce.Do(func() {
		s := storetest.OpenEmpty(b)
		ref, _ := firms.LoadReference()
		if _, err := demo.Seed(context.Background(), s, ref, auth.NewHasher(storetest.Cheap, 2), demo.Options{Seed: 2025, Password: "benchmark-password", Now: storetest.Clock}); err != nil {
			b.Fatal(err)
		}
		province = s
	})
	return province
}

// BenchmarkFindFirms: the admin search over 68,000 firms (target: under
// 20 ms a request, page included).
func BenchmarkFindFirms(b *testing.B) {
	s := demoProvince(b)
	cases := []struct {
		name string
		f    store.FirmFilter
	}{
		{"all", store.FirmFilter{}},
		{"all_page_500", store.FirmFilter{Offset: 500 * 50}},
		{"word_rare", store.FirmFilter{Query: "go duc"}},
		{"word_common", store.FirmFilter{Query: "cong"}},
		{"word_common_page_100", store.FirmFilter{Query: "cong", Offset: 100 * 50}},
		{"word_mid", store.FirmFilter{Query: "noi that"}},
		{"tax_code_prefix", store.FirmFilter{Query: "3709001"}},
		{"ward_and_size", store.FirmFilter{WardCode: "25760", SizeClass: firms.Large}},
		{"association", store.FirmFilter{AssociationID: 1}},
		{"common_word_in_ward", store.FirmFilter{Query: "cong ty", WardCode: "25942"}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			c.f.Limit = 50
			for b.Loop() {
				if _, _, err := s.FindFirms(context.Background(), c.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// writeRegistryCSV writes n valid registry rows to a temp file and returns
// its path.
func writeRegistryCSV(b *testing.B, n int) string {
	path := filepath.Join(b.TempDir(), "registry.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString("\xEF\xBB\xBFtax_code,name,vsic,ward,park,employees,revenue_vnd,capital_vnd,year,associations\n")
	vsic := []string{"3100", "1629", "4690", "6201", "5210", "1410", "2610", "1079"}
	wards := []string{"25747", "25760", "25813", "25942", "25966", "25888", "25777", "25822"}
	for body, i := 371000000, 0; i < n; body++ {
		d, ok := firms.CheckDigit(strconv.Itoa(body))
		if !ok {
			continue
		}
		assoc := ""
		if i%20 == 0 {
			assoc = "wood"
		}
		fmt.Fprintf(w, "%d%c,Công ty TNHH Thử nghiệm Số %d,%s,%s,,%d,%d,%d,2025,%s\n", body, d, i, vsic[i%8], wards[(i/8)%8],
			1+i%150, int64(1+i%90)*1_000_000_000, int64(1+i%40)*500_000_000, assoc)
		i++
	}
	w.Flush()
	f.Close()
	return path
}

// BenchmarkImport68k imports a 68,000-row registry CSV into an empty
// registry (target: under 10 s, memory flat). It reports the peak heap
// seen while importing, sampled every 20 ms.
func BenchmarkImport68k(b *testing.B) {
	path := writeRegistryCSV(b, 68_000)
	info, _ := os.Stat(path)
	b.SetBytes(info.Size())
	var peak uint64
	for b.Loop() {
		b.StopTimer()
		s, fx := storetest.Open(b)
		known, _ := s.ImportAssociationCodes(context.Background())
		f, _ := os.Open(path)
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		stop := make(chan struct{})
		sampled := make(chan uint64)
		go func() {
			var m runtime.MemStats
			var top uint64
			t := time.NewTicker(20 * time.Millisecond)
			defer t.Stop()
			for {
				runtime.ReadMemStats(&m)
				top = max(top, m.HeapAlloc)
				select {
				case <-stop:
					sampled <- top - min(top, base.HeapAlloc)
					return
				case <-t.C:
				}
			}
		}()
		b.StartTimer()
		rd, ferr := firms.NewImportReader(bufio.NewReader(f), fx.Ref, storetest.Clock, known)
		if ferr != nil {
			b.Fatal(ferr)
		}
		res, err := s.ImportFirms(context.Background(), rd, nil)
		if err != nil || !res.Written || res.Created != 68_000 {
			b.Fatalf("import: %+v %v", res, err)
		}
		b.StopTimer()
		close(stop)
		peak = max(peak, <-sampled)
		f.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// BenchmarkSnapshot: the demo province (68,000 firms, ~49,000 submitted
// responses): loading its cells into memory (a start), one association's
// dashboard figures, and a result page's comparison.
func BenchmarkSnapshot(b *testing.B) {
	s := demoProvince(b)
	in := storetest.Instrument(b)
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			store.DropCellsMemory(s)
			if _, err := s.Snapshot(context.Background(), in); err != nil {
				b.Fatal(err)
			}
		}
	})
	snap, _ := s.Snapshot(context.Background(), in)
	b.Run("aggregate", func(b *testing.B) {
		for b.Loop() {
			if _, err := snap.Aggregate(context.Background(), store.AggFilter{AssociationID: 2}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("compare", func(b *testing.B) {
		for b.Loop() {
			if _, err := snap.Compare(context.Background(), 42, store.Group{Division: "16"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	// A submission elsewhere (its cells reconciled in its transaction),
	// then a result page's two comparisons: nothing is rebuilt.
	res := scoring.Result{Instrument: in.Key(), Overall: 55, Level: 3, Pillars: []scoring.PillarScore{{PillarID: "customer", Score: 60, Scored: true}}}
	firm := int64(100)
	b.Run("submit-then-compare", func(b *testing.B) {
		for b.Loop() {
			firm++
			if err := s.LoadSubmissions(context.Background(), in, []store.PastSubmission{{FirmID: firm, Result: res, SubmittedAt: storetest.Clock}}); err != nil {
				b.Fatal(err)
			}
			snap, err := s.Snapshot(context.Background(), in)
			if err != nil {
				b.Fatal(err)
			}
			for _, g := range []store.Group{{Division: "16"}, {AssociationID: 2}} {
				if _, err := snap.Compare(context.Background(), 42, g); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
