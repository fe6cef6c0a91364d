package store_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"dxready/store/storetest"
	"dxready/survey"
)

// Starting an assessment whose draft is open is a read: it answers, with
// the draft and its answers, while another connection holds the writer.
func TestOpenDraftIsFoundWithoutTheWriter(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	p := survey.Profile{Section: "C", Size: "small"}
	d, err := s.DraftOf(ctx, fx.GoDuc.ID, 0, in, p, fx.FirmUser.ID)
	if err != nil {
		t.Fatal(err)
	}
	q := in.Pillars[0].Questions[0]
	if err := s.SaveAnswers(ctx, d.ID, fx.GoDuc.ID, map[string]survey.Answer{q.ID: {Options: []string{q.Options[0].ID}}}, fx.FirmUser.ID); err != nil {
		t.Fatal(err)
	}
	holdWriter(t, s.Path())
	c, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	got, err := s.DraftOf(c, fx.GoDuc.ID, 0, in, p, fx.FirmUser.ID)
	if err != nil {
		t.Fatalf("open draft while the writer is held: %v", err)
	}
	if got.ID != d.ID || got.Answers[q.ID].Options[0] != q.Options[0].ID || got.Status != survey.Draft {
		t.Fatalf("got %+v, want draft %d with its answer", got, d.ID)
	}
}

// Tabs starting at once all miss the read while the writer is busy, and
// then queue for it: the first creates the draft, and each after it finds
// that one in its write transaction instead of creating a second.
func TestTabsStartingAtOnceGetOneDraft(t *testing.T) {
	s, fx := storetest.Open(t)
	in := storetest.Instrument(t)
	conn := holdWriter(t, s.Path())
	ids := make(chan int64, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			d, err := s.DraftOf(ctx, fx.GoDuc.ID, 0, in, survey.Profile{}, fx.FirmUser.ID)
			if err != nil {
				t.Error(err)
				return
			}
			ids <- d.ID
		})
	}
	time.Sleep(300 * time.Millisecond) // let them read and queue; sooner only makes the test weaker
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(ids)
	first := <-ids
	for id := range ids {
		if id != first {
			t.Fatalf("two drafts: %d and %d", first, id)
		}
	}
}

// holdWriter takes the database's write lock on a connection of its own
// until the test ends or the caller rolls back.
func holdWriter(t *testing.T, path string) *sql.Conn {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.ExecContext(ctx, "ROLLBACK"); conn.Close() })
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	return conn
}
