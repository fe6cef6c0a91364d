package store_test

import (
	"context"
	"database/sql"
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
	db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "ROLLBACK")
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
