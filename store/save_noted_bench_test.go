package store_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"dxready/scoring"
	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// BenchmarkFirmCyclesParallel is the store's part of the load tool's firm
// cycle, 64 clients at once (GOMAXPROCS 2 × 32), each on its own firm: a
// start, six steps of seven answers, a read of the draft and a submit.
// "serial" runs the start and the submit each in its own transaction, as
// before they joined the batches (StartDraftSerial, SubmitSerial);
// "batched" through StartDraft and SubmitResponse. The steps are batched
// in both. cpu-ns/op is the process's CPU a cycle (user and system), which
// a shared machine's wall clock does not skew. It runs on the real clock
// (until 02/12/2026 on the fixtures' fixed one, where a firm's submissions
// all tied and each was drained by reading the firm whole).
func BenchmarkFirmCyclesParallel(b *testing.B) {
	for _, way := range []string{"serial", "batched"} {
		b.Run(way, func(b *testing.B) { benchCycles(b, way == "batched") })
	}
}

func benchCycles(b *testing.B, batched bool) {
	// The server's clock, not the fixtures' fixed one: at one fixed time
	// every submission of a firm ties with its last, and a tie is drained
	// by reading the firm whole (appendSubmitted), which a real clock's
	// nanoseconds never meet.
	s, fx := storetest.OpenWith(b, store.Options{Clock: time.Now})
	in := storetest.Instrument(b)
	var ids []int64
	for i := range 128 {
		f := *fx.NoiThat
		f.ID, f.TaxCode, f.Name = 0, storetest.TaxCodeFrom(373500000+i*10), fmt.Sprintf("Công ty Chu kỳ %d", i)
		if err := s.CreateFirm(ctx, &f); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, f.ID)
	}
	qs := in.Questions()
	var next atomic.Int64
	b0, n0 := s.SaveBatches()
	c0 := s.SQLCounts()
	b.SetParallelism(32)
	cpu0 := cpuTime(b)
	b.RunParallel(func(pb *testing.PB) {
		firm := ids[int(next.Add(1)-1)%len(ids)]
		for i := 0; pb.Next(); i++ {
			if err := benchCycle(s, in, qs, firm, i, batched); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N), "cpu-ns/op")
	c := s.SQLCounts().Sub(c0)
	b.ReportMetric(float64(c.WriteTxs)/float64(b.N), "write-txs/op")
	if bs, ns := s.SaveBatches(); bs > b0 {
		b.ReportMetric(float64(ns-n0)/float64(bs-b0), "calls/batch")
	}
}

// benchCycle is one firm's cycle i on s.
func benchCycle(s *store.Store, in *survey.Instrument, qs []*survey.Question, firm int64, i int, batched bool) error {
	var d *survey.Response
	var err error
	if batched {
		d, err = s.StartDraft(ctx, firm, 0, in, 0)
	} else {
		d, err = store.StartDraftSerial(ctx, s, firm, 0, in, 0)
	}
	for step := 0; step < 6 && err == nil; step++ {
		answers := map[string]survey.Answer{}
		for j := range 7 {
			q := qs[(step*7+j)%len(qs)]
			answers[q.ID] = survey.Answer{Options: []string{q.Options[(i+j)%len(q.Options)].ID}}
		}
		err = s.SaveAnswers(ctx, d.ID, firm, answers, 0)
	}
	if err == nil {
		d, err = s.FindResponse(ctx, d.ID)
	}
	if err != nil {
		return err
	}
	r := scoring.Score(in, d.Profile, d.Answers)
	if batched {
		return s.SubmitResponse(ctx, d.ID, firm, 0, d.Version(), r)
	}
	return store.SubmitSerial(ctx, s, d.ID, firm, 0, d.Version(), r)
}
