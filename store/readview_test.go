package store_test

import (
	"context"
	"database/sql"
	"testing"

	"dxready/store"
	"dxready/store/storetest"
	"dxready/survey"
)

// foreignDB is another tool's connection to the store's file.
func foreignDB(t *testing.T, s *store.Store) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// firstOption reads the first option of draft id's answer to q.
func firstOption(t *testing.T, c context.Context, s *store.Store, id int64, q string) string {
	t.Helper()
	r, err := s.FindResponse(c, id)
	if err != nil {
		t.Fatal(err)
	}
	return r.Answers[q].Options[0]
}

// A read view is one snapshot, begun at its first read: what another
// tool commits after that is not seen within it (its reads agree with
// each other), and is seen by the next view; and a write made with the
// view's context is seen by the view's next read.
func TestReadViewIsOneSnapshotThatSeesItsOwnWrites(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	d := answeredDraft(t, s, fx.GoDuc.ID, in)
	q := in.Pillars[0].Questions[0]
	first, second := q.Options[0].ID, q.Options[1].ID
	c, end := s.ReadView(ctx)
	defer end()
	if got := firstOption(t, c, s, d.ID, q.ID); got != first {
		t.Fatalf("first read: %s", got)
	}
	js := `["` + second + `"]`
	if _, err := foreignDB(t, s).Exec("UPDATE answers SET options = ? WHERE response_id = ? AND question = ?", js, d.ID, q.ID); err != nil {
		t.Fatal(err)
	}
	if got := firstOption(t, c, s, d.ID, q.ID); got != first {
		t.Fatalf("a view's second read sees a write committed after its first: %s", got)
	}
	c2, end2 := s.ReadView(ctx)
	if got := firstOption(t, c2, s, d.ID, q.ID); got != second {
		t.Fatalf("a new view misses another tool's committed write: %s", got)
	}
	end2()
	// Its own write: seen at once by the same view.
	q2 := in.Pillars[1].Questions[0]
	a := map[string]survey.Answer{q2.ID: {Options: []string{q2.Options[1].ID}}}
	if err := s.SaveAnswers(c, d.ID, fx.GoDuc.ID, a, fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	if got := firstOption(t, c, s, d.ID, q2.ID); got != q2.Options[1].ID {
		t.Fatalf("a view misses its own write: %s", got)
	}
	if n := s.SQLCounts(); n.ReadTxs < 3 {
		t.Fatalf("counts: %+v", n)
	}
}

// A view's reads are one read transaction; after its end, reads run on
// the pool again, each its own.
func TestReadViewReadsInOneTransaction(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	d := answeredDraft(t, s, fx.GoDuc.ID, in)
	before := s.SQLCounts()
	c, end := s.ReadView(ctx)
	for range 3 {
		if _, err := s.FindResponse(c, d.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AnswerChanges(c, d.ID, 15); err != nil {
		t.Fatal(err)
	}
	if n := s.SQLCounts().Sub(before); n.ReadStatements != 4 || n.ReadTxs != 1 {
		t.Fatalf("four reads in a view: %+v", n)
	}
	end()
	end() // again: nothing
	before = s.SQLCounts()
	for range 2 {
		if _, err := s.FindResponse(c, d.ID); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.SQLCounts().Sub(before); n.ReadStatements != 2 || n.ReadTxs != 2 {
		t.Fatalf("two reads after the view's end: %+v", n)
	}
}

// Views never hold every reader: with as many views open as the pool has
// connections, the last reads on the pool, and a read outside any view
// (as the cells' load is) still finds a connection. Ending them frees
// their connections.
func TestReadViewsLeaveAReaderFree(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	d := answeredDraft(t, s, fx.GoDuc.ID, in)
	short, cancel := context.WithTimeout(ctx, 5e9) // a read waiting for a connection fails rather than hangs
	defer cancel()
	var ends []func()
	for range store.Readers + 2 {
		c, end := s.ReadView(short)
		ends = append(ends, end)
		if _, err := s.FindResponse(c, d.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.FindResponse(short, d.ID); err != nil {
		t.Fatalf("a read outside the views while they are open: %v", err)
	}
	for _, end := range ends {
		end()
	}
	for range 20 { // every view's connection is back: none is left waiting
		c, end := s.ReadView(short)
		if _, err := s.FindResponse(c, d.ID); err != nil {
			t.Fatal(err)
		}
		end()
	}
}
