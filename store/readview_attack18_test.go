package store_test

import (
	"context"
	"sync"
	"testing"

	"dxready/store"
	"dxready/store/storetest"
)

// A request whose client goes away in the middle of its view: its next
// read fails, and once the view ends every reader connection sees what
// is committed after it (none is left inside the old snapshot), in views
// and out of them, many at once.
func TestAttack18AViewCancelledMidwayLeavesNoOldSnapshot(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	d := answeredDraft(t, s, fx.GoDuc.ID, in)
	q := in.Pillars[0].Questions[0]
	first, second := q.Options[0].ID, q.Options[1].ID
	for range store.Readers + 1 { // every view slot, and one more on the pool
		gone, cancel := context.WithCancel(ctx)
		c, end := s.ReadView(gone)
		if got := firstOption(t, c, s, d.ID, q.ID); got != first {
			t.Fatalf("first read: %s", got)
		}
		cancel()
		s.FindResponse(c, d.ID) // fails or not: the view is left open, cancelled
		defer end()
	}
	js := `["` + second + `"]`
	if _, err := foreignDB(t, s).Exec("UPDATE answers SET options = ? WHERE response_id = ? AND question = ?", js, d.ID, q.ID); err != nil {
		t.Fatal(err)
	}
	// The cancelled views end only now (deferred above): meanwhile the
	// pool's free reader still answers, fresh.
	if got := firstOption(t, ctx, s, d.ID, q.ID); got != second {
		t.Fatalf("a read outside the cancelled views sees an old snapshot: %s", got)
	}
}

// The same, the views ended before the foreign write; then 4×Readers
// concurrent views and plain reads all see the write.
func TestAttack18CancelledViewsEndedGiveBackFreshConnections(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	d := answeredDraft(t, s, fx.GoDuc.ID, in)
	q := in.Pillars[0].Questions[0]
	second := q.Options[1].ID
	for range store.Readers + 1 {
		gone, cancel := context.WithCancel(ctx)
		c, end := s.ReadView(gone)
		firstOption(t, c, s, d.ID, q.ID)
		cancel()
		s.FindResponse(c, d.ID) // fails or not; the view must end cleanly
		end()
	}
	js := `["` + second + `"]`
	if _, err := foreignDB(t, s).Exec("UPDATE answers SET options = ? WHERE response_id = ? AND question = ?", js, d.ID, q.ID); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4*store.Readers)
	for i := range 4 * store.Readers {
		wg.Go(func() {
			c, end := ctx, func() {}
			if i%2 == 0 {
				c, end = s.ReadView(ctx)
			}
			defer end()
			r, err := s.FindResponse(c, d.ID)
			if err != nil {
				errs <- err.Error()
			} else if got := r.Answers[q.ID].Options[0]; got != second {
				errs <- "old snapshot: " + got
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
