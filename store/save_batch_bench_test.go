package store_test

import (
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// BenchmarkSaveAnswersParallel saves steps of seven answers from many
// goroutines at once, each into its own firm's draft, as the load tool's
// clients post steps: through SaveAnswers (batched) and through the
// serial reference (a transaction each, as before group commit), in the
// same run so that the two compare. Each save changes its answers, so
// each records seven changes.
func BenchmarkSaveAnswersParallel(b *testing.B) {
	for _, way := range []string{"serial", "batched"} {
		for _, par := range []int{8, 32} { // goroutines per GOMAXPROCS
			b.Run(fmt.Sprintf("%s/x%d", way, par), func(b *testing.B) { benchSaves(b, way == "batched", par) })
		}
	}
}

func benchSaves(b *testing.B, batched bool, par int) {
	s, fx := storetest.Open(b)
	in := storetest.Instrument(b)
	p := survey.Profile{Section: "C", Size: "small"}
	var drafts, firms []int64
	for i := range 256 {
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(373400000+i*10), fmt.Sprintf("Công ty Lưu %d", i)
		if err := s.CreateFirm(ctx, &f); err != nil {
			b.Fatal(err)
		}
		d, err := s.Draft(ctx, f.ID, in, p, 0)
		if err != nil {
			b.Fatal(err)
		}
		drafts, firms = append(drafts, d.ID), append(firms, f.ID)
	}
	qs := in.Questions()
	var next atomic.Int64
	b0, n0 := s.SaveBatches()
	b.ReportAllocs()
	b.SetParallelism(par)
	cpu0 := cpuTime(b)
	b.RunParallel(func(pb *testing.PB) {
		k := int(next.Add(1)-1) % len(drafts)
		for i := 0; pb.Next(); i++ {
			step := map[string]survey.Answer{}
			for j := range 7 {
				q := qs[(i*7+j)%len(qs)]
				step[q.ID] = survey.Answer{Options: []string{q.Options[(i/len(qs)+j)%len(q.Options)].ID}}
			}
			var err error
			if batched {
				err = s.SaveAnswers(ctx, drafts[k], firms[k], step, 0)
			} else {
				err = store.SaveAnswersSerial(ctx, s, drafts[k], firms[k], step, 0)
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N), "cpu-ns/op")
	if bs, ns := s.SaveBatches(); bs > b0 {
		b.ReportMetric(float64(ns-n0)/float64(bs-b0), "saves/batch")
	}
}

// cpuTime is the CPU the process has used (user and system): what a save
// costs the server, whatever the wall clock does on a shared machine.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
