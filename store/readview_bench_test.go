package store_test

import (
	"syscall"
	"testing"
	"time"

	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// BenchmarkReadView reads a whole answered draft as a page does: alone
// (its pages in the connection's cache), after another draft's answers
// were committed (SQLite then discards the reader's cache: the load
// tool's case), and with its changes as the review reads them, in one
// read view and in two transactions. "commit" is the commit alone, to
// subtract.
func BenchmarkReadView(b *testing.B) {
	s, fx := storetest.Open(b)
	in := storetest.Instrument(b)
	d, other := answeredDraft(b, s, fx.GoDuc.ID, in), answeredDraft(b, s, fx.NoiThat.ID, in)
	q := in.Pillars[0].Questions[0]
	flip := 0
	commit := func() {
		flip = 1 - flip
		a := map[string]survey.Answer{q.ID: {Options: []string{q.Options[flip].ID}}}
		if err := s.SaveAnswers(ctx, other.ID, fx.NoiThat.ID, a, fx.FirmUser.ID); err != nil {
			b.Fatal(err)
		}
	}
	read := func() {
		if _, err := s.FindResponse(ctx, d.ID); err != nil {
			b.Fatal(err)
		}
	}
	review := func() {
		read()
		if _, err := s.AnswerChanges(ctx, d.ID, 15); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("warm", func(b *testing.B) {
		defer cpuMicros(b)()
		for b.Loop() {
			read()
		}
	})
	b.Run("commit", func(b *testing.B) {
		defer cpuMicros(b)()
		for b.Loop() {
			commit()
		}
	})
	b.Run("commit+read", func(b *testing.B) {
		defer cpuMicros(b)()
		for b.Loop() {
			commit()
			read()
		}
	})
	b.Run("commit+review", func(b *testing.B) {
		defer cpuMicros(b)()
		for b.Loop() {
			commit()
			review()
		}
	})
	b.Run("commit+review_in_a_view", func(b *testing.B) {
		defer cpuMicros(b)()
		for b.Loop() {
			commit()
			c, end := s.ReadView(ctx)
			if _, err := s.FindResponse(c, d.ID); err != nil {
				b.Fatal(err)
			}
			if _, err := s.AnswerChanges(c, d.ID, 15); err != nil {
				b.Fatal(err)
			}
			end()
		}
	})
}

// answeredDraft is firmID's draft with every question answered by its
// first option.
func answeredDraft(t testing.TB, s *store.Store, firmID int64, in *survey.Instrument) *survey.Response {
	d, err := s.DraftOf(ctx, firmID, 0, in, survey.Profile{Section: "C", Size: "small"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	a := map[string]survey.Answer{}
	for _, q := range in.Questions() {
		a[q.ID] = survey.Answer{Options: []string{q.Options[0].ID}}
	}
	if err := s.SaveAnswers(ctx, d.ID, firmID, a, 0); err != nil {
		t.Fatal(err)
	}
	return d
}

// cpuMicros reports, when the returned func runs, the process's CPU time
// (user and system) per iteration as "cpu-µs/op": wall time on a shared
// machine measures the other processes.
func cpuMicros(b *testing.B) func() {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	return func() {
		b.ReportMetric(float64(cpu()-start)/float64(time.Microsecond)/float64(b.N), "cpu-µs/op")
	}
}
